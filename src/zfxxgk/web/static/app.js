// zfxxgk web app: upload progress, locating findings in the source, the CSRF header for scripts.
// Plain JavaScript, no build step, no network beyond this site.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // fetch() that sends the CSRF header (for scripts that write through /api/ with the session).
  window.zfxxgkFetch = function (url, options) {
    options = options || {};
    options.headers = Object.assign({ "X-CSRF-Token": csrfToken() }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options);
  };

  // --- upload with a progress bar ---------------------------------------------------------
  function setupUpload() {
    var form = document.getElementById("upload-form");
    if (!form || !window.XMLHttpRequest || !window.FormData) return;
    var box = document.getElementById("upload-progress");
    var bar = document.getElementById("upload-bar");
    var status = document.getElementById("upload-status");
    var results = document.getElementById("upload-results");
    var button = form.querySelector('button[type="submit"]');
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", csrfToken());
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      box.hidden = false;
      bar.value = 0;
      bar.removeAttribute("data-done");
      status.textContent = "正在上传……";
      button.disabled = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round((e.loaded / e.total) * 100);
          bar.value = pct;
          status.textContent = "正在上传 " + pct + "%";
        }
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        status.textContent = "上传完成，正在解析和校验，请稍候……";
      });
      xhr.addEventListener("load", function () {
        button.disabled = false;
        bar.setAttribute("data-done", "1");
        if (xhr.status === 200 || xhr.status === 400) {
          results.innerHTML = xhr.responseText; // server-rendered and escaped
          status.textContent = xhr.status === 200 ? "完成。" : "请检查后重试。";
          form.reset();
        } else if (xhr.status === 413) {
          status.textContent = "上传的文件总大小超过上限，请分批上传。";
        } else if (xhr.status === 403) {
          status.textContent = "页面已过期，请刷新页面后重试。";
        } else if (xhr.status === 401 || xhr.status === 303) {
          status.textContent = "登录已失效，请重新登录。";
        } else {
          status.textContent = "上传失败（" + xhr.status + "），请稍后重试。";
        }
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        status.textContent = "网络错误，上传未完成。";
      });
      xhr.send(new FormData(form));
    });
  }

  // --- report page: findings ↔ source lines ↔ cells ---------------------------------------
  function parseRanges(text) {
    var lines = [];
    (text || "").split(",").forEach(function (part) {
      if (!part) return;
      var bounds = part.split("-").map(Number);
      var end = bounds.length > 1 ? bounds[1] : bounds[0];
      for (var n = bounds[0]; n <= end; n++) lines.push(n);
    });
    return lines;
  }

  function clearHighlights() {
    document.querySelectorAll(".highlight").forEach(function (el) { el.classList.remove("highlight"); });
    document.querySelectorAll(".finding.active").forEach(function (el) { el.classList.remove("active"); });
  }

  function scrollSource(line) {
    var el = document.getElementById("L" + line);
    var box = document.querySelector(".source-lines");
    if (!el || !box) return;
    box.scrollTop = el.offsetTop - box.offsetTop - box.clientHeight / 3;
  }

  function highlight(lines, cells, scrollToCell) {
    clearHighlights();
    lines.forEach(function (n) {
      var el = document.getElementById("L" + n);
      if (el) el.classList.add("highlight");
    });
    var first = null;
    cells.forEach(function (id) {
      document.querySelectorAll('td[data-cell="' + CSS.escape(id) + '"]').forEach(function (td) {
        td.classList.add("highlight");
        if (!first) first = td;
      });
    });
    if (lines.length) scrollSource(lines[0]);
    if (scrollToCell && first) first.scrollIntoView({ block: "center", behavior: "smooth" });
    if (first) showOnPage(first.getAttribute("data-locator"));
  }

  // The page view of a PDF or scanned report: the cell's page, and its box on it (a text-layer PDF)
  var LOCATOR = /^(pdf|ocr|ofd):第(\d+)页(?:\[(-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)\])?/;

  function showPage(view, n) {
    var sizes = JSON.parse(view.getAttribute("data-sizes"));
    if (!(n >= 1 && n <= sizes.length)) return false;
    var img = view.querySelector("img");
    var current = view.querySelector(".page-current");
    if (Number(current.textContent) !== n) {
      img.src = "/reports/" + view.getAttribute("data-report") + "/pages/" + n;
      img.alt = "原文第 " + n + " 页";
      current.textContent = String(n);
      view.querySelector(".cell-box").hidden = true;
    }
    return true;
  }

  function showOnPage(locator) {
    var view = document.getElementById("page-view");
    var m = LOCATOR.exec(locator || "");
    if (!view || !m) return;
    var n = Number(m[2]);
    if (!showPage(view, n)) return;
    var box = view.querySelector(".cell-box");
    if (m[3] === undefined) {
      box.hidden = true;
      return;
    }
    var size = JSON.parse(view.getAttribute("data-sizes"))[n - 1];
    var x0 = Number(m[3]), y0 = Number(m[4]), x1 = Number(m[5]), y1 = Number(m[6]), pad = 3;
    box.style.left = ((x0 - pad) / size[0] * 100) + "%";
    box.style.top = ((size[1] - y1 - pad) / size[1] * 100) + "%";
    box.style.width = ((x1 - x0 + 2 * pad) / size[0] * 100) + "%";
    box.style.height = ((y1 - y0 + 2 * pad) / size[1] * 100) + "%";
    box.hidden = false;
    var frame = view.querySelector(".page-frame");
    frame.scrollTop = box.offsetTop - frame.clientHeight / 3;
  }

  function setupPageView() {
    var view = document.getElementById("page-view");
    if (!view) return;
    view.addEventListener("click", function (event) {
      var step = event.target.closest("[data-page-step]");
      if (!step) return;
      showPage(view, Number(view.querySelector(".page-current").textContent) + Number(step.getAttribute("data-page-step")));
    });
  }

  function locateFinding(finding, scrollToCell) {
    var cells = (finding.getAttribute("data-cells") || "").split(" ").filter(Boolean);
    highlight(parseRanges(finding.getAttribute("data-lines")), cells, scrollToCell);
    finding.classList.add("active");
  }

  // 更正单元格: while the form is open, a click on a table cell goes to that cell's new-value field
  function focusCorrection(cellId) {
    var box = document.getElementById("correct");
    if (!box || !box.open) return;
    var row = box.querySelector('tr[data-correct-cell="' + CSS.escape(cellId) + '"]');
    if (!row) return;
    row.hidden = false;
    var input = row.querySelector("input");
    if (input) input.focus();
    row.scrollIntoView({ block: "center" });
  }

  function setupCorrection() {
    var box = document.getElementById("correct");
    var filter = box && box.querySelector("[data-testid=correct-filter]");
    if (!filter) return;
    filter.addEventListener("input", function () {
      var words = filter.value.trim().split(/\s+/).filter(Boolean);
      box.querySelectorAll("tr[data-correct-cell]").forEach(function (tr) {
        var label = tr.getAttribute("data-label") + " " + tr.getAttribute("data-correct-cell");
        tr.hidden = !words.every(function (w) { return label.indexOf(w) >= 0; });
      });
    });
  }

  // Searchable pickers: a long <select data-filter="…"> (units, regions) gets a filter box before it;
  // typing keeps the matching options (every word, in any order) and selects the first of them.
  function setupPickers() {
    document.querySelectorAll("select[data-filter]").forEach(function (select) {
      var input = document.createElement("input");
      input.type = "search";
      input.className = "picker-filter";
      input.placeholder = select.getAttribute("data-filter");
      input.setAttribute("aria-label", select.getAttribute("data-filter"));
      input.setAttribute("autocomplete", "off");
      var testid = select.getAttribute("data-testid");
      if (testid) input.setAttribute("data-testid", testid + "-filter");
      var count = document.createElement("span");
      count.className = "picker-count muted";
      count.setAttribute("aria-live", "polite");
      select.parentNode.insertBefore(input, select);
      select.parentNode.insertBefore(count, select.nextSibling);
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault(); // choosing, not submitting yet
      });
      input.addEventListener("input", function () {
        var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        var first = null;
        var shown = 0;
        Array.prototype.forEach.call(select.options, function (o) {
          var text = o.text.toLowerCase();
          var match = !o.value || words.every(function (w) { return text.indexOf(w) >= 0; });
          o.hidden = !match;
          if (match && o.value) {
            shown += 1;
            if (!first) first = o;
          }
        });
        var current = select.options[select.selectedIndex];
        if (words.length && first && (!current || current.hidden || !current.value)) {
          select.value = first.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
        count.textContent = words.length ? (shown ? "匹配 " + shown + " 个" : "没有匹配的") : "";
      });
    });
  }

  function setupReport() {
    if (!document.querySelector("[data-testid=source-panel]")) return;
    var wrap = document.getElementById("wrap-toggle");
    var box = document.querySelector(".source-lines");
    if (wrap && box) {
      wrap.addEventListener("change", function () { box.classList.toggle("wrap", wrap.checked); });
    }
    document.addEventListener("click", function (event) {
      var locate = event.target.closest(".locate");
      if (locate) {
        locateFinding(locate.closest(".finding"), true);
        return;
      }
      var td = event.target.closest("td[data-cell]");
      if (td) {
        var info = document.getElementById("cell-info");
        if (info) {
          info.textContent = td.getAttribute("title"); // label, state, source text and position
          info.hidden = false;
        }
        var line = td.getAttribute("data-line");
        highlight(line ? [Number(line)] : [], [td.getAttribute("data-cell")], false);
        focusCorrection(td.getAttribute("data-cell"));
        return;
      }
      var goto = event.target.closest("[data-goto-cell]");
      if (goto) {
        event.preventDefault();
        var cell = document.querySelector('td[data-cell="' + CSS.escape(goto.getAttribute("data-goto-cell")) + '"]');
        if (cell) {
          var l = cell.getAttribute("data-line");
          highlight(l ? [Number(l)] : [], [goto.getAttribute("data-goto-cell")], true);
        }
      }
    });
    document.addEventListener("keydown", function (event) {
      var td = event.target.closest && event.target.closest("td[data-cell]");
      if (td && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        td.click();
      }
    });
    // arriving at #f-<fingerprint> (after saving a review decision): show that finding
    if (location.hash.indexOf("#f-") === 0) {
      var f = document.getElementById(location.hash.slice(1));
      if (f) locateFinding(f, false);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupUpload();
    setupReport();
    setupCorrection();
    setupPickers();
    setupPageView();
  });
})();
