/*
 * Two helps for a session that ends after a spell without use (core.session_idle):
 * - the timeout warning (cảnh báo sắp hết phiên): a dialog some minutes before the end, with "stay signed
 *   in" (a POST that records a use) and "sign out"; then, at the end, a link to sign in again. Tabs of the
 *   same browser share one session, so they share its end through localStorage. A request that loads no
 *   page (htmx) starts the countdown again from the X-Session-Ends-In header of its answer.
 * - forms marked data-keep-typed keep what was typed in sessionStorage (this tab only) until the server has
 *   saved it, so a save refused because the session ended loses nothing: after signing in again, the page
 *   of the same form at the same saved version puts it back and says so. Signing out forgets it.
 */
(() => {
  "use strict";
  const ENDS_AT = "chinhquyen.session.endsAt";
  const KEPT = "chinhquyen.kept.";

  function forgetKept() {
    for (const key of Object.keys(sessionStorage)) {
      if (key.startsWith(KEPT)) sessionStorage.removeItem(key);
    }
  }

  // --- Keeping what was typed ------------------------------------------------------------
  const SKIPPED_TYPES = new Set(["hidden", "file", "password", "submit", "button", "reset", "image"]);

  function fieldsOf(form) {
    return Array.from(form.elements).filter(
      (el) => el.name && !el.disabled && el.tagName !== "BUTTON" && !SKIPPED_TYPES.has(el.type),
    );
  }

  function snapshot(form) {
    const values = {};
    for (const el of fieldsOf(form)) {
      const list = (values[el.name] ||= []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) list.push(el.value);
      } else if (el.tagName === "SELECT" && el.multiple) {
        list.push(...Array.from(el.selectedOptions, (o) => o.value));
      } else {
        list.push(el.value);
      }
    }
    return values;
  }

  function restore(form, values) {
    let changed = false;
    const seen = {};
    for (const el of fieldsOf(form)) {
      const wanted = values[el.name];
      if (!wanted) continue;
      if (el.type === "checkbox" || el.type === "radio") {
        const checked = wanted.includes(el.value);
        changed ||= el.checked !== checked;
        el.checked = checked;
      } else if (el.tagName === "SELECT" && el.multiple) {
        for (const option of el.options) {
          const selected = wanted.includes(option.value);
          changed ||= option.selected !== selected;
          option.selected = selected;
        }
      } else {
        const index = (seen[el.name] = (seen[el.name] ?? -1) + 1);
        const value = wanted[index] ?? "";
        changed ||= el.value !== value;
        el.value = value;
      }
    }
    return changed;
  }

  function keepTyped(form) {
    const key = KEPT + form.dataset.keepTyped;
    const version = form.dataset.keepVersion || "";
    let kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(key) || "null");
    } catch {
      kept = null;
    }
    // A copy typed against another saved version is out of date: the server has saved since.
    if (kept && kept.version === version && restore(form, kept.values)) {
      const notice = document.querySelector("[data-kept-notice]");
      if (notice) {
        notice.hidden = false;
        notice.querySelector("[data-kept-discard]")?.addEventListener("click", () => {
          sessionStorage.removeItem(key);
          window.location.reload();
        });
      }
    } else {
      sessionStorage.removeItem(key);
    }
    const save = () => sessionStorage.setItem(key, JSON.stringify({ version, values: snapshot(form) }));
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  }

  const keptForms = document.querySelectorAll("form[data-keep-typed]");
  keptForms.forEach(keepTyped);

  document.addEventListener("submit", (event) => {
    if (event.target.matches("form[data-session-sign-out], form[data-clears-kept]")) {
      forgetKept();
      localStorage.removeItem(ENDS_AT);
    }
  });

  // --- The timeout warning -----------------------------------------------------------------
  const dialog = document.getElementById("session-timeout");
  if (!dialog) return;
  const warning = dialog.querySelector('[data-session-state="warning"]');
  const ended = dialog.querySelector('[data-session-state="ended"]');
  const warnMs = Number(dialog.dataset.warnSeconds) * 1000;
  let endsAt = Date.now() + Number(dialog.dataset.seconds) * 1000;
  let timer = 0;
  localStorage.setItem(ENDS_AT, String(endsAt));
  if (keptForms.length) dialog.querySelectorAll("[data-session-kept]").forEach((p) => (p.hidden = false));

  // The dialog is named by the heading of the section shown; the keyboard goes to that section's first control.
  function open(state) {
    const shown = state === "ended" ? ended : warning;
    // Focus in a section about to be hidden would fall to <body>, where a screen reader reads nothing.
    const move = dialog.open || dialog.contains(document.activeElement);
    warning.hidden = shown !== warning;
    ended.hidden = shown !== ended;
    dialog.setAttribute("aria-labelledby", shown.querySelector("h2").id);
    if (!dialog.open) dialog.showModal();
    if (move && !shown.contains(document.activeElement)) {
      shown.querySelector(state === "ended" ? "[data-session-sign-in]" : "[autofocus]").focus();
    }
  }

  function schedule() {
    clearTimeout(timer);
    const now = Date.now();
    if (now >= endsAt) {
      const link = ended.querySelector("[data-session-sign-in]");
      const here = window.location.pathname + window.location.search;
      link.href = dialog.dataset.signInUrl + "?next=" + encodeURIComponent(here);
      open("ended");
      return;
    }
    if (now >= endsAt - warnMs) {
      const at = new Date(endsAt);
      const lang = document.documentElement.lang || undefined;
      warning.querySelector("[data-session-ends]").textContent = at.toLocaleTimeString(lang, {
        hour: "2-digit",
        minute: "2-digit",
      });
      open("warning");
      timer = setTimeout(schedule, endsAt - now);
      return;
    }
    if (dialog.open) dialog.close();
    timer = setTimeout(schedule, endsAt - warnMs - now);
  }

  function endsIn(seconds) {
    endsAt = Date.now() + seconds * 1000;
    localStorage.setItem(ENDS_AT, String(endsAt));
    schedule();
  }

  dialog.querySelector("form[data-session-keep-alive]").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual", // a session already ended is sent to the sign-in page: not "ok"
      headers: { Accept: "application/json" },
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response)))
      .then((body) => (body.seconds ? endsIn(body.seconds) : endsIn(0)))
      .catch(() => endsIn(0));
  });

  // A request that loads no page (htmx) used the session too: the server says how long it now has left.
  document.addEventListener("htmx:afterRequest", (event) => {
    const seconds = event.detail.xhr?.getResponseHeader("X-Session-Ends-In");
    if (seconds) endsIn(Number(seconds));
  });

  // Another tab used the session (or signed out): follow it.
  window.addEventListener("storage", (event) => {
    if (event.key !== ENDS_AT) return;
    endsAt = event.newValue ? Number(event.newValue) : Date.now();
    schedule();
  });
  // Timers of a hidden tab run late; look again when it is shown.
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && schedule());

  // The sign-out's Clear-Site-Data drops the pages the browser kept for Back, but not the one it was sent from
  // (still on screen then): shown again by Back, that page is fetched again, which leads to the sign-in page.
  let signedOutHere = false;
  document.addEventListener("submit", (event) => {
    if (event.target.matches("form[data-session-sign-out]")) signedOutHere = true;
  });
  window.addEventListener("pageshow", (event) => event.persisted && signedOutHere && window.location.reload());
  schedule();
})();
