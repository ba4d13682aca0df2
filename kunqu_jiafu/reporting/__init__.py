"""The annual statistical report's sections, as data: the core keeps the registry, each app
registers the sections it owns (``<app>/report.py``, registered in its ``AppConfig.ready``),
and ``reports`` lays every registered section out as PDF, XLSX, dashboard and API alike.

A section computes, for one year, its figures (each with its unit, its definition, the
plan's target where there is one and a link to the records behind it), its tables and its
charts, with SQL aggregates in a number of queries that does not depend on the data. The
core knows no app: a new area adds a section by registering it, with no change to the
report code (``registry.sections``)."""
