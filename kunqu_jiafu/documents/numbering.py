"""Gap-free notice numbers: 昆人社家补〔2026〕0001号, 0002号, … per series and year.

``next_number`` locks the series' row and increments it inside the CALLER's transaction, so
the number is given back if that transaction rolls back (an approval that fails after
drawing its number leaves no hole). Two approvals at the same moment queue on the row lock.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.transaction import TransactionManagementError

from .models import NoticeSequence


def next_number(series: str, year: int, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """The next number of ``series`` in ``year`` (1, 2, 3, …), taken under a row lock.

    Must run inside ``transaction.atomic()``: the number belongs to the caller's transaction
    and is only used up when it commits."""
    if not series or len(series) > NoticeSequence._meta.get_field("series").max_length:
        raise ValueError(f"notice series must be 1-50 characters, got {series!r}")
    if not 1900 <= int(year) <= 9999:
        raise ValueError(f"notice year out of range: {year!r}")
    if not transaction.get_connection(using).in_atomic_block:
        raise TransactionManagementError(
            "next_number() must be called inside transaction.atomic(), in the same transaction "
            "that saves the notice, so a rollback gives the number back "
            "（编号必须在保存通知书的同一事务内取得）."
        )
    sequences = NoticeSequence.objects.using(using)
    # INSERT … ON CONFLICT DO NOTHING: the first notice of a year creates the row without
    # racing a concurrent first notice; then everyone queues on the row lock.
    sequences.bulk_create(
        [NoticeSequence(series=series, year=year, last_number=0)], ignore_conflicts=True
    )
    sequence = sequences.select_for_update().get(series=series, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def format_notice_number(prefix: str, year: int, number: int) -> str:
    """``format_notice_number("昆人社家补", 2026, 1)`` → ``"昆人社家补〔2026〕0001号"``.

    The year sits in hexagonal brackets 〔〕 (GB/T 9704), the number has at least four
    digits and ends in 号."""
    if number < 1:
        raise ValueError(f"notice numbers start at 1, got {number!r}")
    return f"{prefix}〔{int(year)}〕{int(number):04d}号"
