"""The bureau's back office for subsidy claims.

Thin over subsidies.services/selectors, built from the shared admin kit (kunqu_jiafu.web.admin_kit:
review actions with reason pages, XLSX export, service-backed forms, badges): claim.py is
the review queue, claim_page.py the claim's read-only page, figures.py the yuan texts and fund
bars they share, catalogue.py the claim types, special funds and notices, forms.py the
action and service forms, exports.py the ledger (台账).
"""

from . import catalogue, changes, claim, exemption  # noqa: F401  (registers the admins)
