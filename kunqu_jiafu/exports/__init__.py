"""XLSX exports (工作台账) and the background export jobs of big ones.

* ``registry``: every XLSX export is an ``Exporter`` registered under a dotted key
  (``agencies.worker``); the admin's list exports register themselves
  (``kunqu_jiafu.web.admin_kit.common.ExportXlsxMixin``).
* ``writing``: an exporter's rows for one user and query string as a typed XLSX, in chunks.
* ``jobs``: ``export_or_queue`` answers a small export at once and turns one of more than
  ``EXPORT_BACKGROUND_ROWS`` rows into an ``ExportJob`` run by ``tasks.run_export_job``.
* ``views``: the job's page (progress bar), its status, its download, retry, the user's list.
"""
