// 产改考核: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Ask before irreversible actions, then lock the buttons so a double click sends one request.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    // A second click while the first request is on its way sends nothing and asks nothing.
    if (form.dataset.sent === "1") {
      event.preventDefault();
      return;
    }
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    if (button && button.name) {
      // Disabled buttons are not sent; keep the chosen action.
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = button.name;
      hidden.value = button.value;
      form.appendChild(hidden);
    }
    form.querySelectorAll("button[data-once]").forEach(function (b) { b.disabled = true; });
  });
  // A page restored from the back/forward cache keeps its locked buttons; unlock them.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button[data-once]").forEach(function (b) { b.disabled = false; });
    });
  });
  // Live character count for the 工作情况说明.
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    var max = parseInt(counter.getAttribute("data-max"), 10);
    if (!field) { return; }
    var update = function () {
      var n = field.value.length;
      counter.textContent = "已输入 " + n + " / " + max + " 字";
      counter.classList.toggle("over", n > max);
    };
    field.addEventListener("input", update);
    update();
  });
  // Warn before leaving a form with unsaved changes.
  var dirty = false;
  var main = document.getElementById("submission-form");
  // A page with data-draft (the submission page) has draft.js, which knows about uploads too.
  if (main && !main.hasAttribute("data-draft")) {
    main.addEventListener("input", function () { dirty = true; });
    main.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (e) {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
  }
})();
