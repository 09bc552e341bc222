/* linker report: the entries in report.json's column layout (an array per field, text values
   dictionary-encoded, every entry's candidates cut from one set of arrays by candidates.start). The page
   filters, sorts and searches the columns themselves; an entry becomes an object only when it is shown. */
var LinkerEntries = (function () {
  "use strict";
  var TF = "term_frequency";

  function str(v) { return v === null || v === undefined ? "" : String(v); }
  function range(n) { var a = new Array(n); for (var i = 0; i < n; i++) a[i] = i; return a; }
  /* a report.json written before the column layout: each value its own dictionary entry */
  function ownColumn(rows, key) {
    return { values: rows.map(function (r) { return r ? r[key] : null; }),
      codes: rows.map(function (r, i) { return r && Object.prototype.hasOwnProperty.call(r, key) ? i : -1; }) };
  }
  function recordColumns(rows) {
    var out = {};
    rows.forEach(function (r) { Object.keys(r || {}).forEach(function (k) { out[k] = true; }); });
    Object.keys(out).forEach(function (k) { out[k] = ownColumn(rows, k); });
    return out;
  }
  function fromList(list) {
    var cands = [], start = [0];
    list.forEach(function (e) { (e.candidates || []).forEach(function (c) { cands.push(c); }); start.push(cands.length); });
    var ids = range(list.length);
    function dict(key) { return { values: list.map(function (e) { return e[key]; }), codes: ids }; }
    function plain(rows, key) { return rows.map(function (r) { return r[key]; }); }
    return {
      layout: "columns", count: list.length, list_id: plain(list, "list_id"), row: plain(list, "row"),
      decision: dict("decision"), probability: plain(list, "probability"), genuine_probability: plain(list, "genuine_probability"),
      weight: plain(list, "weight"), flags: dict("flags"), label: dict("label"), duplicate_of: plain(list, "duplicate_of"),
      list: recordColumns(list.map(function (e) { return e.list || {}; })),
      candidates: { start: start, registry_id: plain(cands, "registry_id"), probability: plain(cands, "probability"),
        weight: plain(cands, "weight"), registry: recordColumns(cands.map(function (c) { return c.registry || {}; })),
        evidence: { values: cands.map(function (c) { return { levels: c.levels || {}, weights: c.weights || {} }; }), codes: range(cands.length) },
        term_frequency: cands.map(function (c) { return (c.weights || {})[TF]; }) }
    };
  }

  function Entries(src) {
    var C = src && src.layout === "columns" ? src : fromList(Array.isArray(src) ? src : []);
    var n = C.count || 0, none = new Array(n);
    ["list_id", "row", "probability", "genuine_probability", "weight", "duplicate_of"].forEach(function (k) {
      if (!Array.isArray(C[k])) C[k] = none;           /* a column no entry had */
    });
    ["decision", "flags", "label"].forEach(function (k) { if (!C[k] || !C[k].codes) C[k] = { values: [null], codes: new Array(n).fill(0) }; });
    var CC = C.candidates || {};
    this.C = C;
    this.n = n;
    this.start = CC.start || [0];
    this.cand = CC;
    this.listCols = C.list || {};
    this.regCols = CC.registry || {};
    this.folded = [];          /* per dictionary column: its values folded, made at the first search */
    this.foldedIds = null;
  }
  function dval(col, i) {
    if (!col) return undefined;
    var k = col.codes[i];
    return k === undefined || k === null || k < 0 ? undefined : col.values[k];
  }
  function record(cols, i) {
    var out = {};
    Object.keys(cols).forEach(function (f) { var v = dval(cols[f], i); if (v !== undefined) out[f] = v; });
    return out;
  }
  Entries.prototype.fields = function () { return Object.keys(this.listCols); };
  Entries.prototype.listId = function (i) { return str(this.C.list_id[i]); };
  Entries.prototype.prob = function (i) { var p = this.C.probability[i]; return typeof p === "number" && isFinite(p) ? p : 0; };
  Entries.prototype.row = function (i) { var r = this.C.row[i]; return typeof r === "number" && isFinite(r) ? r : i; };
  Entries.prototype.decisionCodes = function () { return this.C.decision.codes; };
  Entries.prototype.decisionValues = function () { return this.C.decision.values; };
  Entries.prototype.flagCodes = function () { return this.C.flags.codes; };
  Entries.prototype.flagValues = function () { return this.C.flags.values.map(function (v) { return v || []; }); };
  Entries.prototype.hasLabel = function (i) { return !!dval(this.C.label, i); };
  Entries.prototype.candidate = function (j) {
    var CC = this.cand, ev = dval(CC.evidence, j) || {}, w = {}, ws = ev.weights || {};
    Object.keys(ws).forEach(function (k) { w[k] = k === TF ? CC.term_frequency[j] : ws[k]; });
    return { registry_id: CC.registry_id[j], probability: CC.probability[j], weight: CC.weight[j],
      registry: record(this.regCols, j), levels: ev.levels || {}, weights: w };
  };
  /* entry i as the object report.json held before the column layout */
  Entries.prototype.at = function (i) {
    var C = this.C, cands = [];
    for (var j = this.start[i]; j < this.start[i + 1]; j++) cands.push(this.candidate(j));
    return { list_id: C.list_id[i], row: C.row[i], decision: dval(C.decision, i), probability: C.probability[i],
      genuine_probability: C.genuine_probability[i], weight: C.weight[i], flags: dval(C.flags, i) || [],
      label: dval(C.label, i), duplicate_of: C.duplicate_of[i], list: record(this.listCols, i), candidates: cands };
  };
  /* a test of "the query is in the entry's list id, a list value, its best candidate's id or a value of it":
     each distinct value is folded and tested once, then every entry looks its codes up */
  Entries.prototype.matcher = function (q, fold) {
    var self = this, cols = [];
    function hits(col) {
      var f = self.folded.filter(function (x) { return x[0] === col; })[0];
      if (!f) { f = [col, col.values.map(function (v) { return fold(str(v)); })]; self.folded.push(f); }
      var h = new Uint8Array(f[1].length);
      for (var k = 0; k < h.length; k++) h[k] = f[1][k].indexOf(q) >= 0 ? 1 : 0;
      return h;
    }
    Object.keys(this.listCols).forEach(function (f) { cols.push([false, self.listCols[f].codes, hits(self.listCols[f])]); });
    Object.keys(this.regCols).forEach(function (f) { cols.push([true, self.regCols[f].codes, hits(self.regCols[f])]); });
    if (!this.foldedIds) {
      var ids = new Array(this.n), best = new Array(this.n);
      for (var i = 0; i < this.n; i++) {
        ids[i] = fold(str(this.C.list_id[i]));
        best[i] = this.start[i] < this.start[i + 1] ? fold(str(this.cand.registry_id[this.start[i]])) : "";
      }
      this.foldedIds = [ids, best];
    }
    var ids0 = this.foldedIds[0], best0 = this.foldedIds[1], start = this.start;
    return function (i) {
      if (ids0[i].indexOf(q) >= 0) return true;
      var j = start[i], has = j < start[i + 1];
      if (has && best0[i].indexOf(q) >= 0) return true;
      for (var c = 0; c < cols.length; c++) {
        if (cols[c][0] && !has) continue;
        var k = cols[c][1][cols[c][0] ? j : i];
        if (k >= 0 && cols[c][2][k]) return true;
      }
      return false;
    };
  };
  return Entries;
})();
