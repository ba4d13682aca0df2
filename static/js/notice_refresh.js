// A page with a notice whose PDF is still being made reloads itself every few seconds until
// the link is there, unless the user has started typing in a form on it. Included once per
// pending notice: the flag makes it run once per page. (A file, not an inline script: CSP.)
(function () {
  if (window.kjNoticeRefresh) return;
  window.kjNoticeRefresh = 1;
  var typed = false;
  document.addEventListener("input", function () {
    typed = true;
  });
  setTimeout(function () {
    if (!typed) location.reload();
  }, 5000);
})();
