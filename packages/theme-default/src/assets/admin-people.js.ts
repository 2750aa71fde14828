/**
 * The copy button of the admin people pages, served as the `admin-people.js` asset: a freshly created share-link
 * URL or API-token secret is shown once in a read-only field; this script reveals the button next to it and
 * copies the value with the Clipboard API (selecting the text when that is refused). Without it the value can
 * still be selected by hand. No inline style or script (CSP).
 */
export const adminPeopleJs = `"use strict";
(function () {
  var buttons = document.querySelectorAll("button[data-copy-target]");
  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() {
        button.textContent = button.getAttribute("data-copied") || label;
        setTimeout(function () {
          button.textContent = label;
        }, 2000);
      }
      source.focus();
      source.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(source.value).then(done, function () {});
      }
    });
  });
})();
`;
