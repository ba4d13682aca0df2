"""The agency portal: thin views over services, selectors and permissions, one module per
concept (access, agency, workers, filing). ``agency_member`` is re-exported for the other
apps' portals."""

from __future__ import annotations

from .access import agency_member

__all__ = ["agency_member"]
