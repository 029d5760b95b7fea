/* Pre-select the visitor's time zone in <select data-detect-tz> unless they already chose one.
   Without JavaScript the select keeps the clinic's zone and the visitor can change it by hand. */
(function () {
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  // Browsers (ICU) still report some old names; use the current IANA name the list leads with.
  var current = {
    "Asia/Calcutta": "Asia/Kolkata", "Asia/Katmandu": "Asia/Kathmandu", "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Rangoon": "Asia/Yangon", "Europe/Kiev": "Europe/Kyiv", "Asia/Dacca": "Asia/Dhaka",
    "Asia/Thimbu": "Asia/Thimphu", "America/Buenos_Aires": "America/Argentina/Buenos_Aires"
  };
  zone = current[zone] || zone;
  var selects = document.querySelectorAll("select[data-detect-tz]");
  for (var i = 0; i < selects.length; i++) {
    var select = selects[i];
    if (select.getAttribute("data-user-chosen") === "1") continue;
    for (var j = 0; j < select.options.length; j++) {
      if (select.options[j].value === zone) { select.value = zone; break; }
    }
  }
})();
