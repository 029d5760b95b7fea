// Wagtail's date, date-time and time fields start their pickers with an inline <script>, which the
// Content-Security-Policy refuses (clinic/security_headers.py). guide/templates/wagtailadmin/widgets/
// leave the same call as JSON data; this file, loaded from our own origin, makes it. Fields added
// later (dialogs, new inline rows) are started when they appear.
(function () {
  "use strict";
  var starters = { date: "initDateChooser", datetime: "initDateTimeChooser", time: "initTimeChooser" };

  function start(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll('script[type="application/json"][data-ct-chooser]').forEach(function (node) {
      var init = window[starters[node.dataset.ctChooser]];
      if (typeof init !== "function" || node.dataset.ctStarted) return;
      node.dataset.ctStarted = "true";
      init(node.dataset.ctFor, JSON.parse(node.textContent));
    });
  }

  function startAll() { start(document); }

  // Wagtail's picker script may load after this one: try again once the page is parsed and loaded
  // (a field is started only once, and only when its starter exists).
  document.addEventListener("DOMContentLoaded", startAll);
  window.addEventListener("load", startAll);
  if (document.readyState === "complete") startAll();
  new MutationObserver(function (changes) {
    changes.forEach(function (change) { change.addedNodes.forEach(start); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
