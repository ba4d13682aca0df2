// A <select data-autosubmit> sends its form as soon as another option is chosen (a file, not
// an inline onchange handler: CSP). Without JavaScript the form's own button does it.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
});
