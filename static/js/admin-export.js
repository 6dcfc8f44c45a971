// django-import-export's export form: the "select all" toggle, bound here instead of an
// inline onchange handler (the Content-Security-Policy refuses inline handlers).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function (event) {
      if (typeof window.onSelectToggleChange === "function") {
        window.onSelectToggleChange(event);
      }
    });
  });
});
