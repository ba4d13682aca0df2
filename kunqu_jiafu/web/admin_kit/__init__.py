"""The staff admin's shared kit, used by every area's admin (agencies, subsidies, training,
vouchers); it knows no policy area.

- common.py: badges, dates, read-only buttons and inlines, XLSX export, service-backed saves;
- review.py: status changes only through review actions (buttons and bulk actions) driven
  by a transition table, each asking for a reason on its own page;
- forms.py: ServiceForm (validation ends with the service call), ReasonForm;
- exports.py: export-only import-export resources that know who exports;
- reference.py and services.py: reference data saved with an audit entry.

Each area's admin brings its own statuses' badge tones (``status_tones``) and its actions'
button tones (``action_tones``); the templates live under templates/admin/kit/.
"""
