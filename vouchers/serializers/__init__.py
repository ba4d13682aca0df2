"""API shapes of the voucher area, one module per resource. Serializers check types and
present; services write.

Holders' and applicants' ID numbers are shown through ``Person.id_for`` (full to reviewers and
approvers, masked to agency users and officials). Input serializers hand plain data to a
service, which owns every rule and every message about the domain. Schema component names
all start with ``Voucher`` so they never collide with the other areas'.
"""
