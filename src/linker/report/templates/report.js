/* linker report: charts, entries table, review. Data only ever reaches the page through
   textContent, createTextNode and setAttribute; never through innerHTML. */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var R = JSON.parse(document.getElementById("data").textContent);
  var HASH = document.body.getAttribute("data-report-hash") || "report";
  var ENTRIES = new LinkerEntries(R.entries), N = ENTRIES.n;
  var TH = R.thresholds || {};
  var MODEL = R.model || {};
  var PAGE = 100;
  var nf = new Intl.NumberFormat("en-US");
  var DEC_TEXT = { match: "confirmed", review: "review", no_match: "absent" };

  function $(id) { return document.getElementById(id); }
  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function fmtInt(v) { return isNum(v) ? nf.format(Math.round(v)) : "–"; }
  function fmtP(v) {
    if (!isNum(v)) return "–";
    if (v > 0 && v < 0.001) return "< 0.001";
    if (v < 1 && v > 0.999) return "> 0.999";
    return v.toFixed(3);
  }
  function fmtPrior(v) { return isNum(v) ? (v < 0.01 ? v.toExponential(1) : v.toFixed(3)) : "–"; }
  function widthOf(id, lo, hi) {
    var node = $(id), w = node ? node.clientWidth : 0;
    return Math.round(Math.min(Math.max(w || hi, lo), hi));
  }
  function fmtW(v) { return isNum(v) ? (v > 0 ? "+" : "") + v.toFixed(2) : "–"; }
  function fmtPct(v) { return isNum(v) ? (100 * v).toFixed(1) + "%" : "–"; }
  function str(v) { return v === null || v === undefined ? "" : String(v); }
  function fold(s) { return str(s).toLowerCase().replace(/ё/g, "е").replace(/ë/g, "e"); }
  function logit2(p) { return Math.log(p / (1 - p)) / Math.LN2; }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) add(node, arguments[i]);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) return;
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k] === true ? "" : String(attrs[k]));
    });
  }
  function add(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { add(node, c); }); return; }
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, String(attrs[k]));
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.appendChild(arguments[i]);
    return node;
  }
  function svgRoot(w, h, label) {
    return svg("svg", { viewBox: "0 0 " + w + " " + h, role: "img", "aria-label": label,
      preserveAspectRatio: "xMinYMin meet" });
  }
  function scale(d0, d1, r0, r1) {
    var span = d1 - d0 || 1;
    return function (v) { return r0 + (v - d0) / span * (r1 - r0); };
  }
  function ticks(lo, hi, n) {
    var step = Math.pow(10, Math.floor(Math.log(Math.max(hi - lo, 1e-9) / n) / Math.LN10));
    [1, 2, 5, 10].some(function (m) { if ((hi - lo) / (step * m) <= n) { step *= m; return true; } return false; });
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toFixed(10));
    return out;
  }
  function axes(g, x, y, xt, yt, box, xfmt, yfmt) {
    xt.forEach(function (v) {
      g.appendChild(svg("line", { x1: x(v), x2: x(v), y1: box.b, y2: box.b + 4, stroke: "#9aa1ad" }));
      g.appendChild(svg("text", { x: x(v), y: box.b + 16, "text-anchor": "middle", text: xfmt(v) }));
    });
    yt.forEach(function (v) {
      g.appendChild(svg("line", { x1: box.l, x2: box.r, y1: y(v), y2: y(v), stroke: "#eceef2" }));
      g.appendChild(svg("text", { x: box.l - 6, y: y(v) + 4, "text-anchor": "end", text: yfmt(v) }));
    });
    g.appendChild(svg("line", { x1: box.l, x2: box.r, y1: box.b, y2: box.b, stroke: "#5b6270" }));
  }
  function legend(items) {
    return el("div", { class: "legend" }, items.map(function (it) {
      return el("span", null, el("i", { style: "background:" + it[1] + (it[2] ? ";border:1px dashed #333" : "") }), it[0]);
    }));
  }
  function empty(id, text) { var c = $(id); if (c) c.replaceChildren(el("p", { class: "expl", text: text })); }

  /* ---------- charts ---------- */
  function thresholdWeight(p) {
    var prior = MODEL.prior;
    if (!isNum(p) || p <= 0 || p >= 1 || !isNum(prior) || prior <= 0 || prior >= 1) return null;
    return logit2(p) - logit2(prior);
  }

  function drawHistogram() {
    var h = R.weight_histogram || {}, edges = h.edges || [], counts = h.counts || [];
    if (edges.length < 2 || counts.length !== edges.length - 1) return empty("chart-weights", "No weights recorded.");
    var W = widthOf("chart-weights", 300, 700), H = 250, box = { l: 44, r: W - 10, t: 12, b: 212 };
    var x = scale(edges[0], edges[edges.length - 1], box.l, box.r);
    var ymax = Math.max.apply(null, counts.concat([1]));
    var y = scale(0, ymax, box.b, box.t);
    var root = svgRoot(W, H, "Histogram of best-candidate match weights, " + counts.length + " bins");
    var g = svg("g");
    axes(g, x, y, ticks(edges[0], edges[edges.length - 1], W < 450 ? 5 : 8), ticks(0, ymax, 4), box, String, function (v) { return nf.format(v); });
    counts.forEach(function (c, i) {
      var r = svg("rect", { x: x(edges[i]) + 0.5, width: Math.max(x(edges[i + 1]) - x(edges[i]) - 1, 0.5),
        y: y(c), height: Math.max(box.b - y(c), 0), fill: "#6b86c6" });
      r.appendChild(svg("title", { text: edges[i].toFixed(1) + " to " + edges[i + 1].toFixed(1) + ": " + nf.format(c) }));
      g.appendChild(r);
    });
    [["review", "#8a5a00", "6 3"], ["match", "#1f7a3f", ""]].forEach(function (t) {
      var w = thresholdWeight(TH[t[0]]);
      if (w === null) return;
      var xw = Math.min(Math.max(x(w), box.l), box.r), right = xw > (box.l + box.r) / 2;
      g.appendChild(svg("line", { x1: xw, x2: xw, y1: box.t, y2: box.b, stroke: t[1], "stroke-width": 2, "stroke-dasharray": t[2] }));
      g.appendChild(svg("text", { x: right ? xw - 4 : xw + 4, y: box.t + (t[0] === "match" ? 10 : 24), style: "fill:" + t[1],
        "text-anchor": right ? "end" : "start",
        text: (t[0] === "match" ? "confirm " : "review ") + fmtW(w) }));
    });
    g.appendChild(svg("text", { x: (box.l + box.r) / 2, y: H - 4, "text-anchor": "middle", text: "match weight (log₂ Bayes factor)" }));
    root.appendChild(g);
    $("chart-weights").replaceChildren(root, el("p", { class: "legend",
      text: "Vertical lines: the weight at which a lone candidate reaches the review (dashed) and confirm (solid) probability, given the prior." }));
  }

  function levelColor(weight, i, n) {
    if (isNum(weight)) {
      var a = Math.min(Math.abs(weight) / 8, 1) * 0.75 + 0.25;
      return weight > 0 ? "rgba(31,122,63," + a.toFixed(2) + ")" : weight < 0 ? "rgba(190,50,55," + a.toFixed(2) + ")" : "#c3c8d1";
    }
    var pal = ["#c3c8d1", "#e39a9c", "#f0c66e", "#9fd3ae", "#4fa36c", "#1f7a3f"];
    return pal[Math.round(i / Math.max(n - 1, 1) * (pal.length - 1))];
  }

  function drawAgreement() {
    var fa = R.field_agreement || {}, fields = Object.keys(fa);
    if (!fields.length) return empty("chart-agreement", "No agreement counts recorded.");
    var comps = {};
    (MODEL.comparisons || []).forEach(function (c) { comps[c.field] = c.levels || []; });
    var rowH = 26, W = widthOf("chart-agreement", 300, 700), box = { l: 112, r: W - 6 }, H = fields.length * rowH + 8;
    var rowsForTable = [];
    var root = svgRoot(W, H, "Agreement of best candidates by field");
    fields.forEach(function (f, fi) {
      var counts = fa[f] || {}, labels = Object.keys(counts), levels = comps[f] || [];
      var order = levels.map(function (l) { return l.label; }).filter(function (l) { return l in counts; });
      labels.forEach(function (l) { if (order.indexOf(l) < 0) order.push(l); });
      var total = order.reduce(function (s, l) { return s + (counts[l] || 0); }, 0) || 1;
      var yy = fi * rowH + 4, xx = box.l;
      root.appendChild(svg("text", { x: box.l - 6, y: yy + 15, "text-anchor": "end", text: f.length > 17 ? f.slice(0, 16) + "…" : f }));
      rowsForTable.push(el("tr", null, el("th", { scope: "row", text: f }), el("td", null, order.map(function (l, i) {
        return (i ? "; " : "") + l + " " + nf.format(counts[l] || 0) + " (" + fmtPct((counts[l] || 0) / total) + ")";
      }))));
      order.forEach(function (l, i) {
        var lv = levels.filter(function (v) { return v.label === l; })[0];
        var w = (counts[l] || 0) / total * (box.r - box.l);
        var r = svg("rect", { x: xx, y: yy, width: Math.max(w, 0), height: rowH - 6, fill: levelColor(lv ? lv.weight : null, i, order.length) });
        r.appendChild(svg("title", { text: f + " · " + l + ": " + nf.format(counts[l] || 0) + " (" + fmtPct((counts[l] || 0) / total) + ")" +
          (lv ? ", weight " + fmtW(lv.weight) : "") }));
        root.appendChild(r);
        if (w > 56) root.appendChild(svg("text", { x: xx + 4, y: yy + 14, style: "fill:#111", text: l.length > w / 6.5 ? l.slice(0, Math.floor(w / 6.5) - 1) + "…" : l }));
        xx += w;
      });
    });
    $("chart-agreement").replaceChildren(root, el("p", { class: "legend",
      text: "Green: levels that count for a match, red: against, grey: no evidence (often a missing value)." }),
      el("details", null, el("summary", { text: "The counts as a table" }), el("div", { class: "table-wrap" },
        el("table", { class: "method" }, el("tbody", null, rowsForTable)))));
  }

  /* the threshold on a log-odds axis: the grid's points from 0.95 to 0.999, where the counts change, are
     spread out instead of crowding the right edge */
  var T_TICKS = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];
  function logit(p) { return Math.log(p / (1 - p)); }
  /* the y range the series actually cover, padded; [0, 1] for shares that span most of it */
  function coveredRange(values, floor, ceil) {
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    var pad = Math.max((hi - lo) * 0.12, ceil === null ? 1 : 0.002);
    lo = Math.max(floor, lo - pad); hi = ceil === null ? hi + pad : Math.min(ceil, hi + pad);
    if (lo - floor < (hi - lo) * 0.5) lo = floor;   /* close to the floor anyway: start there */
    return [lo, hi];
  }
  function lineChart(id, label, series, opts) {
    var curve = (R.threshold_curve || []).filter(function (p) { return isNum(p.threshold) && p.threshold > 0 && p.threshold < 1; });
    if (curve.length < 2) return empty(id, "No threshold curve recorded.");
    curve = curve.slice().sort(function (a, b) { return a.threshold - b.threshold; });
    var values = [];
    series.forEach(function (s) { curve.forEach(function (p) { if (isNum(p[s.key])) values.push(p[s.key]); }); });
    if (!values.length) return empty(id, "No threshold curve recorded.");
    var yr = coveredRange(values, 0, opts.ceil), zoomed = yr[0] > 0;
    var W = widthOf(id, 300, 700), H = 240, box = { l: 56, r: W - 20, t: 12, b: 204 };
    var t0 = curve[0].threshold, t1 = curve[curve.length - 1].threshold;
    var lx = scale(logit(t0), logit(t1), box.l, box.r), x = function (t) { return lx(logit(t)); };
    var y = scale(yr[0], yr[1], box.b, box.t);
    var root = svgRoot(W, H, label), g = svg("g");
    var xt = T_TICKS.filter(function (t) { return t >= t0 - 1e-9 && t <= t1 + 1e-9; });
    if (W < 450) xt = xt.filter(function (t) { return [0.1, 0.5, 0.9, 0.99, 0.999].indexOf(t) >= 0; });
    var yt = ticks(yr[0], yr[1], 4).filter(function (v) { return !opts.integer || v === Math.round(v); });
    axes(g, x, y, xt, yt, box, function (t) { return String(t); }, opts.fmt);
    ["review", "match"].forEach(function (k) {
      if (!isNum(TH[k]) || TH[k] < t0 || TH[k] > t1) return;
      g.appendChild(svg("line", { x1: x(TH[k]), x2: x(TH[k]), y1: box.t, y2: box.b, stroke: "#9aa1ad", "stroke-dasharray": "3 3" }));
      var right = x(TH[k]) > (box.l + box.r) / 2;
      g.appendChild(svg("text", { x: x(TH[k]) + (right ? -3 : 3), y: box.b - (k === "match" ? 8 : 22), "text-anchor": right ? "end" : "start",
        text: k === "match" ? "confirm" : "review" }));
    });
    var notes = [];
    series.forEach(function (s) {
      var d = "", pen = false, pts = curve.filter(function (p) { return isNum(p[s.key]); });
      curve.forEach(function (p) {
        if (!isNum(p[s.key])) { pen = false; return; }
        d += (pen ? "L" : "M") + x(p.threshold).toFixed(1) + "," + y(p[s.key]).toFixed(1);
        pen = true;
      });
      if (!d) return;
      g.appendChild(svg("path", { d: d, fill: "none", stroke: s.color, "stroke-width": 2, "stroke-dasharray": s.dash || "" }));
      pts.forEach(function (p) {
        var c = svg("circle", { cx: x(p.threshold), cy: y(p[s.key]), r: 2.5, fill: s.color });
        c.appendChild(svg("title", { text: s.name + " at " + p.threshold + ": " + opts.fmt(p[s.key]) }));
        g.appendChild(c);
      });
      var a = pts[0], z = pts[pts.length - 1];
      if (s.note) notes.push(a[s.key] === z[s.key] ? s.name + ": " + opts.fmt(a[s.key]) + " at every threshold" :
        s.name + ": " + opts.fmt(a[s.key]) + " at " + a.threshold + ", " + opts.fmt(z[s.key]) + " at " + z.threshold);
    });
    g.appendChild(svg("text", { x: (box.l + box.r) / 2, y: H - 4, "text-anchor": "middle", text: "probability threshold (log-odds scale)" }));
    root.appendChild(g);
    var shown = series.filter(function (s) { return curve.some(function (p) { return isNum(p[s.key]); }); });
    if (zoomed) notes.push("the vertical axis starts at " + opts.fmt(yr[0]) + ", not at zero, to show where it changes");
    $(id).replaceChildren(root, legend(shown.map(function (s) { return [s.name, s.color, !!s.dash]; })),
      notes.length ? el("p", { class: "legend curve-note", text: notes.join("; ") + "." }) : null);
  }

  function drawChance() {
    var c = R.chance_test || {}, box = $("chart-chance");
    if (!box || !isNum(c.decoy_match_rate) || !isNum(c.observed_match_rate)) return;
    var hi = Math.min(1, Math.max(c.observed_match_rate, isNum(c.high) ? c.high : 0, c.decoy_match_rate) * 1.15 + 0.02);
    var W = widthOf("chart-chance", 300, 520), H = 86, x = scale(0, hi, 120, W - 40);
    var root = svgRoot(W, H, "Decoy match rate " + fmtPct(c.decoy_match_rate) + ", observed " + fmtPct(c.observed_match_rate));
    [["fabricated decoys", c.decoy_match_rate, c.low, c.high, "#a3262a", 22], ["this list", c.observed_match_rate, null, null, "#174ea6", 52]]
      .forEach(function (r) {
        root.appendChild(svg("text", { x: 112, y: r[5] + 4, "text-anchor": "end", text: r[0] }));
        if (isNum(r[2]) && isNum(r[3])) root.appendChild(svg("rect", { x: x(r[2]), y: r[5] - 7, width: Math.max(x(r[3]) - x(r[2]), 2), height: 14, fill: "rgba(163,38,42,.2)" }));
        root.appendChild(svg("circle", { cx: x(r[1]), cy: r[5], r: 6, fill: r[4] }));
        root.appendChild(svg("text", { x: x(r[1]) + 9, y: r[5] - 8, text: fmtPct(r[1]) }));
      });
    ticks(0, hi, 5).forEach(function (v) { root.appendChild(svg("text", { x: x(v), y: H - 2, "text-anchor": "middle", text: fmtPct(v) })); });
    box.replaceChildren(root);
  }

  function drawBreakdowns() {
    var bd = R.breakdowns || {}, host = $("breakdowns"), grid = el("div", { class: "grid bd-grid" });
    host.replaceChildren(grid);
    Object.keys(bd).forEach(function (col) {
      var rows = (bd[col] || []).slice().sort(function (a, b) { return (b.list || 0) - (a.list || 0); });
      var maxList = Math.max.apply(null, [1].concat(rows.map(function (r) { return r.list || 0; })));
      var shown = rows.slice(0, 25);
      var tb = el("tbody", null, shown.map(function (r) {
        var bar = el("div", { class: "hbar", role: "img", "aria-label": fmtInt(r.match) + " of " + fmtInt(r.list) + " confirmed" });
        ["match", "review", "no_match"].forEach(function (k) {
          bar.appendChild(el("span", { class: "b-" + k, style: "width:" + (100 * (r[k] || 0) / maxList).toFixed(2) + "%", title: DEC_TEXT[k] + ": " + fmtInt(r[k]) }));
        });
        return el("tr", null, el("th", { scope: "row", text: str(r.value) || "(empty)" }),
          el("td", { class: "num", text: fmtInt(r.list) }), el("td", { class: "num", text: fmtInt(r.match) }),
          el("td", { class: "num", text: fmtInt(r.review) }), el("td", { class: "num", text: fmtInt(r.no_match) }),
          el("td", { class: "num", text: r.list ? fmtPct((r.match || 0) / r.list) : "–" }), el("td", { class: "barcell" }, bar));
      }));
      var table = el("table", { class: "bd" },
        el("caption", { text: "By " + col + (rows.length > shown.length ? " (largest " + shown.length + " of " + rows.length + " values)" : "") }),
        el("thead", null, el("tr", null, ["Value", "In list", "Confirmed", "Review", "Absent", "% confirmed", "Share of list"].map(function (h, i) {
          return el("th", { scope: "col", class: i && i < 6 ? "num" : null, text: h });
        }))), tb);
      grid.appendChild(el("div", { class: "breakdown table-wrap" }, table));
    });
    if (Object.keys(bd).length) host.appendChild(legend([["confirmed", "#1f7a3f"], ["review", "#d39b1d"], ["absent", "#d26a6d"]]));
  }

  /* ---------- review store ---------- */
  var TRAIL = {};
  (((R.review_trail || {}).decisions) || []).forEach(function (d) { (TRAIL[str(d.list_id)] = TRAIL[str(d.list_id)] || []).push(d); });
  var KEY = "linker-review:" + HASH, mem = {}, canStore = true;
  function loadStore() {
    try { var raw = window.localStorage.getItem(KEY); return raw ? JSON.parse(raw) || {} : {}; }
    catch (e) { canStore = false; return mem; }
  }
  var store = loadStore();
  function saveStore() {
    if (!canStore) return;
    try { window.localStorage.setItem(KEY, JSON.stringify(store)); } catch (e) { canStore = false; }
  }
  /* what was last exported (kept beside the decisions): a reload or close warns while decisions differ */
  var EXPORTED = KEY + ":exported", memExported = "[]";
  function snapshot() {
    return JSON.stringify(Object.keys(store).sort().map(function (k) { return [k, store[k].registry_id, store[k].label]; }));
  }
  function lastExported() {
    if (!canStore) return memExported;
    try { return window.localStorage.getItem(EXPORTED) || "[]"; } catch (e) { return memExported; }
  }
  function markExported() {
    memExported = snapshot();
    if (canStore) { try { window.localStorage.setItem(EXPORTED, memExported); } catch (e) { canStore = false; } }
  }
  function unexported() { return snapshot() !== lastExported(); }
  window.addEventListener("beforeunload", function (ev) {
    if (!unexported()) return;
    ev.preventDefault();
    ev.returnValue = "Review decisions not yet exported as labels.csv";   /* older browsers show a text */
    return ev.returnValue;
  });
  function csvCell(v) { v = str(v); return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }
  function exportLabels() {
    var lines = ["list_id,registry_id,label,reviewer,decided_at,note"];
    for (var i = 0; i < N; i++) {
      var id = ENTRIES.listId(i), d = store[id];
      if (d) lines.push([id, d.registry_id, d.label, d.reviewer, d.decided_at, d.note].map(csvCell).join(","));
    }
    var blob = new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var a = $("download");
    if (a.href) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(blob);
    a.hidden = false;
    a.textContent = "download labels.csv (" + (lines.length - 1) + " rows)";
    a.click();
    markExported(); refreshReviewCount();
  }
  /* the reviewer's name is asked once (this browser keeps it); each decision carries it, its time and a note */
  var REVIEWER = "linker-reviewer", notes = {};
  function reviewerName() { return str($("reviewer").value).trim(); }
  function decide(entry, registryId, label) {
    var who = reviewerName();
    if (!who) {
      $("status").textContent = "Enter your name as reviewer first (asked once: this browser keeps it).";
      $("reviewer").focus();
      return;
    }
    store[str(entry.list_id)] = { registry_id: str(registryId), label: label, reviewer: who,
      decided_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"), note: str(notes[str(entry.list_id)] || "").trim() };
    saveStore(); refreshReviewCount(); renderPage();
  }
  function undo(entry) { delete store[str(entry.list_id)]; saveStore(); refreshReviewCount(); renderPage(); }
  function refreshReviewCount() {
    $("review-count").textContent = nf.format(Object.keys(store).length);
    $("export").disabled = Object.keys(store).length === 0;
    $("unexported").hidden = !unexported();
  }

  /* ---------- entries ---------- */
  var FIELDS = Array.isArray(R.fields) && R.fields.length ? R.fields : ENTRIES.fields();
  var view = [], page = 0, open = {};
  var COLS = ["Row"].concat(FIELDS.map(function (f) { return f.replace(/_/g, " "); }), ["Decision", "Probability", "Flags"]);

  function best(e) { return (e.candidates || [])[0] || null; }
  function readFilters() {
    var decs = {};
    Array.prototype.forEach.call(document.querySelectorAll("input[name=decision]"), function (c) { decs[c.value] = c.checked; });
    var lo = parseFloat($("f-min").value), hi = parseFloat($("f-max").value);
    return { decs: decs, flag: $("f-flag").value, labelled: $("f-labelled").value, q: fold($("f-search").value.trim()),
      lo: isNaN(lo) ? -Infinity : lo, hi: isNaN(hi) ? Infinity : hi, sort: $("f-sort").value };
  }
  /* every entry in each sort order, sorted once: a filter then keeps the order by scanning it */
  var ORDERS = {};
  function orderFor(mode) {
    mode = mode === "prob-desc" || mode === "prob-asc" ? mode : "list";
    if (ORDERS[mode]) return ORDERS[mode];
    var key = new Float64Array(N), idx = new Array(N), sign = mode === "prob-desc" ? -1 : 1;
    for (var i = 0; i < N; i++) { idx[i] = i; key[i] = mode === "list" ? ENTRIES.row(i) : sign * ENTRIES.prob(i); }
    var sorted = true;
    for (i = 1; i < N && sorted; i++) sorted = key[i - 1] <= key[i];
    if (!sorted) idx.sort(function (a, b) { return key[a] - key[b] || a - b; });
    return (ORDERS[mode] = idx);
  }
  var lastFilter = null;
  function applyFilters(force) {
    var f = readFilters(), key = JSON.stringify(f);
    if (key === lastFilter && force !== true) return;  // e.g. a search box losing focus: nothing changed
    lastFilter = key;
    var decCodes = ENTRIES.decisionCodes(), decOk = ENTRIES.decisionValues().map(function (d) { return f.decs[d] !== false; });
    var flagCodes = ENTRIES.flagCodes(), flagOk = f.flag ? ENTRIES.flagValues().map(function (v) { return v.indexOf(f.flag) >= 0; }) : null;
    var hit = f.q ? ENTRIES.matcher(f.q, fold) : null;
    var order = orderFor(f.sort);
    view = [];
    for (var k = 0; k < N; k++) {
      var i = order[k];
      if (!decOk[decCodes[i]]) continue;
      var p = ENTRIES.prob(i);
      if (p < f.lo || p > f.hi) continue;
      if (flagOk && !flagOk[flagCodes[i]]) continue;
      if (f.labelled) { var has = ENTRIES.hasLabel(i) || !!store[ENTRIES.listId(i)]; if ((f.labelled === "yes") !== has) continue; }
      if (hit && !hit(i)) continue;
      view.push(i);
    }
    page = 0;
    renderPage();
  }

  function lcsMarks(a, b) {
    var fa = fold(a), fb = fold(b), n = fa.length, m = fb.length;
    var keepA = new Uint8Array(n), keepB = new Uint8Array(m);
    if (n * m > 40000) return [keepA.fill(1), keepB.fill(1)];
    var dp = new Uint16Array((n + 1) * (m + 1));
    for (var i = n - 1; i >= 0; i--) for (var j = m - 1; j >= 0; j--)
      dp[i * (m + 1) + j] = fa[i] === fb[j] ? dp[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(dp[(i + 1) * (m + 1) + j], dp[i * (m + 1) + j + 1]);
    i = 0; j = 0;
    while (i < n && j < m) {
      if (fa[i] === fb[j]) { keepA[i++] = 1; keepB[j++] = 1; }
      else if (dp[(i + 1) * (m + 1) + j] >= dp[i * (m + 1) + j + 1]) i++; else j++;
    }
    return [keepA, keepB];
  }
  function marked(text, keep, cls) {
    var span = el("span"), run = "", runKept = true;
    function flush() {
      if (!run) return;
      span.appendChild(runKept ? document.createTextNode(run) : el("mark", { class: cls, text: run }));
      run = "";
    }
    for (var i = 0; i < text.length; i++) {
      var k = !!keep[i];
      if (k !== runKept) { flush(); runKept = k; }
      run += text[i];
    }
    flush();
    return span;
  }
  /* a field whose comparison reached its top level agrees, however differently the two are written
     (a two-digit year, a unit's abbreviation, a letter the comparison folds): nothing is marked */
  var TOP_LEVEL = {};
  ((R.model || {}).comparisons || []).forEach(function (c) {
    if (c.labels && c.labels.length) TOP_LEVEL[c.field] = c.labels[c.labels.length - 1];
  });
  function agrees(cand, f) { var lv = cand && cand.levels ? cand.levels[f] : null; return lv != null && lv === TOP_LEVEL[f]; }
  function pairCell(a, b, hasCand, same) {
    a = str(a); b = str(b);
    var box = el("div", { class: "pair" + (same ? " same" : "") });
    if (!hasCand) { box.appendChild(el("span", { class: "lv", text: a || "–" })); return box; }
    var keep = a && b && !same ? lcsMarks(a, b) : [new Uint8Array(a.length).fill(1), new Uint8Array(b.length).fill(1)];
    box.appendChild(el("span", { class: "lv", title: "list" }, a ? marked(a, keep[0], "del") : "–"));
    box.appendChild(el("span", { class: "rv", title: "registry" }, b ? marked(b, keep[1], "ins") : "–"));
    return box;
  }
  function badge(dec) { return el("span", { class: "badge d-" + str(dec), text: DEC_TEXT[dec] || str(dec) || "–" }); }
  function humanNote(e) {
    var mine = store[str(e.list_id)], notes = [];   /* the notes shown, not the notes typed */
    if (e.label) {
      var who = TRAIL[str(e.list_id)] || [], said = who.map(function (d) {
        return d.reviewer + (d.decided_at ? " on " + d.decided_at.replace("T", " ").replace("Z", " UTC") : "") + (d.note ? " (" + d.note + ")" : "");
      }).join("; ");
      notes.push(el("span", { class: "human", text: "decided by " + (said || "a reviewer") + ": " + (e.label === "match" ? "match" : "no match") }));
    }
    if (mine) notes.push(el("span", { class: "human", text: "your decision: " + (mine.label === "match" ? "match " + mine.registry_id : "no match") }));
    return notes;
  }

  function renderRow(idx, tbody) {
    var e = ENTRIES.at(idx), b = best(e), id = "detail-" + idx, isOpen = !!open[idx];
    var tr = el("tr", { class: "row" + (isOpen ? " open" : "") });
    var btn = el("button", { type: "button", class: "expand", "data-key": "x" + idx, "aria-expanded": isOpen ? "true" : "false", "aria-controls": id,
      "aria-label": (isOpen ? "Hide evidence for row " : "Show evidence for row ") + (isNum(e.row) ? e.row : str(e.list_id)),
      text: isOpen ? "▾ Hide" : "▸ Evidence" });
    btn.addEventListener("click", function () { if (open[idx]) delete open[idx]; else open[idx] = true; redrawRow(idx, tr); });
    tr.appendChild(el("td", { "data-label": "Row", class: "rowcell", title: "list id " + str(e.list_id) },
      el("span", { class: "rownum", text: isNum(e.row) ? String(e.row) : str(e.list_id) }), btn));
    FIELDS.forEach(function (f) {
      tr.appendChild(el("td", { "data-label": f.replace(/_/g, " "), class: "val" }, pairCell((e.list || {})[f], b ? (b.registry || {})[f] : "", !!b, agrees(b, f))));
    });
    tr.appendChild(el("td", { "data-label": "Decision" }, badge(e.decision), humanNote(e)));
    tr.appendChild(el("td", { "data-label": "Probability", class: "num", text: fmtP(e.probability) }));
    tr.appendChild(el("td", { "data-label": "Flags" }, (e.flags || []).map(function (f) { return el("span", { class: "flag", text: f }); }),
      e.duplicate_of ? el("span", { class: "flag", text: "same person as " + e.duplicate_of }) : null));
    tbody.appendChild(tr);
    if (isOpen) tbody.appendChild(el("tr", { class: "detail", id: id }, el("td", { colspan: COLS.length }, detail(e, idx))));
  }

  /* one row (and its evidence) drawn again in place: opening an entry does not redraw the page */
  function redrawRow(idx, tr) {
    var tbody = tr.parentNode, after = tr.nextSibling, frag = document.createDocumentFragment();
    if (!tbody) return renderPage();
    if (after && after.classList && after.classList.contains("detail")) tbody.removeChild(after);
    renderRow(idx, frag);
    var btn = frag.querySelector("button.expand");
    tbody.replaceChild(frag, tr);
    if (btn) btn.focus();
  }

  function waterfall(e, c) {
    var prior = MODEL.prior, start = isNum(prior) && prior > 0 && prior < 1 ? logit2(prior) : 0;
    var steps = [{ name: isNum(prior) ? "prior " + fmtPrior(prior) : "start", from: 0, to: start, kind: "base" }], acc = start, sum = 0;
    var keys = FIELDS.filter(function (f) { return c.weights && f in c.weights; })
      .concat(Object.keys(c.weights || {}).filter(function (f) { return FIELDS.indexOf(f) < 0; }));
    keys.forEach(function (f) {
      var w = c.weights[f];
      if (!isNum(w)) return;
      steps.push({ name: f + ": " + str((c.levels || {})[f] || "?"), from: acc, to: acc + w, kind: w >= 0 ? "pos" : "neg" });
      acc += w; sum += w;
    });
    if (isNum(c.weight) && Math.abs(c.weight - sum) > 0.005) {
      steps.push({ name: "other adjustments", from: acc, to: acc + (c.weight - sum), kind: c.weight - sum >= 0 ? "pos" : "neg" });
      acc += c.weight - sum;
    }
    steps.push({ name: "final", from: 0, to: acc, kind: "base" });
    var vals = [0]; steps.forEach(function (s) { vals.push(s.from, s.to); });
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
    var W = Math.max(300, Math.min(720, $("entries").clientWidth - 40)), rowH = 22, H = steps.length * rowH + 22;
    var box = { l: Math.min(230, Math.round(W * 0.42)), r: W - 50 }, x = scale(lo, hi, box.l, box.r), maxName = Math.floor(box.l / 6.4);
    var root = svgRoot(W, H, "Evidence for candidate " + str(c.registry_id) + ": from the prior to a final log-odds of " + fmtW(acc));
    root.appendChild(svg("line", { x1: x(0), x2: x(0), y1: 0, y2: H - 18, stroke: "#9aa1ad" }));
    steps.forEach(function (s, i) {
      var y0 = i * rowH + 2, color = s.kind === "base" ? "#6b86c6" : s.kind === "pos" ? "#1f7a3f" : "#be3237";
      root.appendChild(svg("text", { x: box.l - 8, y: y0 + 14, "text-anchor": "end", text: s.name.length > maxName ? s.name.slice(0, maxName - 1) + "…" : s.name }));
      var r = svg("rect", { x: x(Math.min(s.from, s.to)), y: y0 + 2, width: Math.max(Math.abs(x(s.to) - x(s.from)), 1.5), height: rowH - 6, fill: color });
      r.appendChild(svg("title", { text: s.name + ": " + fmtW(s.to - s.from) }));
      root.appendChild(r);
      root.appendChild(svg("text", { x: Math.max(x(s.from), x(s.to)) + 4, y: y0 + 14, text: fmtW(s.kind === "base" ? s.to : s.to - s.from) }));
    });
    root.appendChild(svg("text", { x: (box.l + box.r) / 2, y: H - 3, "text-anchor": "middle", text: "log₂ odds" }));
    return el("div", { class: "waterfall chart" }, root, el("p", { class: "legend", text: "Final log-odds " + fmtW(acc) +
      ": on its own this pair would have probability " + fmtP(1 / (1 + Math.pow(2, -acc))) + "; weighed against the other candidates and against " +
      "\u201cnone of them\u201d, the entry's probability is " + fmtP(c.probability) + "." }));
  }

  function detail(e, idx) {
    var cands = e.candidates || [], b = cands[0], mine = store[str(e.list_id)];
    var wrap = el("div");
    var actions = el("div", { class: "actions", role: "group", "aria-label": "Review this entry" });
    if (b) {
      var acc = el("button", { type: "button", class: "primary", "data-action": "accept", "data-key": "a" + idx, text: "Accept: same person as " + str(b.registry_id) });
      acc.addEventListener("click", function () { decide(e, b.registry_id, "match"); });
      actions.appendChild(acc);
    }
    var rej = el("button", { type: "button", "data-action": "reject", "data-key": "r" + idx, text: "Reject: not in the registry" });
    rej.addEventListener("click", function () { decide(e, b ? b.registry_id : "", "no_match"); });
    actions.appendChild(rej);
    if (mine) {
      var un = el("button", { type: "button", "data-action": "undo", "data-key": "u" + idx, text: "Undo my decision" });
      un.addEventListener("click", function () { undo(e); });
      actions.appendChild(un);
    }
    var note = el("input", { type: "text", class: "note", "aria-label": "Note on this decision (optional)", placeholder: "note (optional)" });
    note.value = str(notes[str(e.list_id)] || (mine && mine.note) || "");
    note.addEventListener("input", function () { notes[str(e.list_id)] = note.value; });
    actions.appendChild(note);                       /* after the buttons: Tab reaches a decision first */
    if (mine && mine.reviewer) actions.appendChild(el("span", { class: "human", text: "decided by " + mine.reviewer + " at " + mine.decided_at }));
    if (!R.redacted) wrap.appendChild(actions);   /* a published report is read, not reviewed */
    if (e.duplicate_of) wrap.appendChild(el("p", { text: "Listed more than once: the same registry person as list entry " + str(e.duplicate_of) + "." }));
    if (!b) { wrap.appendChild(el("p", { text: "No registry record shared a blocking key with this entry." })); return wrap; }
    wrap.appendChild(el("h4", { text: (R.redacted ? "Why the best candidate" : "Why candidate " + str(b.registry_id)) + " scores " + fmtW(b.weight) }));
    wrap.appendChild(waterfall(e, b));
    wrap.appendChild(el("h4", { text: cands.length > 1 ? "All " + cands.length + " candidates (the runner-up second)" : "The only candidate" }));
    var head = el("tr", null, ["", "Registry id", "Probability", "Weight"].concat(FIELDS.map(function (f) { return f.replace(/_/g, " "); })).map(function (h) { return el("th", { scope: "col", text: h }); }));
    var rows = cands.map(function (c, ci) {
      var pick = el("button", { type: "button", "data-action": "pick", "data-key": "p" + idx + "-" + ci, text: ci === 0 ? "Accept" : "Pick this one" });
      pick.addEventListener("click", function () { decide(e, c.registry_id, "match"); });
      var chosen = mine && mine.label === "match" && mine.registry_id === str(c.registry_id);
      return el("tr", null, el("td", null, chosen ? el("strong", { text: "your pick" }) : pick),
        el("td", { "data-label": "Registry id", text: str(c.registry_id) }), el("td", { "data-label": "Probability", class: "num", text: fmtP(c.probability) }),
        el("td", { "data-label": "Weight", class: "num", text: fmtW(c.weight) }),
        FIELDS.map(function (f) {
          return el("td", { "data-label": f.replace(/_/g, " ") }, pairCell((e.list || {})[f], (c.registry || {})[f], true, agrees(c, f)),
            el("small", { class: "expl", text: str((c.levels || {})[f]) + (isNum((c.weights || {})[f]) ? " " + fmtW(c.weights[f]) : "") }));
        }));
    });
    wrap.appendChild(el("div", { class: "table-wrap" }, el("table", { class: "cands" }, el("thead", null, head), el("tbody", null, rows))));
    return wrap;
  }

  /* Only the rows on screen are drawn: the first EAGER rows of a page at once, each other row when it comes
     within a screen of the viewport (a placeholder until then); printing draws them all. */
  var EAGER = 20, drawn = {}, drawnPage = null;
  function drawPending(tr) {
    if (!tr.parentNode || !tr.classList.contains("pending")) return;
    if (rowObserver) rowObserver.unobserve(tr);
    var idx = parseInt(tr.getAttribute("data-idx"), 10), frag = document.createDocumentFragment();
    drawn[idx] = true;
    renderRow(idx, frag);
    tr.parentNode.replaceChild(frag, tr);
  }
  var rowObserver = typeof IntersectionObserver === "function" ? new IntersectionObserver(function (seen) {
    seen.forEach(function (s) { if (s.isIntersecting) drawPending(s.target); });
  }, { rootMargin: "100% 0px" }) : null;
  function drawAllPending() { Array.prototype.forEach.call($("entries-body").querySelectorAll("tr.pending"), drawPending); }
  window.addEventListener("beforeprint", drawAllPending);

  function renderPage() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    var tbody = $("entries-body"), frag = document.createDocumentFragment();
    var active = document.activeElement, focusKey = active && tbody.contains(active) ? active.getAttribute("data-key") : null;
    var slice = view.slice(page * PAGE, page * PAGE + PAGE), pageKey = page + ":" + lastFilter;
    if (pageKey !== drawnPage) { drawn = {}; drawnPage = pageKey; }   /* the same page again: its drawn rows stay drawn */
    var focusIdx = focusKey ? parseInt(focusKey.slice(1), 10) : -1;
    slice.forEach(function (idx, k) {
      if (k < EAGER || drawn[idx] || open[idx] || idx === focusIdx || !rowObserver) { drawn[idx] = true; renderRow(idx, frag); }
      else frag.appendChild(el("tr", { class: "row pending", "data-idx": idx, "aria-busy": "true" }, el("td", { colspan: COLS.length })));
    });
    if (!slice.length) frag.appendChild(el("tr", null, el("td", { colspan: COLS.length, text: "No entry matches these filters." })));
    tbody.replaceChildren(frag);
    if (rowObserver) Array.prototype.forEach.call(tbody.querySelectorAll("tr.pending"), function (tr) { rowObserver.observe(tr); });
    if (focusKey) {  // keep keyboard focus on the control just used (or on its row's evidence button)
      var target = tbody.querySelector('[data-key="' + focusKey + '"]') ||
        tbody.querySelector('[data-key="x' + focusKey.slice(1).split("-")[0] + '"]');
      if (target) target.focus();
    }
    var first = view.length ? page * PAGE + 1 : 0;
    $("status").textContent = "Showing " + fmtInt(first) + "–" + fmtInt(page * PAGE + slice.length) + " of " + fmtInt(view.length) +
      " entries" + (view.length !== N ? " (filtered from " + fmtInt(N) + ")" : "") + ".";
    $("page-info").textContent = "Page " + fmtInt(page + 1) + " of " + fmtInt(pages);
    $("prev").disabled = page === 0;
    $("next").disabled = page >= pages - 1;
  }

  function initEntries() {
    $("entries-head").replaceChildren.apply($("entries-head"), COLS.map(function (c) { return el("th", { scope: "col", text: c }); }));
    var flags = {};
    var perCode = ENTRIES.flagValues().map(function () { return 0; }), codes = ENTRIES.flagCodes();
    for (var i = 0; i < N; i++) perCode[codes[i]]++;
    ENTRIES.flagValues().forEach(function (v, k) { v.forEach(function (f) { flags[f] = (flags[f] || 0) + perCode[k]; }); });
    Object.keys(flags).sort().forEach(function (f) { $("f-flag").appendChild(el("option", { value: f, text: f + " (" + fmtInt(flags[f]) + ")" })); });
    var timer = null;
    $("f-search").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(applyFilters, 150); });
    $("filters").addEventListener("change", applyFilters);
    $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); applyFilters(); });
    function turn(step) { page += step; renderPage(); $("entries-h").scrollIntoView(); }
    $("prev").addEventListener("click", function () { turn(-1); });
    $("next").addEventListener("click", function () { turn(1); });
    $("export").addEventListener("click", exportLabels);
    try { $("reviewer").value = window.localStorage.getItem(REVIEWER) || ""; } catch (e) { /* not kept */ }
    $("reviewer").addEventListener("change", function () {
      try { window.localStorage.setItem(REVIEWER, reviewerName()); } catch (e) { /* not kept */ }
      /* no re-render here: the change fires as the reviewer clicks a decision, and would swallow the click */
    });
    $("blind").addEventListener("change", function () { document.body.classList.toggle("blind", $("blind").checked); });
    refreshReviewCount();
    if (!canStore) $("status").textContent = "This browser does not keep decisions: export them before closing the page.";
    applyFilters();
  }

  function safely(fn) { try { fn(); } catch (err) { if (window.console) console.warn("report chart failed:", err); } }
  function drawCharts() {
  safely(drawChance);
  safely(drawHistogram);
  safely(drawAgreement);
  safely(function () {
    lineChart("chart-curve-counts", "Entries confirmed by the match threshold", [
      { key: "match", name: "confirmed", color: "#1f7a3f", note: true }], { ceil: null, integer: true, fmt: function (v) { return nf.format(Math.round(v)); } });
  });
  safely(function () {
    lineChart("chart-curve-pr", "Estimated and labelled precision and recall by threshold", [
      { key: "est_precision", name: "estimated precision", color: "#174ea6" }, { key: "est_recall", name: "estimated recall", color: "#c2571a" },
      { key: "precision", name: "precision on labels", color: "#174ea6", dash: "5 4" }, { key: "recall", name: "recall on labels", color: "#c2571a", dash: "5 4" }],
      { ceil: 1, fmt: function (v) { return (100 * v).toFixed(1) + "%"; } });
  });
  }
  drawCharts();
  var lastWidth = window.innerWidth, resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (Math.abs(window.innerWidth - lastWidth) < 40) return;
      lastWidth = window.innerWidth; drawCharts(); renderPage();
    }, 200);
  });
  safely(drawBreakdowns);
  initEntries();
})();
