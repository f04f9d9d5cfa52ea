// atlas: progressive enhancement. Every page works without this script.
// - note previews on hover and keyboard focus (the link still jumps to the note);
// - index tables: filter as you type, sort by clicking a column heading;
// - map clusters: a numbered mark opens the list of its sites (without script
//   it leads to the inset or the table that shows them);
// - search: titles, Chinese names (one character is enough), pinyin, aliases.
(function () {
  "use strict";

  function notePreviews() {
    var preview = null;
    function hide() { if (preview) { preview.remove(); preview = null; } }
    function show(link) {
      var id = link.getAttribute("href").slice(1);
      var note = document.getElementById(id);
      if (!note) return;
      hide();
      var text = note.querySelector(".note-text");
      preview = document.createElement("div");
      preview.className = "note-preview";
      preview.setAttribute("role", "tooltip");
      preview.innerHTML = (text || note).innerHTML;
      document.body.appendChild(preview);
      var r = link.getBoundingClientRect();
      var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - preview.offsetWidth - 8);
      preview.style.left = Math.max(8, left) + "px";
      preview.style.top = (window.scrollY + r.bottom + 6) + "px";
    }
    document.querySelectorAll("sup.note-ref a").forEach(function (a) {
      a.addEventListener("mouseenter", function () { show(a); });
      a.addEventListener("focus", function () { show(a); });
      a.addEventListener("mouseleave", hide);
      a.addEventListener("blur", hide);
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  }

  // Index tables: one filter for every table on the page (China's entries and
  // the comparators abroad), and sorting by any column with blank cells last
  // whichever way it sorts.
  function tables() {
    var all = Array.prototype.slice.call(document.querySelectorAll("table[data-filterable]"));
    if (!all.length) return;
    var tools = document.querySelector(".table-tools");
    if (tools) {
      tools.hidden = false;
      var input = tools.querySelector(".table-filter");
      var count = tools.querySelector(".filter-count");
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase();
        var shown = 0, total = 0;
        all.forEach(function (table) {
          Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
            var hit = !q || (row.getAttribute("data-search") + " " + row.textContent).toLowerCase().indexOf(q) >= 0;
            row.hidden = !hit;
            total++;
            if (hit) shown++;
          });
        });
        count.textContent = q ? shown + " of " + total + " shown" : "";
      });
    }
    all.forEach(function (table) {
      var heads = table.tHead.rows[0].cells;
      Array.prototype.forEach.call(heads, function (th, col) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = th.textContent;
        th.textContent = "";
        th.appendChild(button);
        button.addEventListener("click", function () {
          var asc = th.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(heads, function (c) { c.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", asc ? "ascending" : "descending");
          var rows = Array.prototype.slice.call(table.tBodies[0].rows);
          rows.sort(function (a, b) {
            var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
            if (!x || !y) return (!x) - (!y);
            var cmp = x.localeCompare(y, undefined, { numeric: true });
            return asc ? cmp : -cmp;
          });
          rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
        });
      });
    });
  }

  // A cluster on a map opens a list of its sites, next to it; Escape, a click
  // elsewhere or leaving the list closes it, and focus goes back to the mark.
  function mapClusters() {
    var popup = null, opener = null;
    function close(refocus) {
      if (!popup) return;
      var shown = popup;
      popup = null;
      shown.remove();
      if (opener) opener.classList.remove("open");
      if (refocus && opener) opener.focus();
    }
    function open(mark) {
      close(false);
      opener = mark;
      // Its list says what its label says, and the label would cover a
      // neighbouring mark: hidden while the list is open.
      mark.classList.add("open");
      var sites = JSON.parse(mark.getAttribute("data-sites") || "[]");
      popup = document.createElement("div");
      popup.className = "map-popup";
      popup.setAttribute("role", "dialog");
      popup.setAttribute("aria-label", sites.length + " sites here");
      var shut = document.createElement("button");
      shut.type = "button";
      shut.textContent = "×";
      shut.setAttribute("aria-label", "Close the list");
      shut.addEventListener("click", function () { close(true); });
      var heading = document.createElement("h2");
      heading.textContent = sites.length + " sites here";
      var list = document.createElement("ul");
      sites.forEach(function (site) {
        var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span");
        a.href = site[0];
        a.textContent = site[1];
        kind.className = "kind-tag";
        kind.textContent = site[2];
        li.appendChild(a); li.appendChild(document.createTextNode(" ")); li.appendChild(kind);
        list.appendChild(li);
      });
      popup.appendChild(shut); popup.appendChild(heading);
      var inset = mark.getAttribute("data-inset");
      if (inset) {
        var p = document.createElement("p"), zoom = document.createElement("a");
        zoom.href = mark.getAttribute("href");
        zoom.textContent = "See them apart on the map of the " + inset;
        zoom.addEventListener("click", function () { close(false); });
        p.appendChild(zoom);
        popup.appendChild(p);
      }
      popup.appendChild(list);
      popup.addEventListener("focusout", function (e) {
        if (popup && !popup.contains(e.relatedTarget)) close(false);
      });
      document.body.appendChild(popup);
      var r = mark.getBoundingClientRect();
      var width = document.documentElement.clientWidth;
      var left = Math.min(r.left, width - popup.offsetWidth - 8);
      popup.style.left = (window.scrollX + Math.max(8, left)) + "px";
      popup.style.top = (window.scrollY + r.bottom + 4) + "px";
      list.querySelector("a").focus();
    }
    document.querySelectorAll("svg.map a.cluster").forEach(function (mark) {
      mark.setAttribute("aria-haspopup", "dialog");
      mark.addEventListener("click", function (e) { e.preventDefault(); open(mark); });
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") close(true); });
    document.addEventListener("click", function (e) {
      if (popup && !popup.contains(e.target) && !e.target.closest("a.cluster")) close(false);
    });
  }

  // Search: the index is a script loaded on first use, so it works from file://.
  function search() {
    var form = document.querySelector("form.search");
    if (!form) return;
    var input = form.querySelector("input");
    var list = form.querySelector(".search-results");
    var root = document.body.getAttribute("data-root") || "";
    form.hidden = false;
    function load(then) {
      if (window.ATLAS_SEARCH) return then();
      var s = document.createElement("script");
      s.src = root + "static/search-index.js";
      s.onload = then;
      document.head.appendChild(s);
    }
    // Each field that holds the query adds its weight: six times over where
    // the query is a whole title, name, reading or alias ("CAS"), twice where
    // it starts a word. An entry so named comes before every entry that only
    // mentions the query (100 is more than all the fields' weights doubled).
    // Pinyin (d.p) is toneless, spaced and joined, so "huairou", "huai rou"
    // and "huairou kexuecheng" all find 怀柔科学城.
    function score(d, q) {
      var f = [[d.t, 10], [d.z, 8], [d.p, 7], [d.a, 6], [d.s, 3], [d.x, 1]], total = 0, named = false;
      var joined = q.replace(/\s+/g, "");
      for (var i = 0; i < f.length; i++) {
        var v = (f[i][0] || "").toLowerCase(), at = v.indexOf(q);
        if (at < 0 && f[i][0] === d.p) at = v.indexOf(joined);
        if (at < 0) continue;
        var whole = v.split(" | ");
        var w = f[i][1];
        if (whole.indexOf(q) >= 0 || (f[i][0] === d.p && whole.indexOf(joined) >= 0)) {
          w *= 6;
          if (i < 4) named = true;
        } else if (at === 0 || /[\s|(\-–]/.test(v.charAt(at - 1))) w *= 2;
        total += w;
      }
      return total + (named ? 100 : 0);
    }
    // One Chinese character is a word; one Latin letter is not.
    var han = /[\u3400-\u9fff\uf900-\ufaff]/;
    function run() {
      var q = input.value.trim().toLowerCase();
      list.innerHTML = "";
      if (!window.ATLAS_SEARCH || !(q.length >= 2 || han.test(q))) return;
      var hits = window.ATLAS_SEARCH.map(function (d) { return [score(d, q), d]; })
        .filter(function (h) { return h[0] > 0; })
        .sort(function (a, b) { return b[0] - a[0] || a[1].t.localeCompare(b[1].t); })
        .slice(0, 12);
      hits.forEach(function (h) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = root + h[1].h;
        a.textContent = h[1].t + (h[1].z ? " " + h[1].z : "");
        var kind = document.createElement("span");
        kind.className = "kind-tag";
        kind.textContent = h[1].k;
        li.appendChild(a); li.appendChild(document.createTextNode(" ")); li.appendChild(kind);
        list.appendChild(li);
      });
      if (!hits.length) { var li = document.createElement("li"); li.textContent = "No matches"; list.appendChild(li); }
    }
    input.addEventListener("focus", function () { load(run); });
    input.addEventListener("input", function () { load(run); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { input.value = ""; list.innerHTML = ""; }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { notePreviews(); tables(); mapClusters(); search(); });
})();
