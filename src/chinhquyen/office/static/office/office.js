/*
 * A page shown again after a refused submission takes the keyboard where the officer has to act: the first
 * field in error (its label and error are read out with it), else the message saying why the action was
 * refused. Nothing moves when something already has the focus (autofocus, or the officer was quicker).
 */
(() => {
  "use strict";
  const focusWhereToAct = () => {
    const main = document.getElementById("main");
    if (!main || (document.activeElement && document.activeElement !== document.body)) return;
    const invalid = main.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
      return;
    }
    const refusal = main.querySelector('.alert-error[role="alert"]');
    if (refusal) {
      refusal.tabIndex = -1;
      refusal.focus();
    }
  };
  focusWhereToAct();
  // An htmx answer that replaced the part holding the focus (a refused search) is a page shown again too.
  document.body.addEventListener("htmx:afterSettle", focusWhereToAct);
})();
