"""How pages write figures, moments and shares: one place for every area."""

from __future__ import annotations

from django.utils import timezone


def figure(value) -> str:
    """``1000000`` → ``1,000,000.00``; ``—`` for no value."""
    return "—" if value is None else f"{value:,.2f}"


def local_time(value) -> str:
    """A moment in local time, to the minute; ``—`` for none."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def short_date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def month_label(value) -> str:
    return value.strftime("%Y-%m") if value else "—"


def percent_of(part, whole, *, places: int = 2, at_most: float | None = 100.0) -> float:
    """Share of ``whole`` in per cent, rounded to ``places`` (1 of 5,000 is 0.02 to two
    places, not 0.0); at most ``at_most`` so bars never overflow; 0 when there is no whole."""
    if not whole:
        return 0.0
    share = round(float(part) * 100 / float(whole), places)
    return share if at_most is None else min(share, at_most)
