// Names the admin's autocomplete boxes (select2) after their field's <label> (issue 14, axe
// aria-input-field-name): select2 labels its combobox by the selected text only, which is empty
// on an add form. Runs after the admin has built the boxes, and again for each new inline row.
"use strict";
(function () {
  function setOnce(element, labelledby) {
    // Only when different, so the observer below does not wake itself up.
    if (element && element.getAttribute("aria-labelledby") !== labelledby) {
      element.setAttribute("aria-labelledby", labelledby);
    }
  }

  function nameComboboxes() {
    document.querySelectorAll(".select2-container").forEach(function (container) {
      const select = container.previousElementSibling;
      const label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (!label) {
        return;
      }
      // select2 names its parts with aria-labelledby, which outranks aria-label: point it at the label.
      label.id = label.id || select.id + "-label";
      const rendered = container.querySelector(".select2-selection__rendered");
      const selection = container.querySelector(".select2-selection");
      setOnce(rendered, label.id);
      setOnce(selection, rendered && rendered.id ? label.id + " " + rendered.id : label.id);
    });
  }
  // The two-list permission and group pickers (SelectFilter2) put aria-label on a plain <span> search
  // icon, which ARIA does not allow (axe aria-prohibited-attr): as role="img" the label is allowed.
  function markSearchIcons() {
    document.querySelectorAll(".help-tooltip.search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  window.addEventListener("load", function () {
    // SelectFilter2 builds its boxes in its own load handler, registered before this one.
    markSearchIcons();
    nameComboboxes();
    // select2 rewrites its attributes when it renders a choice or takes focus: name them again.
    new MutationObserver(nameComboboxes).observe(document.body, {subtree: true, attributeFilter: ["aria-labelledby"]});
  });
  document.addEventListener("formset:added", function () { setTimeout(nameComboboxes, 0); });
})();
