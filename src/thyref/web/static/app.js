// thyref: small progressive enhancements (the pages work without JavaScript).
(function () {
  "use strict";

  function fieldId(name) {
    return "f-" + name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  }

  // After a live assessment, show each problem next to its field.
  function applyFieldErrors(panel) {
    var form = document.getElementById("editor-form");
    var data = panel.querySelector("#field-errors");
    if (!form || !data) { return; }
    var errors;
    try { errors = JSON.parse(data.getAttribute("data-errors") || "{}"); } catch (e) { return; }
    form.querySelectorAll(".field-error").forEach(function (slot) { slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    Object.keys(errors).forEach(function (name) {
      if (!name) { return; }
      var id = fieldId(name);
      var slot = document.getElementById("e-" + id);
      if (slot) { slot.textContent = errors[name].join("; "); }
      var input = document.getElementById(id);
      if (input) { input.setAttribute("aria-invalid", "true"); }
    });
    var summary = document.getElementById("error-summary");
    if (summary) { summary.remove(); }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "live-panel") { applyFieldErrors(target); }
  });

  // The live assessment redraws the imaging grid and the iodine scans when a lesion's
  // identifier or role changes, from the form as it was when the assessment left. What
  // was typed there since is kept (the page's values are never older than the server's),
  // and so is the focus: a size typed while a slow answer was on its way was wiped.
  var refocus = null;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var old = event.detail && event.detail.target;
    var fragment = event.detail && event.detail.fragment;
    if (!old || !fragment || (old.id !== "imaging-grid" && old.id !== "scan-rows")) { return; }
    old.querySelectorAll("input[name], select[name]").forEach(function (was) {
      if (was.type === "hidden") { return; }
      var now = fragment.querySelector("[name=\"" + CSS.escape(was.name) + "\"]");
      if (!now || now.tagName !== was.tagName) { return; }
      if (was.type === "checkbox") {
        if (was.checked) { now.setAttribute("checked", ""); } else { now.removeAttribute("checked"); }
      } else if (was.tagName === "SELECT") {
        var option = now.querySelector("option[value=\"" + CSS.escape(was.value) + "\"]");
        if (option) {
          now.querySelectorAll("option").forEach(function (o) { o.removeAttribute("selected"); });
          option.setAttribute("selected", "");
        }
      } else if (now.type === was.type) {
        now.setAttribute("value", was.value);
      }
    });
    var focused = document.activeElement;
    refocus = focused && old.contains(focused) && focused.name ? {
      name: focused.name,
      start: typeof focused.selectionStart === "number" ? focused.selectionStart : null,
      end: typeof focused.selectionEnd === "number" ? focused.selectionEnd : null
    } : null;
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    if (!refocus) { return; }
    var again = document.querySelector("#editor-form [name=\"" + CSS.escape(refocus.name) + "\"]");
    var at = refocus;
    refocus = null;
    if (!again) { return; }
    again.focus();
    if (at.start !== null && typeof again.setSelectionRange === "function") {
      try { again.setSelectionRange(at.start, at.end); } catch (e) { /* not a text field */ }
    }
  });

  // Enter in a field that names a button (data-enter="id") submits its form with that
  // button, as Enter in a form of one field would: the meeting page's question adds its
  // case, though the meeting form's default button records nothing (without JavaScript,
  // Enter there does nothing and the button is clicked).
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || event.isComposing || !(field instanceof HTMLInputElement)) { return; }
    var button = field.dataset.enter ? document.getElementById(field.dataset.enter) : null;
    if (!button || !field.form || button.form !== field.form) { return; }
    event.preventDefault();
    field.form.requestSubmit(button);
  });

  // A page given back where a form posted (the meeting page after "Add" or a decision,
  // with what was typed elsewhere kept) shows the address it stands for, at its item:
  // a reload then asks for the page, not to post again.
  var here = document.querySelector("form[data-location]");
  if (here && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", here.dataset.location);
    var at = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    if (at) { at.scrollIntoView(); }
  }

  // Forms that destroy something ask first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    }
  });
})();
