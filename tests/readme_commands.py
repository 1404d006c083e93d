"""The commands that README.md and docs/*.md show, as data: their extraction, and the expansion
of a synopsis into concrete instances. The classification and the values to fill in are the
policy of ``tests/test_readme.py``, which uses this module.

What is read:

- fenced blocks tagged ``sh``, ``shell``, ``bash`` or ``console``: one command per line (a line
  that starts with blanks continues the command above it, as does a trailing backslash; a
  ``$ `` prompt and a ``# comment`` are removed);
- fenced ``python`` blocks, whole;
- inline code spans (which may wrap over one line break) whose first word is a program
  (``paradiplomacy``, ``.venv/bin/paradiplomacy``, ``python``, ``.venv/bin/python``, ``make``,
  ``pip``), a script with arguments (``tools/check_asem.py DIR``), an executable file of the
  repository (``.ci/run``), or, in docs/*.md, a command path of the CLI without the program
  name (``index uncertainty --runs N``);
- every ``--option`` written in an inline span or in a comment of a command block.

Other fenced blocks must carry one of :data:`INERT_LANGUAGES`; an untagged fence is reported,
so that a command block cannot hide behind a missing tag.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHELL_LANGUAGES = frozenset({"sh", "shell", "bash", "console"})
INERT_LANGUAGES = frozenset({"text", "yaml", "json", "csv", "toml", "ini", "sql", "r"})
CLI_PROGRAMS = frozenset({"paradiplomacy", ".venv/bin/paradiplomacy"})
PYTHON_PROGRAMS = frozenset({"python", "python3", "python3.11", ".venv/bin/python"})
OTHER_PROGRAMS = frozenset({"make", "pip", ".venv/bin/pip"})

FENCE = re.compile(r"^\s*```+\s*([A-Za-z0-9_+-]*)\s*$")
INLINE = re.compile(r"`([^`\n]+(?:\n[^`\n]+)?)`")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
PLACEHOLDER_WORD = re.compile(r"^(?:[A-Z]|[A-Z][A-Z_]{2,}|ID)(?:\.[a-z]+)?$")


@dataclass(frozen=True)
class Line:
    """One command as the documentation writes it."""

    doc: str
    lineno: int
    text: str
    inline: bool

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.lineno}"


@dataclass(frozen=True)
class Snippet:
    """One fenced Python block."""

    doc: str
    lineno: int
    code: str

    @property
    def first_line(self) -> str:
        return self.code.strip().splitlines()[0]


@dataclass
class Extracted:
    """Everything read from one Markdown file."""

    lines: list[Line] = field(default_factory=list)
    snippets: list[Snippet] = field(default_factory=list)
    option_mentions: list[tuple[str, str]] = field(default_factory=list)  # (where, --option)
    untagged_fences: list[str] = field(default_factory=list)
    unknown_fences: list[tuple[str, str]] = field(default_factory=list)


def strip_comment(text: str) -> tuple[str, str]:
    """Split a shell line into its command and its ``# comment`` (outside quotes)."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1].isspace()):
            return text[:i].rstrip(), text[i + 1 :].strip()
    return text.rstrip(), ""


def extract(path: Path, root: Path, cli_paths: set[tuple[str, ...]]) -> Extracted:
    """Read ``path`` (a Markdown file under ``root``); ``cli_paths`` are the CLI's command paths,
    for spans in docs/ that name a command without the program. Options are collected from the
    spans and comments that are not commands themselves (a command's options are checked with
    it)."""
    doc = path.relative_to(root).as_posix()
    source = path.read_text(encoding="utf-8").splitlines()
    out = Extracted()
    prose: list[str] = []
    i = 0
    while i < len(source):
        match = FENCE.match(source[i])
        if not match:
            prose.append(source[i])
            i += 1
            continue
        lang = match.group(1).lower()
        start = i
        i += 1
        body: list[tuple[int, str]] = []
        while i < len(source) and not FENCE.match(source[i]):
            body.append((i + 1, source[i]))
            i += 1
        i += 1  # the closing fence
        prose.extend([""] * (i - start))  # keep line numbers of the prose
        where = f"{doc}:{start + 1}"
        if not lang:
            out.untagged_fences.append(where)
        elif lang in SHELL_LANGUAGES:
            _shell_block(doc, body, out)
        elif lang == "python":
            code = "\n".join(text for _, text in body)
            out.snippets.append(Snippet(doc, start + 2, code))
        elif lang not in INERT_LANGUAGES:
            out.unknown_fences.append((where, lang))
    text = "\n".join(prose)
    for match in INLINE.finditer(text):
        span = " ".join(match.group(1).split())
        lineno = text.count("\n", 0, match.start()) + 1
        if is_command_span(span, doc, root, cli_paths):
            out.lines.append(Line(doc, lineno, span, inline=True))
            continue
        for option in OPTION.findall(span):
            out.option_mentions.append((f"{doc}:{lineno}", option))
    return out


