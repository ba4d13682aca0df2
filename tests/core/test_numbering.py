"""Notice numbers: 昆人社家补〔2026〕0001号, gap-free per series and year, given back on rollback."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from kunqu_jiafu.documents.models import NoticeSequence
from kunqu_jiafu.documents.numbering import format_notice_number, next_number

SERIES = "昆人社家补"


def test_format_notice_number_puts_the_year_in_hexagonal_brackets_and_pads_to_four_digits():
    assert format_notice_number(SERIES, 2026, 1) == "昆人社家补〔2026〕0001号"
    assert format_notice_number(SERIES, 2026, 123) == "昆人社家补〔2026〕0123号"
    assert format_notice_number(SERIES, 2027, 12345) == "昆人社家补〔2027〕12345号"


def test_format_notice_number_refuses_number_zero():
    with pytest.raises(ValueError):
        format_notice_number(SERIES, 2026, 0)


def test_numbers_count_from_one_per_series_and_year(db):
    # The db fixture runs the test inside a transaction, as a service would.
    assert [next_number(SERIES, 2026) for _ in range(3)] == [1, 2, 3]
    assert next_number(SERIES, 2027) == 1
    assert next_number("昆人社家不予", 2026) == 1
    assert next_number(SERIES, 2026) == 4
    rows = {(s.series, s.year): s.last_number for s in NoticeSequence.objects.all()}
    assert rows == {(SERIES, 2026): 4, (SERIES, 2027): 1, ("昆人社家不予", 2026): 1}


def test_next_number_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(TransactionManagementError, match="transaction.atomic"):
        next_number(SERIES, 2026)
    assert not NoticeSequence.objects.exists()


def test_a_rolled_back_approval_gives_its_number_back(transactional_db):
    with transaction.atomic():
        assert next_number(SERIES, 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(SERIES, 2026) == 2
        raise RuntimeError("the approval failed after drawing its number")
    with transaction.atomic():
        assert next_number(SERIES, 2026) == 2
    assert NoticeSequence.objects.get(series=SERIES, year=2026).last_number == 2


@pytest.mark.parametrize("series", ["", "x" * 51])
def test_next_number_refuses_a_bad_series(db, series):
    with pytest.raises(ValueError):
        next_number(series, 2026)


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL (row locks between concurrent transactions)",
)
def test_concurrent_allocations_with_rollbacks_leave_a_gap_free_sequence(transactional_db):
    """2 threads x 25 allocations, each in its own transaction on its own connection; every
    third one rolls back after holding its number for a moment. The committed numbers are
    exactly 1..N, and numbers that were rolled back were handed out again."""
    per_thread = 25
    barrier = threading.Barrier(2)
    committed: list[int] = []
    rolled_back: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    class Rollback(Exception):
        pass

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        try:
            barrier.wait(timeout=10)
            for i in range(per_thread):
                try:
                    with transaction.atomic():
                        number = next_number(SERIES, 2026)
                        time.sleep(rng.uniform(0.001, 0.01))  # hold the lock: the other waits
                        if i % 3 == 2:
                            raise Rollback
                except Rollback:
                    with lock:
                        rolled_back.append(number)
                else:
                    with lock:
                        committed.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors

    assert len(committed) + len(rolled_back) == 2 * per_thread
    assert sorted(committed) == list(range(1, len(committed) + 1))
    assert NoticeSequence.objects.get(series=SERIES, year=2026).last_number == len(committed)
    # Every rolled-back number below the last one was given to a committed notice after all.
    assert {n for n in rolled_back if n <= len(committed)} <= set(committed)
    assert rolled_back, "no allocation was rolled back; the test proves nothing"
