/*
 * A form posted twice (Enter pressed twice or held, a double click) would send the same request twice: once a
 * form is on its way, a further submission of it is stopped and its submit buttons are disabled. The server
 * answers a repeat as it answered the first anyway (the office's version checks, the portal's one-time keys);
 * this spares the second request. Loaded with data-every-post (the office), it guards every form posted to the
 * page itself; without (the portal), only forms marked data-send-once. A submission the
 * browser's own validation stops fires no "submit" event; one another script handles (htmx) is prevented
 * before this listener runs, and left to that script.
 */
(() => {
  "use strict";
  const everyPost = document.currentScript?.hasAttribute("data-every-post") ?? false;
  const SUBMIT_BUTTON = 'button:not([type]), button[type="submit"], input[type="submit"], input[type="image"]';
  const submitButtons = (form) => Array.from(form.elements).filter((element) => element.matches(SUBMIT_BUTTON));

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    // A search (GET) sent twice changes nothing; a form opening another tab leaves this page usable. Read as
    // attributes: a field named "method" (how a result is returned) hides the form's property of that name.
    const method = (form.getAttribute("method") || "get").toLowerCase();
    const target = form.getAttribute("target") || "_self";
    if (method !== "post" || target !== "_self") return;
    if (!everyPost && !form.hasAttribute("data-send-once")) return;
    form.dataset.submitting = "true";
    // Disabled only after this task: the browser has then read the clicked button's name and value (a disabled
    // button sends neither).
    setTimeout(() => {
      for (const button of submitButtons(form)) {
        if (button.disabled) continue;
        button.disabled = true;
        button.dataset.disabledOnSubmit = "true";
      }
    });
  });

  // Back to a page kept in the browser's memory (bfcache): its forms can be sent again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll("form[data-submitting]")) {
      delete form.dataset.submitting;
      for (const button of submitButtons(form)) {
        if (!button.dataset.disabledOnSubmit) continue;
        button.disabled = false;
        delete button.dataset.disabledOnSubmit;
      }
    }
  });
})();
