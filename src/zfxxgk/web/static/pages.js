// zfxxgk web app: the 在线填报 form's live validation and the 对比 page's "only differences" switch.
// Plain JavaScript, no build step; all text from the server is set with textContent (never as HTML).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // --- 在线填报 ------------------------------------------------------------------------------
  function setupFiling() {
    var form = document.getElementById("filing-form");
    if (!form) return;
    var status = document.getElementById("live-status");
    var counts = document.getElementById("live-counts");
    var list = document.getElementById("live-findings");
    var hint = document.getElementById("render-hint");
    var buttons = form.querySelectorAll(".render-button");
    var timer = null;
    var sequence = 0;

    function formObject() {
      var data = {};
      new FormData(form).forEach(function (value, key) {
        if (key !== "csrf_token" && key !== "fmt" && key !== "payload" && typeof value === "string") data[key] = value;
      });
      return data;
    }

    function fieldBox(name) {
      return form.querySelector('[data-field="' + CSS.escape(name) + '"]');
    }

    function clear() {
      form.querySelectorAll(".field-msgs, .table-msgs").forEach(function (b) { b.textContent = ""; });
      form.querySelectorAll("[data-field]").forEach(function (b) {
        b.classList.remove("sev-error", "sev-warning", "sev-info", "input-error");
        b.removeAttribute("data-problem");
      });
      form.querySelectorAll("input.computed").forEach(function (i) { i.placeholder = "自动"; });
    }

    var rank = { error: 3, warning: 2, info: 1 };

    function mark(name, cls, message) {
      var box = fieldBox(name);
      if (!box) return null;
      if (cls === "input-error") {
        box.classList.add("input-error");
      } else {
        var current = box.getAttribute("data-problem");
        if (!current || rank[cls] > rank[current]) {
          if (current) box.classList.remove("sev-" + current);
          box.classList.add("sev-" + cls);
          box.setAttribute("data-problem", cls);
        }
      }
      var input = box.querySelector("input, textarea");
      if (input && message) input.title = message;
      return box;
    }

    function messageTarget(name) {
      var own = form.querySelector('.field-msgs[data-for="' + CSS.escape(name) + '"]');
      if (own) return own;
      var table = name.split(".")[0];
      return form.querySelector('.table-msgs[data-table="' + CSS.escape(table) + '"]');
    }

    function addMessage(target, cls, text, seen, key) {
      if (!target || seen[key]) return;
      seen[key] = true;
      var p = el("p", "msg " + cls, text);
      p.setAttribute("data-testid", "field-message");
      target.appendChild(p);
    }

    function show(result) {
      clear();
      var seen = {};
      var labels = result.labels || {};
      var sevCn = result.severity_cn || {};
      Object.keys(result.field_errors || {}).forEach(function (name) {
        result.field_errors[name].forEach(function (m) {
          var text = (labels[name] ? labels[name] + "：" : "") + m;
          mark(name, "input-error", text);
          addMessage(messageTarget(name), "input-error", text, seen, name + m);
        });
      });
      var byPrint = {};
      (result.findings || []).forEach(function (f) { byPrint[f.fingerprint] = f; });
      Object.keys(result.field_findings || {}).forEach(function (name) {
        result.field_findings[name].forEach(function (fp) {
          var f = byPrint[fp];
          if (!f) return;
          mark(name, f.severity, f.message);
          if (f.severity !== "info") {
            addMessage(messageTarget(name), "sev-" + f.severity, (sevCn[f.severity] || "") + "：" + f.message, seen, fp + "@" + messageTarget(name));
          }
        });
      });
      Object.keys(result.filled || {}).forEach(function (name) {
        var input = form.querySelector('input[name="' + CSS.escape(name) + '"]');
        if (input) input.placeholder = "自动：" + result.filled[name];
      });
      counts.textContent = "";
      ["error", "warning", "info"].forEach(function (s) {
        var n = (result.counts || {})[s] || 0;
        if (n) counts.appendChild(el("span", "badge sev-" + s, (sevCn[s] || s) + " " + n));
      });
      list.textContent = "";
      var inputErrors = Object.keys(result.field_errors || {}).length;
      if (inputErrors) list.appendChild(el("li", "input-error", inputErrors + " 处填写内容有误（见标红的栏目）。"));
      (result.findings || []).filter(function (f) { return f.severity !== "info"; }).forEach(function (f) {
        var li = el("li", "sev-" + f.severity);
        li.setAttribute("data-testid", "live-finding");
        li.setAttribute("data-rule", f.rule);
        li.appendChild(el("span", "badge sev-" + f.severity, sevCn[f.severity] || f.severity));
        li.appendChild(document.createTextNode(f.message));
        list.appendChild(li);
      });
      buttons.forEach(function (b) { b.disabled = !result.ok; });
      if (result.ok) {
        status.textContent = "没有“错误”级问题，可以生成年报或提交报送。";
        hint.textContent = "警告和提示请核实；它们不阻止生成和提交。提交后年报进入本系统，与上传的报告一样校验和审核。";
      } else {
        status.textContent = "有问题需要改正，暂不能生成年报，也不能提交。";
        hint.textContent = "有“错误”级问题或填写有误时不能生成，也不能提交报送。";
      }
      form.setAttribute("data-validated", String(sequence));
      form.setAttribute("data-ok", result.ok ? "1" : "0");
    }

    function validate() {
      var mine = ++sequence;
      status.textContent = "正在校验……";
      fetch("/filing/validate", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify(formObject())
      }).then(function (response) {
        if (mine !== sequence) return null;
        if (response.status === 403) { status.textContent = "页面已过期，请刷新页面后重试。"; return null; }
        if (!response.ok) { status.textContent = "校验失败（" + response.status + "），请稍后重试。"; return null; }
        return response.json();
      }).then(function (result) {
        if (result && mine === sequence) show(result);
      }).catch(function () {
        if (mine === sequence) status.textContent = "网络错误，暂时无法校验。";
      });
    }

    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(validate, 350);
    });
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-ok") === "0") {
        event.preventDefault();
        status.textContent = "有“错误”级问题，不能生成年报，也不能提交：请先改正。";
        return;
      }
      // The form has more fields than a form post may carry: send them as one JSON field instead.
      var payload = form.querySelector('input[name="payload"]');
      if (!payload) {
        payload = el("input");
        payload.type = "hidden";
        payload.name = "payload";
        form.appendChild(payload);
      }
      payload.value = JSON.stringify(formObject());
      var fields = form.querySelectorAll("input[name]:not([type=hidden]), textarea[name]");
      fields.forEach(function (f) { f.disabled = true; });
      setTimeout(function () { fields.forEach(function (f) { f.disabled = false; }); }, 0);
    });
    validate();
  }

  // --- 对比 --------------------------------------------------------------------------------
  function setupCompare() {
    var box = document.getElementById("only-different");
    var table = document.getElementById("unit-cells");
    if (!box || !table) return;
    box.addEventListener("change", function () {
      table.classList.toggle("only-different", box.checked);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupFiling();
    setupCompare();
  });
})();
