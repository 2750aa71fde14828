/**
 * The account script, served as the `account.js` asset and loaded only by the reset-password page: it copies
 * the reset code from the URL fragment (`#token=…`, which browsers never send to servers) into the form and
 * removes it from the address bar. Without it the code is pasted by hand.
 */
export const accountJs = `"use strict";
(function () {
  var field = document.querySelector("input[data-fragment-token]");
  var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!field || !match) return;
  field.value = decodeURIComponent(match[1]);
  history.replaceState(null, "", location.pathname + location.search);
  var next = document.getElementById("reset-password");
  if (next) next.focus();
})();
`;
