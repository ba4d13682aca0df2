"""Running calls at the same moment in threads, each with its own database connection.

Used by the PostgreSQL concurrency tests to prove that row locks and constraints hold."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection

PAUSE = 0.3


def slowed(monkeypatch, module, name: str, pause: float = PAUSE) -> None:
    """Make ``module.name`` linger after it returns, so concurrent callers overlap."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(pause)
        return result

    monkeypatch.setattr(module, name, slow)


def run_together(*calls: Callable[[], object], timeout: float = 120) -> list[tuple[str, object]]:
    """Start the calls at the same moment in threads; return ("ok", value) or ("error", exc)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, object] | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert all(not t.is_alive() for t in threads), "a thread hung"
    return results


def outcomes(results) -> tuple[list, list]:
    oks = [value for kind, value in results if kind == "ok"]
    errors = [value for kind, value in results if kind == "error"]
    return oks, errors
