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