def _shell_block(doc: str, body: list[tuple[int, str]], out: Extracted) -> None:
    current: list[str] = []
    first = 0
    continued = False

    def flush() -> None:
        if current:
            out.lines.append(Line(doc, first, " ".join(current), inline=False))
            current.clear()

    for lineno, raw in body:
        line = raw[2:] if raw.startswith("$ ") else raw
        command, comment = strip_comment(line)
        for option in OPTION.findall(comment):
            out.option_mentions.append((f"{doc}:{lineno}", option))
        if not command.strip():
            flush()
            continued = False
            continue
        joins = current and (continued or line[:1].isspace())
        continued = command.endswith("\\")
        command = command.removesuffix("\\").strip()
        if joins:
            current.append(command)
        else:
            flush()
            first = lineno
            current.append(command)
    flush()


def is_command_span(span: str, doc: str, root: Path, cli_paths: set[tuple[str, ...]]) -> bool:
    """Whether an inline code span is a command (see the module docstring): a bare ``make`` or
    ``tools/x.py`` names a program or a file, not a command."""
    words = span.split()
    if not words:
        return False
    head = words[0]
    if head in CLI_PROGRAMS | OTHER_PROGRAMS | PYTHON_PROGRAMS:
        return len(words) > 1 or head in CLI_PROGRAMS
    if head.endswith(".py") and len(words) > 1:
        return True
    script = root / head
    if "/" in head and not head.endswith(".py") and script.is_file():
        return os.access(script, os.X_OK)  # an executable of the repository, e.g. .ci/run
    return doc.startswith("docs/") and len(words) > 1 and tuple(words[:2]) in cli_paths


# --------------------------------------------------------------------------- tokens and synopses


@dataclass(frozen=True)
class Alt:
    """Words written as ``a|b|c`` (no blanks): one of them."""

    choices: tuple[str, ...]


@dataclass(frozen=True)
class Opt:
    """``[ ... ]``: an optional group."""

    items: tuple[Any, ...]


OR = "|"  # a ``|`` between blanks: alternative parts of the command
ELLIPSIS = "..."


def tokens(text: str) -> list[str]:
    """Shell words, with ``[``, ``]`` and a free-standing ``|`` as words of their own."""
    out: list[str] = []
    for word in shlex.split(text):
        lead = len(word) - len(word.lstrip("["))
        out.extend("[" * lead)
        word = word[lead:]
        trail = len(word) - len(word.rstrip("]"))
        word = word[: len(word) - trail]
        if word:
            out.append(word)
        out.extend("]" * trail)
    return out


