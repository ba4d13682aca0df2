"""The bureau's back office for employment vouchers (促进就业券).

Thin over vouchers.services/selectors, built from the shared admin kit (kunqu_jiafu.web.admin_kit:
review actions with reason pages, XLSX export, service-backed forms, badges): batch.py holds target
groups and batches; progress.py the progress page (应发尽发); participation.py the agencies taking
part; application.py the applications (人员申报); voucher.py the vouchers; records.py home services
and follow-up calls as read-only records; search.py the search by voucher code they share;
settlement.py the monthly statements. vouchers.workflow says which action is offered in which
status.
"""

from . import application, batch, participation, records, settlement, voucher  # noqa: F401  (registers the admins)
