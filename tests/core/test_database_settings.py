"""The database connection as the settings make it: on PostgreSQL the JIT compiler is off
(bench/bench_report.py measured it compiling a report query for 265 ms that runs in 28 ms)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_runs_without_the_jit_compiler():
    if connection.vendor != "postgresql":
        pytest.skip("the JIT is PostgreSQL's; CI runs the suite there")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
