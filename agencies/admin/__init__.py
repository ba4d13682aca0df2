"""The bureau's back office for the agencies area.

Thin over services/selectors: lists read through the selectors, every write goes through
a service. One module per model (agency, worker, recognition, filing, reference, standing,
survey: the statistical survey's forms and returns) plus
the area's pieces: common.py (badge and button tones), forms.py (service-backed forms),
filters.py and exports.py (XLSX; the survey's in survey_exports.py). The machinery every area's admin shares (XLSX export, review
actions with reasons, service-backed saves, reference data) is kunqu_jiafu.web.admin_kit.
"""

from . import (  # noqa: F401  (registers the admins)
    agency,
    filing,
    recognition,
    reference,
    standing,
    survey,
    worker,
)
