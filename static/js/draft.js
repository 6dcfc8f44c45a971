// 产改考核: the submission page as one draft. Evidence goes up in the background, so what was
// typed stays on the page; figures are recomputed as they are typed (the server recomputes them
// on save and stays the source of truth); leaving the page asks first only when something is
// really unsaved. Without this file the page still works with plain form posts.
(function () {
  "use strict";
  var form = document.getElementById("submission-form");
  var uploadForm = document.getElementById("upload-form");

  // --- unsaved changes -------------------------------------------------------------------------
  function snapshot() {
    if (!form) { return ""; }
    var parts = [];
    form.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") { return; }
      parts.push(el.name + "=" + el.value);
    });
    return parts.join("\n");
  }
  // A page shown again after a refused save holds what was typed, not what was saved.
  var saved = form && form.hasAttribute("data-unsaved") ? null : snapshot();
  var active = 0; // uploads waiting or running
  var leaving = false; // the draft form is being posted: its contents are being saved
  function unsaved() { return snapshot() !== saved; }

  window.addEventListener("beforeunload", function (event) {
    if (active > 0 || (!leaving && unsaved())) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Capture phase: runs before app.js, which would otherwise lock the buttons of a form we stop.
  document.addEventListener("submit", function (event) {
    if (uploadForm && event.target === uploadForm) {
      // With the script, files go up as soon as they are chosen or dropped; never post the page.
      event.preventDefault();
      event.stopPropagation();
      chooseFiles();
      return;
    }
    if (active > 0) {
      event.preventDefault();
      event.stopPropagation();
      say("材料正在上传，请等上传完成后再保存、提交或离开本页。");
    }
  }, true);
  document.addEventListener("submit", function (event) {
    // Bubbling, after app.js: a cancelled confirmation leaves the page (and its warning) as it was.
    if (form && event.target === form && !event.defaultPrevented) { leaving = true; }
  });

  // --- figures as you type (mirrors scoring/submissions/figures.py) -----------------------------
  // Exact decimal arithmetic on BigInt, rounded half to even to 2 places as Decimal.quantize does.
  var figures = document.querySelector("[data-live-figures]");
  if (figures && typeof BigInt === "function") {
    var ZERO = BigInt(0), ONE = BigInt(1), TWO = BigInt(2), TEN = BigInt(10);
    var parse = function (text) {
      var m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(text || "");
      if (!m || (m[2] === "" && !m[3])) { return null; }
      var frac = m[3] || "";
      var n = BigInt((m[2] || "0") + frac);
      return { n: m[1] === "-" ? -n : n, scale: frac.length };
    };
    var pow10 = function (k) { var p = ONE; while (k-- > 0) { p *= TEN; } return p; };
    var minus = function (a, b) {
      var s = Math.max(a.scale, b.scale);
      return { n: a.n * pow10(s - a.scale) - b.n * pow10(s - b.scale), scale: s };
    };
    // a / b * 100 with two decimals, or null where b is missing or 0.
    var percent = function (a, b) {
      if (a === null || b === null || b.n === ZERO) { return null; }
      var num = a.n * pow10(b.scale) * BigInt(10000);
      var den = b.n * pow10(a.scale);
      var negative = (a.n < ZERO) !== (b.n < ZERO); // Decimal keeps the sign of -0.00
      if (num < ZERO) { num = -num; }
      if (den < ZERO) { den = -den; }
      var q = num / den, r = num % den;
      if (TWO * r > den || (TWO * r === den && q % TWO === ONE)) { q += ONE; }
      var digits = q.toString();
      while (digits.length < 3) { digits = "0" + digits; }
      return (negative ? "-" : "") + digits.slice(0, -2) + "." + digits.slice(-2);
    };
    var show = function (cell, value) {
      cell.textContent = "";
      if (value === null) {
        var dash = document.createElement("span");
        dash.className = "muted";
        dash.textContent = "—";
        cell.appendChild(dash);
      } else {
        cell.textContent = value + "%";
      }
    };
    var recompute = function () {
      var values = {};
      figures.querySelectorAll("input[data-figure]").forEach(function (input) {
        var value = parse(input.value);
        values[input.getAttribute("data-figure")] = value;
        var cell = figures.querySelector('[data-growth-for="' + input.getAttribute("data-figure") + '"]');
        var previous = parse(input.getAttribute("data-previous"));
        if (cell) { show(cell, value === null || previous === null ? null : percent(minus(value, previous), previous)); }
      });
      figures.querySelectorAll("[data-numerator]").forEach(function (span) {
        var ratio = percent(values[span.getAttribute("data-numerator")] || null,
          values[span.getAttribute("data-denominator")] || null);
        span.textContent = ratio === null ? "—" : ratio + "%";
      });
    };
    figures.addEventListener("input", recompute);
  }

  // --- background uploads ------------------------------------------------------------------------
  if (!uploadForm) { return; }
  var input = uploadForm.querySelector("input[type=file]");
  var title = uploadForm.querySelector("input[name=title]");
  var list = uploadForm.querySelector("[data-upload-queue]");
  var maxFile = parseInt(uploadForm.getAttribute("data-max-file"), 10);
  var tooBig = uploadForm.getAttribute("data-too-big");
  var csrf = uploadForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  var waiting = [];
  var running = null;

  input.required = false;
  uploadForm.querySelector("[data-upload-button]").hidden = true;
  uploadForm.querySelectorAll(".drop-hint").forEach(function (el) { el.hidden = false; });
  uploadForm.classList.add("live");

  function say(text) {
    var note = document.querySelector("[data-upload-notice]");
    if (!note) {
      note = document.createElement("div");
      note.className = "error";
      note.setAttribute("role", "alert");
      note.setAttribute("data-upload-notice", "");
      (form ? form.querySelector(".actions") : list).before(note);
    }
    note.textContent = text;
  }
  function clearNotice() {
    var note = document.querySelector("[data-upload-notice]");
    if (note) { note.remove(); }
  }

  // As Django's filesizeformat writes it in the file table.
  function sizeText(bytes) {
    if (bytes < 1024) { return bytes + " 字节"; }
    if (bytes < 1024 * 1024) { return (bytes / 1024).toFixed(1) + " KB"; }
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  function makeItem(file, fileTitle) {
    var li = element("li", "upload-item waiting");
    li.appendChild(element("span", "upload-name filename", file.name));
    li.appendChild(element("span", "upload-size muted small", sizeText(file.size)));
    var bar = element("progress", "upload-bar");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "上传进度：" + file.name);
    li.appendChild(bar);
    var state = element("span", "upload-state small", "等待上传");
    li.appendChild(state);
    var cancel = element("button", "link danger upload-cancel", "取消");
    cancel.type = "button";
    li.appendChild(cancel);
    list.appendChild(li);
    var item = { file: file, title: fileTitle, li: li, bar: bar, state: state, cancel: cancel, xhr: null };
    cancel.addEventListener("click", function () { cancelItem(item); });
    return item;
  }

  function finish(item, cls, text) {
    item.li.classList.remove("waiting", "sending");
    item.li.classList.add(cls);
    item.state.textContent = text;
    item.cancel.remove();
    if (cls !== "done") { item.bar.remove(); } else { item.bar.value = 100; }
  }

  function cancelItem(item) {
    if (item.xhr) { item.xhr.abort(); return; } // onabort finishes it
    var at = waiting.indexOf(item);
    if (at >= 0) {
      waiting.splice(at, 1);
      active -= 1;
      finish(item, "refused", "已取消，未上传。");
    }
  }

  function enqueue(files, fileTitle) {
    clearNotice();
    Array.prototype.forEach.call(files, function (file) {
      var item = makeItem(file, fileTitle);
      if (maxFile && file.size > maxFile) {
        finish(item, "refused", tooBig.replace("{name}", file.name));
        return;
      }
      waiting.push(item);
      active += 1;
    });
    next();
  }

  function chooseFiles() {
    if (!input.files.length) { return; }
    // A title names one file; several files are each named after themselves (as on the server).
    enqueue(input.files, input.files.length === 1 ? title.value : "");
    input.value = "";
    title.value = "";
  }

  function setRevision(revision) {
    document.querySelectorAll("#submission-form input[name=revision], #upload-form input[name=revision]")
      .forEach(function (el) { el.value = revision; });
  }

  function addRow(f) {
    var table = document.querySelector("table[data-files]");
    var tr = document.createElement("tr");
    tr.appendChild(element("td", "", f.title));
    tr.appendChild(element("td", "filename", f.name));
    tr.appendChild(element("td", "nowrap", f.size_display));
    tr.appendChild(element("td", "small muted nowrap", f.uploaded));
    var actions = element("td", "nowrap");
    if (f.inline_url) {
      var view = element("a", "", "查看");
      view.href = f.inline_url;
      view.target = "_blank";
      view.rel = "noopener";
      actions.appendChild(view);
      actions.appendChild(document.createTextNode(" · "));
    }
    var download = element("a", "", "下载");
    download.href = f.download_url;
    actions.appendChild(download);
    actions.appendChild(document.createTextNode(" "));
    var remove = element("form", "inline");
    remove.method = "post";
    remove.action = f.remove_url;
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = csrf;
    remove.appendChild(token);
    var button = element("button", "link danger", "移除");
    button.type = "submit";
    button.setAttribute("data-confirm", "确定移除“" + f.name + "”吗？");
    remove.appendChild(button);
    actions.appendChild(remove);
    tr.appendChild(actions);
    table.querySelector("tbody").appendChild(tr);
    table.hidden = false;
    document.querySelectorAll("[data-no-files]").forEach(function (el) { el.hidden = true; });
  }

  function answer(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("application/json") !== 0) { return null; }
    try { return JSON.parse(xhr.responseText); } catch (e) { return null; }
  }

  function next() {
    if (running || !waiting.length) { return; }
    var item = waiting.shift();
    running = item;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("revision", uploadForm.querySelector("input[name=revision]").value);
    data.append("title", item.title || "");
    data.append("file", item.file, item.file.name);
    var xhr = new XMLHttpRequest();
    item.xhr = xhr;
    item.li.classList.remove("waiting");
    item.li.classList.add("sending");
    item.state.textContent = "正在上传 0%";
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var pct = Math.floor((e.loaded / e.total) * 100);
      item.bar.value = pct;
      item.state.textContent = pct >= 100 ? "已传完，正在检查文件…" : "正在上传 " + pct + "%";
    });
    var settle = function (cls, text) {
      item.xhr = null;
      running = null;
      active -= 1;
      finish(item, cls, text);
      if (!active) { clearNotice(); }
      next();
    };
    xhr.addEventListener("load", function () {
      var body = answer(xhr);
      if (!body) {
        settle("refused", "上传失败（登录可能已失效），请保存已填写的内容后刷新页面重试。");
        return;
      }
      (body.files || []).forEach(addRow);
      if (body.files && body.files.length) {
        setRevision(body.revision);
        settle("done", "已上传“" + body.files[0].name + "”。");
      } else {
        settle("refused", (body.errors || []).map(function (e) { return e.message; }).join("；") || "上传失败。");
      }
    });
    xhr.addEventListener("error", function () { settle("refused", "网络中断，“" + item.file.name + "”未上传，请重试。"); });
    xhr.addEventListener("abort", function () { settle("refused", "已取消，未上传。"); });
    xhr.open("POST", uploadForm.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.send(data);
  }

  input.addEventListener("change", chooseFiles);

  // Files dropped anywhere on the page join the queue (and never open in place of the page).
  var hasFiles = function (e) {
    return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0;
  };
  document.addEventListener("dragover", function (e) {
    if (!hasFiles(e)) { return; }
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    document.body.classList.add("dropping");
  });
  document.addEventListener("dragleave", function (e) {
    if (!e.relatedTarget) { document.body.classList.remove("dropping"); }
  });
  document.addEventListener("drop", function (e) {
    if (!hasFiles(e)) { return; }
    e.preventDefault();
    document.body.classList.remove("dropping");
    enqueue(e.dataTransfer.files, "");
  });
})();
