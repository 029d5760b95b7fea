// Refreshes the chat's message list every 15 seconds while the page is visible, so replies appear
// without a reload. The page works without it (reload shows the same list).
(function () {
  "use strict";
  var live = document.getElementById("chat-live");
  if (!live || !window.fetch) { return; }
  var url = live.getAttribute("data-refresh-url");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var current = document.getElementById("chat-messages");
        if (current && current.outerHTML.trim() !== html.trim()) { current.outerHTML = html; }
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  window.setInterval(refresh, 15000);
})();
