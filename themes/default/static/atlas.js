// atlas: progressive enhancement. Every page works without this script.
// - note previews on hover and keyboard focus (the link still jumps to the note);
// - index tables: filter as you type, sort by clicking a column heading.
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

  function tables() {
    document.querySelectorAll("table[data-filterable]").forEach(function (table) {
      var tools = document.querySelector(".table-tools");
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      if (tools) {
        tools.hidden = false;
        var input = tools.querySelector(".table-filter");
        var count = tools.querySelector(".filter-count");
        input.addEventListener("input", function () {
          var q = input.value.trim().toLowerCase();
          var shown = 0;
          rows.forEach(function (row) {
            var hit = !q || (row.getAttribute("data-search") + " " + row.textContent.toLowerCase()).indexOf(q) >= 0;
            row.hidden = !hit;
            if (hit) shown++;
          });
          count.textContent = q ? shown + " of " + rows.length + " shown" : "";
        });
      }
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = th.textContent;
        th.textContent = "";
        th.appendChild(button);
        button.addEventListener("click", function () {
          var asc = th.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", asc ? "ascending" : "descending");
          rows.sort(function (a, b) {
            var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
            var cmp = x.localeCompare(y, undefined, { numeric: true });
            return asc ? cmp : -cmp;
          });
          rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { notePreviews(); tables(); });
})();
