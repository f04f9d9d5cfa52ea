// atlas serve: live reload and the build error overlay. Served by `atlas serve`
// only and injected into the HTML it serves; never part of a built site.
(function () {
  "use strict";
  var here = location.pathname.replace(/^\/+/, "");
  if (here === "" || here.slice(-1) === "/") here += "index.html";
  try { here = decodeURIComponent(here); } catch (e) { /* keep it encoded */ }
  var generation = null;

  function showOverlay(html) {
    var old = document.getElementById("atlas-overlay");
    if (old) old.parentNode.removeChild(old);
    if (!html) return;
    // The overlay is made by atlas from escaped diagnostics.
    var holder = document.createElement("div");
    holder.innerHTML = html;
    if (holder.firstElementChild) document.body.appendChild(holder.firstElementChild);
  }

  function affectsThisPage(changed) {
    return changed.some(function (p) {
      return p === "*" || p === here || p.indexOf("static/") === 0 ||
        p.slice(-4) === ".css" || p.slice(-3) === ".js";
    });
  }

  var events = new EventSource("/__atlas/events");
  events.addEventListener("hello", function (e) {
    // A new server (restarted atlas serve) may have a different site.
    if (generation !== null && generation !== e.data) location.reload();
    generation = e.data;
  });
  events.addEventListener("build-error", function (e) {
    showOverlay(JSON.parse(e.data));
  });
  events.addEventListener("reload", function (e) {
    showOverlay(null);
    if (affectsThisPage(JSON.parse(e.data))) location.reload();
  });
})();
