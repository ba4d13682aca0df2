"""The OpenAPI schema is the same file whichever process writes it: nothing in its generation
may follow a set's order, which changes with PYTHONHASHSEED (the error responses the schema
hook adds were once listed in set order, so every run wrote a different file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from kunqu_jiafu.drf import document_errors

ROOT = Path(settings.BASE_DIR)


def _schema_written_with_hash_seed(seed: str, target: Path) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return target.read_text(encoding="utf-8")


def test_the_schema_is_identical_in_processes_with_different_hash_seeds(tmp_path):
    first = _schema_written_with_hash_seed("1", tmp_path / "first.yaml")
    second = _schema_written_with_hash_seed("2", tmp_path / "second.yaml")

    assert "'404':" in first and "'403':" in first  # the hook's error responses are there
    assert first == second


def test_the_error_responses_added_to_an_operation_come_in_code_order():
    operation = {
        "parameters": [{"name": "status", "in": "query"}],
        "requestBody": {"content": {"multipart/form-data": {}}},
        "responses": {"200": {"description": "ok"}},
    }
    result = {"paths": {"/api/things/{id}/": {"post": operation}}}

    document_errors(result, None, None, True)

    assert list(operation["responses"]) == ["200", "400", "403", "404", "415"]
