// 产改考核: warn a minute before the idle logout, then go to the login page.
// The server enforces the limit (accounts.middleware); this only tells the user in time.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-session-idle"), 10);
  if (!idle) { return; }
  var warnBefore = parseInt(body.getAttribute("data-session-warning"), 10) || 60;
  var loginUrl = body.getAttribute("data-session-login-url");
  var keepaliveUrl = body.getAttribute("data-session-keepalive-url");
  var box = null;
  var timers = [];

  function clearTimers() {
    timers.forEach(function (t) { window.clearTimeout(t); window.clearInterval(t); });
    timers = [];
  }

  function leave() {
    var here = window.location.pathname + window.location.search;
    // A moment after the limit, so the server has logged the session out by then.
    window.location.assign(loginUrl + "?next=" + encodeURIComponent(here));
  }

  function hideWarning() {
    if (box) { box.remove(); box = null; }
  }

  function keepAlive() {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    window.fetch(keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (response) {
      if (response.ok && response.redirected === false) {
        hideWarning();
        schedule();
      } else {
        leave();
      }
    }, leave);
  }

  function showWarning() {
    var deadline = Date.now() + Math.min(warnBefore, idle) * 1000;
    box = document.createElement("div");
    box.className = "session-warning";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-live", "assertive");
    var text = document.createElement("p");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "primary";
    button.textContent = "继续使用";
    button.addEventListener("click", keepAlive);
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      text.textContent = "您已较长时间未操作，" + left + " 秒后将自动退出登录。未保存的内容请先保存。";
    };
    tick();
    timers.push(window.setInterval(tick, 1000));
    box.appendChild(text);
    box.appendChild(button);
    body.appendChild(box);
    button.focus();
  }

  function schedule() {
    clearTimers();
    timers.push(window.setTimeout(showWarning, Math.max(0, idle - warnBefore) * 1000));
    timers.push(window.setTimeout(leave, (idle + 2) * 1000));
  }

  schedule();
})();