def parse(words: list[str]) -> list[Any]:
    """Words to items: str, :data:`OR`, :class:`Alt` and :class:`Opt` (nested)."""

    def group(pos: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        while pos < len(words):
            word = words[pos]
            if word == "[":
                inner, pos = group(pos + 1)
                items.append(Opt(tuple(inner)))
                continue
            if word == "]":
                return items, pos + 1
            if word == "|":
                items.append(OR)
            elif "|" in word and not word.startswith(("'", '"')):
                items.append(Alt(tuple(word.split("|"))))
            else:
                items.append(word)
            pos += 1
        return items, pos

    items, _ = group(0)
    return items


def is_placeholder(word: str) -> bool:
    """FILE, DIR, URL, N, R, C, ID, F_V, F.json, FILE.geojson, CONCEPT=CODE, ``...``."""
    if word == ELLIPSIS or word.endswith(ELLIPSIS):
        return True
    return all(PLACEHOLDER_WORD.match(part) for part in word.split("="))


def has_placeholders(items: list[Any]) -> bool:
    for item in items:
        if item is OR or isinstance(item, Alt | Opt):
            return True
        if isinstance(item, str) and is_placeholder(item):
            return True
    return False


def options_named(items: list[Any]) -> list[str]:
    """Every ``--option`` in ``items``, nested groups and alternatives included."""
    found: list[str] = []
    for item in items:
        if isinstance(item, Opt):
            found += options_named(list(item.items))
        elif isinstance(item, Alt):
            found += [c for c in item.choices if c.startswith("--")]
        elif isinstance(item, str) and item.startswith("--"):
            found.append(item.split("=", 1)[0])
    return found


# --------------------------------------------------------------------------- the CLI's commands


def subcommands(command: Any) -> dict[str, Any]:
    """The subcommands of a click group (empty for a command)."""
    return dict(getattr(command, "commands", {}) or {})


def command_paths(root: Any) -> set[tuple[str, ...]]:
    """Every command path of the CLI, groups included: ``("fetch", "wikidata", "twinning")``."""
    found: set[tuple[str, ...]] = set()

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if path:
            found.add(path)
        for name, sub in subcommands(command).items():
            walk(sub, (*path, name))

    walk(root, ())
    return found


def command_at(root: Any, path: tuple[str, ...]) -> Any:
    command = root
    for name in path:
        command = subcommands(command)[name]
    return command


def option_names(command: Any) -> set[str]:
    """The long and short option names of a command, ``--help`` included."""
    names = {"--help"}
    for param in command.params:
        if param.param_type_name == "option":
            names.update(param.opts)
            names.update(param.secondary_opts)
    return names


def option_param(command: Any, name: str) -> Any | None:
    for param in command.params:
        if param.param_type_name == "option" and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def takes_value(command: Any, name: str) -> bool:
    param = option_param(command, name)
    return param is not None and not param.is_flag and not param.count


def resolve(root: Any, items: list[Any]) -> tuple[tuple[str, ...], list[Any]]:
    """The longest command path at the start of ``items``, and the items after it."""
    path: tuple[str, ...] = ()
    command = root
    rest = list(items)
    while rest and isinstance(rest[0], str) and rest[0] in subcommands(command):
        path = (*path, rest[0])
        command = subcommands(command)[rest[0]]
        rest.pop(0)
    return path, rest


@dataclass(frozen=True)
class Branch:
    """One alternative of a command line: its command path and the items after it."""

    path: tuple[str, ...]
    items: tuple[Any, ...]


def branches(root: Any, items: list[Any]) -> list[Branch]:
    """The alternatives a line writes with a free-standing ``|``.

    ``fetch wikidata twinning | consulates [...]`` has two command paths; ``channels --partner
    TR | --region R [...]`` and ``fetch gdelt --from A --to B | --files F [...]`` two sets of
    arguments, each running from the command path to the ``|`` (left) or from the ``|`` to the
    first optional group (right), with the optional groups shared.
    """
    path, rest = resolve(root, items)
    if path and rest and rest[0] is OR:
        parent = command_at(root, path[:-1])
        names = [path[-1]]
        while len(rest) >= 2 and rest[0] is OR and rest[1] in subcommands(parent):
            names.append(rest[1])
            rest = rest[2:]
        out = []
        for name in names:
            sub_path, sub_rest = resolve(root, [*path[:-1], name, *rest])
            out.append(Branch(sub_path, tuple(sub_rest)))
        return out
    if OR not in rest:
        return [Branch(path, tuple(rest))]
    segments: list[list[Any]] = [[]]
    for item in rest:
        if item is OR:
            segments.append([])
        else:
            segments[-1].append(item)
    last = segments[-1]
    cut = next((i for i, item in enumerate(last) if isinstance(item, Opt)), len(last))
    alternatives = [*segments[:-1], last[:cut]]
    tail = last[cut:]
    return [Branch(path, tuple(alt + tail)) for alt in alternatives]


def bare(branch: Branch) -> Branch:
    """``branch`` without its optional groups."""
    return Branch(branch.path, tuple(item for item in branch.items if not isinstance(item, Opt)))


class MissingValue(LookupError):
    """A placeholder for which the test has no value."""


DROP = object()
"""A fill value: leave out the optional group that holds this option."""


def instance(root: Any, branch: Branch, fill: Any) -> list[str]:
    """A concrete argument list (after the program name) for ``branch``.

    ``fill(path, key, value)`` gives the value to use for an option ``key`` (``"--region"``) whose
    written value is ``value`` (a placeholder, a concrete value, or ``None`` for a required
    option the line leaves out), for a positional placeholder (``key`` is the word, ``"FILE"``),
    or the arguments a bare ``...`` stands for (``key`` is ``"..."``, a list). It returns the
    value, :data:`DROP`, or raises :class:`MissingValue`. ``a|b`` written words take the first.
    """
    command = command_at(root, branch.path)

    def fill_items(items: tuple[Any, ...]) -> list[str] | object:
        args: list[str] = []
        i = 0
        while i < len(items):
            item = items[i]
            i += 1
            if isinstance(item, Opt):
                inner = fill_items(item.items)
                if inner is not DROP:
                    args += inner  # type: ignore[operator]
                continue
            if isinstance(item, Alt):
                args.append(item.choices[0])
                continue
            if item == ELLIPSIS:
                args += fill(branch.path, ELLIPSIS, None)
                continue
            if isinstance(item, str) and item.startswith("--") and takes_value(command, item):
                written = items[i] if i < len(items) else None
                i += 1
                if isinstance(written, Alt):
                    written = written.choices[0]
                value = fill(branch.path, item, written)
                if value is DROP:
                    return DROP
                args += [item, value]
                continue
            if isinstance(item, str) and is_placeholder(item):
                value = fill(branch.path, item, item)
                if value is DROP:
                    return DROP
                args.append(value)
                continue
            args.append(item)
        return args

    filled = fill_items(branch.items)
    if filled is DROP:
        raise MissingValue(f"a required part of {' '.join(branch.path)} was dropped")
    args: list[str] = filled  # type: ignore[assignment]
    for param in command.params:
        needed = param.param_type_name == "option" and param.required
        if needed and not any(name in args for name in param.opts):
            args += [param.opts[0], fill(branch.path, param.opts[0], None)]
    return [*branch.path, *args]


def set_option(args: list[str], name: str, value: str) -> list[str]:
    """``args`` with ``name value`` replacing that option's value, or appended."""
    out = list(args)
    if name in out:
        out[out.index(name) + 1] = value
    else:
        out += [name, value]
    return out
