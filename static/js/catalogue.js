// 指标目录: the member units behind 各成员单位 are the same list for every indicator, less the
// units it names, so the page does not carry 20 copies of it. Opening a 成员单位 <details> loads
// that indicator's list from its fragment URL (the link the placeholder holds without script).
(function () {
  "use strict";
  function load(details) {
    var holder = details.querySelector("[data-members]");
    if (!holder || holder.dataset.loaded) { return; }
    var link = holder.querySelector("a");
    if (!link) { return; }
    holder.dataset.loaded = "1";
    holder.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        holder.innerHTML = html;
      })
      .catch(function () {
        delete holder.dataset.loaded;  // the link stays; a later toggle tries again
      })
      .then(function () { holder.removeAttribute("aria-busy"); });
  }
  document.querySelectorAll("details.scope").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (details.open) { load(details); }
    });
    if (details.open) { load(details); }
  });
})();
