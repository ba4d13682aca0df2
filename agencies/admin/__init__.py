"""The bureau's back office for the agencies area.

Thin over services/selectors: lists read through the selectors, every write goes through
a service. One module per model (agency, worker, recognition, filing, reference, standing) plus the
shared pieces: common.py, forms.py (service-backed forms), review.py (status changes only
through review actions with reasons), filters.py and exports.py (XLSX).
"""

from . import (  # noqa: F401  (registers the admins)
    agency,
    filing,
    recognition,
    reference,
    standing,
    worker,
)
