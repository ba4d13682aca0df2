"""The one spreadsheet import pipeline (workers, training rosters, …).

* ``spec``: ``Column`` and ``ImportSpec``, what an app declares about its file.
* ``widgets``: one cell to one value, with the Chinese normalisation (full-width characters,
  是/否, Excel date serials and text dates, ID numbers, phone numbers).
* ``reading``: the .xlsx/.csv upload to rows, header row detection, file-level errors.
* ``template``: the Excel template made from the spec, and its download response.
* ``pipeline``: ``Importer``, the preview and the all-or-nothing bulk write, with the error
  list by row and column; an app's ``imports.py`` subclasses it with its row handlers.
"""
