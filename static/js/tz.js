/* Pre-select the visitor's time zone in <select data-detect-tz> unless they already chose one.
   Without JavaScript the select keeps the clinic's zone and the visitor can change it by hand. */
(function () {
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  var selects = document.querySelectorAll("select[data-detect-tz]");
  for (var i = 0; i < selects.length; i++) {
    var select = selects[i];
    if (select.getAttribute("data-user-chosen") === "1") continue;
    for (var j = 0; j < select.options.length; j++) {
      if (select.options[j].value === zone) { select.value = zone; break; }
    }
  }
})();
