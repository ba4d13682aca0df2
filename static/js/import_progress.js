// An import job's page while the job runs: ask the server for its progress every second,
// move the bar and the row count, and reload the page once the job has finished (the page
// then shows the outcome). A file, not an inline script: CSP. Without JavaScript the page
// has a refresh link.
(function () {
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");
  var rows = document.getElementById("import-rows");
  var status = document.getElementById("import-status");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (job) {
        if (job.finished) {
          location.reload();
          return;
        }
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        if (status) status.textContent = job.label;
        if (rows && job.rows_total) {
          rows.textContent = job.rows_text;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () {
        setTimeout(poll, 5000);
      });
  }
  setTimeout(poll, 1000);
})();
