"""Levels of activity: Fisher-Jenks, cut points, guards, probabilities and configuration."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from paradiplomacy.assess.classification import (
    ClassificationConfig,
    ClassificationConfigError,
    assign_levels,
    classify,
    cut_points,
    fisher_jenks,
    level_probabilities,
    load_config,
)

INF = np.inf

FOUR = {
    "method": "fixed",
    "levels": [
        {"name": "leader", "label_en": "Leader", "label_ru": "Лидер", "threshold": 60,
         "guards": [{"column": "n_macro_regions", "min": 3}]},
        {"name": "active", "label_en": "Active", "label_ru": "Активный", "threshold": 40},
        {"name": "moderate", "label_en": "Moderate", "label_ru": "Умеренный", "threshold": 20},
        {"name": "low", "label_en": "Low", "label_ru": "Низкий"},
    ],
}  # fmt: skip


def sse(values: np.ndarray, inner: np.ndarray) -> float:
    """Within-class sum of squares of ``values`` cut at ``inner`` (class j = [b_j, b_{j+1}))."""
    cls = np.searchsorted(inner, values, side="right")
    return sum(float(((values[cls == c] - values[cls == c].mean()) ** 2).sum()) for c in set(cls))


# --- Fisher-Jenks by hand -------------------------------------------------------------------


def test_jenks_two_obvious_groups():
    # {1,2,3} and {10,11,12}: SS 2 + 2 = 4; any other cut mixes the groups (e.g. {1,2},{3,10,
    # 11,12}: 0.5 + 38.75). Edges: min 1, lowest of the upper class 10, max 12.
    np.testing.assert_array_equal(fisher_jenks([12, 1, 11, 3, 10, 2], 2), [1, 10, 12])


def test_jenks_three_pairs():
    # {1,2},{4,5},{20,21}: SS 0.5 x 3 = 1.5. {1,2,4,5},{20},{21}: mean 3, SS 4+1+1+4 = 10.
    np.testing.assert_array_equal(fisher_jenks([1, 2, 4, 5, 20, 21], 3), [1, 4, 20, 21])


def test_jenks_tie_keeps_the_top_class_small():
    # [1,2,3] in 2: {1},{2,3} and {1,2},{3} both cost 0.5; the top class starts highest: {3}.
    np.testing.assert_array_equal(fisher_jenks([1, 2, 3], 2), [1, 3, 3])
    # [0,1,2,3] in 2: {0,1},{2,3} costs 1.0 (0.5 + 0.5); {0},{1,2,3} and {0,1,2},{3} cost 2.
    np.testing.assert_array_equal(fisher_jenks([0, 1, 2, 3], 2), [0, 2, 3])


def test_jenks_never_splits_equal_values_and_ignores_nan():
    # Values 1,5,5,5: two distinct values, so the only 2-class partition is {1},{5,5,5}.
    np.testing.assert_array_equal(fisher_jenks([5, 5, np.nan, 5, 1], 2), [1, 5, 5])
    with pytest.raises(ValueError, match="at least 3 distinct values"):
        fisher_jenks([5, 5, 1], 3)
    with pytest.raises(ValueError, match="positive integer"):
        fisher_jenks([1, 2], 0)


def test_jenks_one_class_is_the_range():
    np.testing.assert_array_equal(fisher_jenks([3, 1, 2], 1), [1, 3])


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.integers(0, 30).map(float) | st.floats(-5, 5), min_size=1, max_size=8),
    k=st.integers(1, 4),
)
def test_jenks_matches_brute_force(values, k):
    x = np.array(values)
    u = np.unique(x)
    if u.size < k:
        with pytest.raises(ValueError):
            fisher_jenks(x, k)
        return
    edges = fisher_jenks(x, k)
    inner = edges[1:-1]
    assert edges[0] == x.min() and edges[-1] == x.max()
    assert np.all(np.diff(inner) > 0) and set(inner) <= set(u)
    # Every partition of the distinct values into k contiguous non-empty classes.
    best = min(sse(x, u[list(cuts)]) for cuts in itertools.combinations(range(1, u.size), k - 1))
    total = float(((x - x.mean()) ** 2).sum())
    assert sse(x, inner) <= best + 1e-9 * (1 + total)
    # The order of the input does not matter.
    np.testing.assert_array_equal(fisher_jenks(x[::-1], k), edges)


# --- cut points and levels ------------------------------------------------------------------


def test_fixed_cut_points_and_levels_by_hand():
    cfg = ClassificationConfig.model_validate(FOUR)
    edges = cut_points([1.0, 2.0], cfg)
    np.testing.assert_array_equal(edges, [-INF, 20, 40, 60, INF])
    # 60 is Leader (a score equal to a threshold takes the higher level), 59.9 Active, 40
    # Active, 19.99 Low, 0 Low, 100 Leader, NaN no level (0).
    levels = assign_levels([60, 59.9, 40, 19.99, 0, 100, np.nan], edges)
    np.testing.assert_array_equal(levels, [1, 2, 2, 4, 4, 1, 0])


def test_jenks_cut_points_are_the_nominal_breaks():
    cfg = ClassificationConfig.model_validate({**FOUR, "method": "jenks"})
    nominal = np.array([1, 2, 4, 5, 20, 21, 50, 52.0])
    # Four pairs, each its own class: inner edges midway between adjacent classes' scores.
    np.testing.assert_array_equal(cut_points(nominal, cfg), [-INF, 3, 12.5, 35.5, INF])
    np.testing.assert_array_equal(
        assign_levels(nominal, cut_points(nominal, cfg)), [4, 4, 3, 3, 2, 2, 1, 1]
    )


def test_guard_demotion_by_hand():
    edges = [-INF, 20, 40, 60, INF]
    scores = np.array([70, 70, 50, 70, 10.0])
    guard_ok = np.array(
        [
            [False, False, True, True],  # fails Leader and Active: 70 -> Moderate (3)
            [False, True, True, True],  # fails Leader: 70 -> Active (2)
            [False, True, True, True],  # scores Active, Leader's guard is irrelevant: 2
            [True, False, True, True],  # passes Leader: 1 (but a 50 would fail Active: 3)
            [False, False, False, True],  # scores Low anyway: 4
        ]
    )
    np.testing.assert_array_equal(assign_levels(scores, edges, guard_ok), [3, 2, 2, 1, 4])
    # The same per run: runs are columns.
    runs = np.array([[70, 50, 30], [70, 50, 30], [50, 65, 10], [70, 50, 30], [10, 70, 30.0]])
    np.testing.assert_array_equal(
        assign_levels(runs, edges, guard_ok),
        [[3, 3, 3], [2, 2, 3], [2, 2, 4], [1, 3, 3], [4, 4, 4]],
    )
    with pytest.raises(ValueError, match="lowest level must pass"):
        assign_levels(scores, edges, np.zeros((5, 4), dtype=bool))
    with pytest.raises(ValueError, match="shape"):
        assign_levels(scores, edges, np.ones((5, 3), dtype=bool))


def test_level_probabilities_by_hand():
    edges = [-INF, 20, 40, 60, INF]
    runs = np.array([[65, 55, 45, np.nan], [np.nan, np.nan, np.nan, np.nan]])
    p = level_probabilities(runs, edges, codes=["A", "B"])
    # A: runs 65 -> 1, 55 -> 2, 45 -> 2, one missing: 1/3, 2/3 over 3 scored runs.
    np.testing.assert_allclose(p.loc["A", ["p_level_1", "p_level_2", "p_level_3", "p_level_4"]],
                               [1 / 3, 2 / 3, 0, 0])  # fmt: skip
    assert p.loc["A", "n_runs"] == 3 and p.loc["A", "n_runs_missing"] == 1
    assert p.loc["B"].filter(like="p_level").isna().all() and p.loc["B", "n_runs_missing"] == 4
    # A guard that fails Leader moves the 65 run to Active: 0, 1.
    g = np.array([[False, True, True, True], [True, True, True, True]])
    gp = level_probabilities(runs, edges, g, codes=["A", "B"])
    np.testing.assert_allclose(gp.loc["A", ["p_level_1", "p_level_2"]], [0, 1])


@settings(max_examples=60, deadline=None)
@given(
    runs=arrays(
        np.float64, st.tuples(st.integers(1, 6), st.integers(1, 12)),
        elements=st.floats(-10, 110) | st.just(np.nan),
    ),
    data=st.data(),
)  # fmt: skip
def test_probabilities_sum_to_one_and_are_reproducible(runs, data):
    n = runs.shape[0]
    edges = [-INF, 20, 40, 60, INF]
    g = data.draw(arrays(bool, (n, 4)))
    g[:, -1] = True
    p = level_probabilities(runs, edges, g)
    cols = [f"p_level_{i}" for i in range(1, 5)]
    scored = (~np.isnan(runs)).sum(axis=1)
    np.testing.assert_array_equal(p["n_runs"], scored)
    np.testing.assert_array_equal(p["n_runs_missing"], runs.shape[1] - scored)
    sums = p[cols].sum(axis=1, min_count=1).to_numpy()
    np.testing.assert_allclose(sums[scored > 0], 1.0)
    assert np.isnan(sums[scored == 0]).all()
    pd.testing.assert_frame_equal(p, level_probabilities(runs.copy(), edges, g.copy()))
    # The order of the runs does not matter.
    pd.testing.assert_frame_equal(p, level_probabilities(runs[:, ::-1], edges, g))


def test_classify_joins_levels_probabilities_and_guard_notes():
    cfg = ClassificationConfig.model_validate(FOUR)
    nominal = pd.Series({"A": 70.0, "B": 70.0, "C": 30.0, "D": np.nan})
    runs = pd.DataFrame(
        [[70, 58, 61, 75], [70, 58, 61, 75], [30, 25, 45, np.nan], [np.nan] * 4],
        index=["A", "B", "C", "D"],
    )
    profile = pd.DataFrame({"code": ["B", "A", "C", "D"], "n_macro_regions": [2, 4, 1, 0]})
    out = classify(nominal, runs, profile, cfg).set_index("code")
    assert out.loc["A", "level"] == 1 and out.loc["A", "level_name"] == "Leader"
    # A: runs 70, 58, 61, 75 -> 1, 2, 1, 1.
    np.testing.assert_allclose(out.loc["A", ["p_level_1", "p_level_2"]], [0.75, 0.25])
    assert out.loc["A", "p_nominal"] == 0.75 and out.loc["A", "guard_notes"] == ""
    # B scores as A but has partners in 2 macro-regions: Leader's guard moves it to Active.
    assert out.loc["B", "score_level"] == 1 and out.loc["B", "level"] == 2
    assert out.loc["B", "level_name_ru"] == "Активный" and out.loc["B", "p_level_2"] == 1.0
    assert out.loc["B", "guard_notes"] == (
        "Leader needs n_macro_regions >= 3 (has 2): moved to Active"
    )
    # C: 30, 25, 45 scored (Moderate, Moderate, Active), one missing.
    np.testing.assert_allclose(out.loc["C", ["p_level_2", "p_level_3"]], [1 / 3, 2 / 3])
    assert out.loc["C", "n_runs_missing"] == 1
    assert pd.isna(out.loc["D", "level"]) and out.loc["D", "level_name"] == ""
    no_runs = classify(nominal, None, profile, cfg).set_index("code")
    assert no_runs["p_level_1"].isna().all() and no_runs.loc["B", "level"] == 2


# --- configuration --------------------------------------------------------------------------


def test_default_configuration():
    cfg = load_config()
    assert cfg.method == "jenks" and cfg.k == 4
    assert [lv.label_en for lv in cfg.levels] == ["Leader", "Active", "Moderate", "Low"]
    assert cfg.levels[0].guards[0].column == "n_macro_regions"
    assert cfg.levels[0].guards[0].min == 3
    assert cfg.profile.window_years == 5 and cfg.profile.focused_hhi == 0.5
    assert cfg.probability_columns == ["p_level_1", "p_level_2", "p_level_3", "p_level_4"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("method: fixed\nlevels:\n  - {name: a, label_en: A, label_ru: A}\n"
         "  - {name: b, label_en: B, label_ru: B}\n", "needs a threshold"),
        ("method: fixed\nlevels:\n  - {name: a, label_en: A, label_ru: A, threshold: 1}\n"
         "  - {name: b, label_en: B, label_ru: B, threshold: 2}\n"
         "  - {name: c, label_en: C, label_ru: C}\n", "strictly decreasing"),
        ("levels:\n  - {name: a, label_en: A, label_ru: A}\n"
         "  - {name: b, label_en: B, label_ru: B, guards: [{column: hhi, max: 0.5}]}\n",
         "lowest level"),
        ("levels:\n  - {name: a, label_en: A, label_ru: A, guards: [{column: size, min: 1}]}\n"
         "  - {name: b, label_en: B, label_ru: B}\n", "levels.0.guards.0"),
        ("method: median\nlevels: []\n", "method"),
        ("levels:\n  - {name: a, label_en: A, label_ru: A}\n"
         "  - {name: b, label_en: B, label_ru: B}\nprofile: {window: 3}\n", "profile.window"),
        ("- 1\n", "expected a mapping"),
    ],
)  # fmt: skip
def test_bad_configuration_names_file_and_key(tmp_path: Path, text: str, expected: str):
    path = tmp_path / "classification.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClassificationConfigError, match=expected) as info:
        load_config(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_cut_points_lie_strictly_between_adjacent_classes_and_borderline_is_flagged():
    from paradiplomacy.assess.classification import classify

    cfg = ClassificationConfig.model_validate({**FOUR, "method": "jenks"})
    nominal = pd.Series([1, 2, 4, 5, 20, 21, 50, 52.0], index=[f"R{i}" for i in range(8)])
    edges = cut_points(nominal, cfg)
    inner = edges[1:-1]
    assert not np.isin(inner, nominal.to_numpy()).any()
    # R2 (4) sits just above the cut point 3; its runs fall below it in 3 of 4 runs
    runs = pd.DataFrame(np.repeat(nominal.to_numpy()[:, None], 4, axis=1), index=nominal.index)
    runs.loc["R2"] = [2.0, 2.5, 2.9, 4.0]
    profile = pd.DataFrame({"code": nominal.index, "n_macro_regions": 5})
    classes = classify(nominal, runs, profile, cfg, edges).set_index("code")
    assert classes.loc["R2", "level"] == 3 and classes.loc["R2", "most_probable_level"] == 4
    assert classes.loc["R2", "borderline"]
    assert not classes.drop(index="R2")["borderline"].any()
