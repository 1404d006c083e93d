/* paradiplomacy dashboard: client-side filters, tile colours and the scenario explorer.
   Vanilla JS, no external resources. */
"use strict";

(function () {
  var lang = document.body.getAttribute("data-lang") || "en";

  function withLang(path) {
    return lang === "en" ? path : path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang;
  }

  /* --- overview: filters and tile colours ------------------------------------------------ */
  var filterForm = document.getElementById("filters");
  if (filterForm) {
    var selects = filterForm.querySelectorAll("select[data-filter]");
    var applyFilters = function () {
      var wanted = {};
      selects.forEach(function (s) { if (s.value) { wanted[s.getAttribute("data-filter")] = s.value; } });
      var shown = 0;
      var match = function (el) {
        return Object.keys(wanted).every(function (k) { return el.getAttribute("data-" + k) === wanted[k]; });
      };
      document.querySelectorAll("#rankings tbody tr").forEach(function (tr) {
        var ok = match(tr);
        tr.hidden = !ok;
        if (ok) { shown += 1; }
      });
      document.querySelectorAll("#tilemap .tile").forEach(function (a) {
        a.classList.toggle("dimmed", !match(a));
      });
      var count = document.getElementById("shown-count");
      if (count) { count.textContent = String(shown); }
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        if (s.value) { params.set(s.name, s.value); } else { params.delete(s.name); }
      });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    };
    selects.forEach(function (s) { s.addEventListener("change", applyFilters); });
    document.querySelectorAll("input[name=colour]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        var by = radio.value;
        document.querySelectorAll("#tilemap .tile").forEach(function (a) {
          a.style.backgroundColor = a.getAttribute("data-colour-" + by);
          a.classList.toggle("dark", a.getAttribute("data-dark-" + by) === "true");
        });
      });
    });
  }

  /* --- scenario explorer ----------------------------------------------------------------- */
  var form = document.getElementById("scenario-form");
  if (!form) { return; }
  var labelsNode = document.getElementById("scenario-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var status = document.getElementById("scenario-status");

  function fmt(value, digits) {
    return value === null || value === undefined ? "\u2013" : Number(value).toFixed(digits);
  }
  function pct(value) {
    return value === null || value === undefined ? "\u2013" : Math.round(100 * value) + "%";
  }
  function noEvidence(tr) {
    var td = document.createElement("td");
    var span = document.createElement("span");
    span.className = "no-evidence";
    span.textContent = labels.no_evidence || "no evidence";
    td.className = "num";
    td.appendChild(span);
    tr.appendChild(td);
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }
  function linkCell(tr, code, name) {
    var td = document.createElement("td");
    var a = document.createElement("a");
    a.href = withLang("/region/" + encodeURIComponent(code));
    a.textContent = name;
    td.appendChild(a);
    tr.appendChild(td);
  }
  function replaceBody(table, rows, fill) {
    var old = table.querySelector("tbody");
    var body = document.createElement("tbody");
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-code", row.code);
      fill(tr, row);
      body.appendChild(tr);
    });
    table.replaceChild(body, old);
  }

  function show(answer) {
    var channels = Object.keys(answer.capacity.length ? answer.capacity[0].contributions : {});
    replaceBody(document.getElementById("scenario-table"), answer.capacity, function (tr, r) {
      cell(tr, String(r.rank), "num");
      linkCell(tr, r.code, r.name);
      cell(tr, fmt(r.capacity, 3), "num");
      cell(tr, labels[r.framework] || r.framework);
      cell(tr, pct(r.p_top), "num");
      channels.forEach(function (c) {
        if (r.contributions[c] === null) { noEvidence(tr); } else { cell(tr, fmt(r.contributions[c], 3), "num"); }
      });
    });
    replaceBody(document.getElementById("frameworks-table"), answer.frameworks, function (tr, f) {
      linkCell(tr, f.code, f.name);
      cell(tr, labels[f.recommended] || f.recommended);
      cell(tr, fmt(f.culture_image, 3), "num");
      cell(tr, fmt(f.culture_image_q5, 3) + "\u2013" + fmt(f.culture_image_q95, 3), "interval");
      cell(tr, pct(f.p_culture_image), "num");
      cell(tr, fmt(f.political_plus, 3), "num");
      cell(tr, fmt(f.political_plus_q5, 3) + "\u2013" + fmt(f.political_plus_q95, 3), "interval");
      cell(tr, pct(f.p_political_plus), "num");
    });
    var digits = { total: 3, total_level0: 3, resilience: 3, redundancy: 2, regions_with_capacity: 0 };
    document.querySelectorAll("#scenario-totals td[data-key]").forEach(function (td) {
      var key = td.getAttribute("data-key");
      td.textContent = fmt(answer.totals[key], digits[key]);
    });
    var unseen = document.getElementById("scenario-no-evidence");
    if (unseen) {
      var names = (answer.channels_without_evidence || []).map(function (k) { return labels[k] || k; });
      unseen.textContent = names.length ? names.join(", ") : (labels.coverage_none || "none");
    }
    var title = document.getElementById("scenario-title");
    if (title) { title.textContent = answer.partner_name + " \u00b7 " + answer.level + " " + answer.level_name; }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams();
    params.set("partner", form.elements.partner.value);
    params.set("level", form.elements.level.value);
    form.querySelectorAll("input[name=close]:checked").forEach(function (box) {
      params.append("close", box.value);
    });
    params.set("lang", lang);
    status.textContent = "\u2026";
    form.setAttribute("aria-busy", "true");
    fetch("/api/scenario?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) {
          var detail = result.body && result.body.detail;
          status.textContent = typeof detail === "string" ? detail : JSON.stringify(detail);
          return;
        }
        show(result.body);
        status.textContent = "";
        form.setAttribute("data-ran", String(Number(form.getAttribute("data-ran") || 0) + 1));
      })
      .catch(function (error) { status.textContent = String(error); })
      .then(function () { form.removeAttribute("aria-busy"); });
  });
})();
