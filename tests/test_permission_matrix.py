"""The permission matrix: every URL of the portal, the admin and the API, for every actor.

How to read it. ``MATRIX`` has one row per concrete URL: the URL pattern's name (its key),
the URL filled with objects that all belong to agency A, then what each actor gets, in the
order of ``ACTORS`` (tests/url_matrix.py). ``WRITES`` does the same for requests that would
change something, sent by the actors who must not make them; after each one the database
is exactly as before, and the same request from someone who may (``by``) does change it.
``STAFF_WRITES`` does it for bureau staff taking a claim's step that subsidies/workflow.py
gives to another role, or that the four eyes forbid them.

Outcomes:
  OK           200
  LOGIN        302 to the portal login (/accounts/login/?next=...)
  ADMIN_LOGIN  302 to the admin login (/admin/login/?next=...)
  DENIED       403 (the API also answers 403 to anonymous requests: session auth comes first)
  NOT_FOUND    404 (another agency's object looks exactly like a missing one)
  NOT_ALLOWED  405 (the method is not offered, to anyone)
  BAD_REQUEST  400 (in WRITES: refused by a rule, with the field and the reason)
  TO_HOME, TO_PORTAL, TO_APPLY, TO_ADMIN, GOES(url)   302 to that page, in the same area
  TO_LOOKUP, TO_VOUCHER_APPLY   302 to the residents' voucher look-up or application page
  TO_CLAIM(c), TO_REVIEW(c)   302 back to claim c's portal or admin page, nothing done
  TO_VOUCHER_ADMIN(m, o)   302 back to voucher object o's admin page (model m), nothing done

Rules the table holds: anonymous never gets data; agency_a reaches its own pages and
objects; agency_b (and a signed-up applicant) gets 404 on A's objects in the portal and the
API and never enters the admin; reviewer and approver work in the admin; official reads the
admin and the API but writes nothing; an agency fills in and submits its own claims, a
reviewer does the first review, a different approver decides, and neither fills in a claim;
no page given to anonymous, applicant or agency_b shows A's name, credit code or workers,
nor the holders or application numbers of A's employment vouchers, whatever its status
(what an actor sent itself, shown again on a refused form, is no secret to it). Employment
vouchers: anyone applies; an application's status, voucher and choice of agency open only in
the browser that unlocked it with the number and the ID number (a "holder" session, used for
proofs and HOLDER_GETS, not a column); an agency redeems and reads the vouchers whose holders
chose it and its own statements; reviewers and approvers decide, issue, void, verify and draw
up statements; a statement's payment is recorded by an approver who did not draw it up.

A new URL pattern fails ``test_every_url_pattern_is_in_the_matrix`` until it gets rows here
(or a line in ``EXCLUDED`` saying why it needs none).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from unittest import mock

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files import File
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve

from tests import factories
from tests.url_matrix import (
    A_NAME,
    A_WORKER_NAME,
    ACTORS,
    ADMINISTRATORS,
    HOLDER_NAME,
    build_world,
    fingerprint,
    holder_session,
    html_pdf,
    pdf_upload,
    png_upload,
    roster_upload,
    url_patterns,
)

# --- outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int
    location: str = ""  # a redirect's target starts with this (a template, like the URLs)

    def __str__(self) -> str:
        return f"{self.status} {self.location}".strip()


def GOES(url: str) -> Outcome:  # capitalised: reads as a table entry
    return Outcome(302, url)


def TO_CLAIM(claim: str) -> Outcome:
    """Back to the claim's portal page (with a message saying why nothing was done)."""
    return GOES(f"/portal/claims/{{{claim}.pk}}/")


def TO_REVIEW(claim: str) -> Outcome:
    """Back to the claim's admin page: the action is not this user's (workflow.py), or the
    four eyes forbid it; the page says which."""
    return GOES(f"/admin/subsidies/claim/{{{claim}.pk}}/change/")


def TO_VOUCHER_ADMIN(model: str, obj: str) -> Outcome:
    """Back to the object's voucher admin page: the action does not fit its status, is not
    this user's, or the four eyes forbid it; the page says which."""
    return GOES(f"/admin/vouchers/{model}/{{{obj}.pk}}/change/")


OK = Outcome(200)
BAD_REQUEST = Outcome(400)
DENIED = Outcome(403)
NOT_FOUND = Outcome(404)
NOT_ALLOWED = Outcome(405)
LOGIN = GOES("/accounts/login/?next=")
ADMIN_LOGIN = GOES("/admin/login/?next=")
TO_HOME = GOES("/")
TO_PORTAL = GOES("/portal/")
TO_APPLY = GOES("/portal/apply/")
TO_ADMIN = GOES("/admin/")
TO_LOOKUP = GOES("/vouchers/status/")  # the residents' status look-up, nothing unlocked
TO_VOUCHER_APPLY = GOES("/vouchers/apply/")
SKIP = None  # in WRITES: this actor may do it (to its own agency), so it is not tried

# Shorthands for runs of columns.
NO_ADMIN = (ADMIN_LOGIN,) * 4  # anonymous, applicant, agency_a, agency_b
STAFF_OK = (OK,) * 4  # reviewer, approver, official, superuser
STAFF_DENIED = (DENIED,) * 4
# Files (evidence, licences, notices): 统计查询 see figures and masked records, never a file.
STAFF_FILES = (OK, OK, NOT_FOUND, OK)
STAFF_TO_ADMIN = (TO_ADMIN,) * 4
SUPERUSER_ONLY = (DENIED, DENIED, DENIED, OK)
REVIEWERS_ONLY = (OK, OK, DENIED, OK)  # reviewer and approver act; official only reads
DATA_ENTRY = (OK, DENIED, DENIED, OK)  # reviewers add workers and grant recognitions
APPROVERS_ONLY = (DENIED, OK, DENIED, OK)


def DECIDERS(model_path: str, obj: str) -> tuple[Outcome, ...]:
    """A decision's page: reviewer and approver act, official may not; the superuser, who
    holds no business role, is sent back to the object's page with nothing offered."""
    return (
        OK,
        OK,
        DENIED,
        GOES(f"/admin/{model_path}/{{{obj}.pk}}/change/"),
    )  # budgets and rates: not 业务经办, who review claims


EVERYONE_405 = (NOT_ALLOWED,) * 8
EVERYONE_OK = (OK,) * 8
# API parts for bureau staff and officials only: anonymous, applicant and agencies get 403.
STAFF_API = (DENIED,) * 4 + STAFF_OK
# A POST-only action of a staff-only API part: outsiders 403, staff 405.
STAFF_API_405 = (DENIED,) * 4 + (NOT_ALLOWED,) * 4
# A POST-only action of an API part open to every account: anonymous 403, the rest 405.
API_405 = (DENIED,) + (NOT_ALLOWED,) * 7


@dataclass(frozen=True)
class Row:
    key: str
    url: str  # filled from the world: {org_a.pk}, {users[agency_a].pk}, ...
    expected: tuple[Outcome, ...]


def R(key: str, url: str, *expected: Outcome) -> Row:
    assert len(expected) == len(ACTORS), f"{key} {url}: one outcome per actor in {ACTORS}"
    return Row(key, url, expected)


def admin_model(app_model: str, obj: str, *, view, add, change, history, delete) -> list[Row]:
    """The pages of one ModelAdmin; the staff columns are given, outsiders get the login.
    The bare object URL redirects staff to the change page whatever their permissions."""
    base = f"/admin/{app_model.replace('_', '/', 1)}/"
    name = f"admin:{app_model}"
    return [
        R(f"{name}_changelist", base, *NO_ADMIN, *view),
        R(f"{name}_add", f"{base}add/", *NO_ADMIN, *add),
        R(f"{name}_change", f"{base}{obj}/change/", *NO_ADMIN, *change),
        R(f"{name}_history", f"{base}{obj}/history/", *NO_ADMIN, *history),
        R(f"{name}_delete", f"{base}{obj}/delete/", *NO_ADMIN, *delete),
        R(
            f"{base}<path:object_id>/",
            f"{base}{obj}/",
            *NO_ADMIN,
            *(GOES(f"{base}{obj}/change/"),) * 4,
        ),
    ]


# fmt: off
MATRIX: list[Row] = [
    # key                        url                                      anonymous    applicant    agency_a     agency_b     reviewer     approver     official     superuser
    # --- site ---------------------------------------------------------------------------------
    R("home",                    "/",                                     OK,          TO_APPLY,    TO_PORTAL,   TO_PORTAL,   *STAFF_TO_ADMIN),
    R("healthz",                 "/healthz",                              OK,          OK,          OK,          OK,          *STAFF_OK),
    R("login",                   "/accounts/login/",                      OK,          TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME),
    R("logout",                  "/accounts/logout/",                     *EVERYONE_405),  # logging out takes a POST
    R("password_change",         "/accounts/password/change/",            LOGIN,       OK,          OK,          OK,          *STAFF_OK),
    R("password_reset",          "/accounts/password/reset/",             *EVERYONE_OK),  # staff get no mail, silently
    R("password_reset_done",     "/accounts/password/reset/sent/",        *EVERYONE_OK),
    R("password_reset_confirm",  "/accounts/password/reset/MQ/not-a-token/", *EVERYONE_OK),  # "this link is not valid"
    R("password_reset_complete", "/accounts/password/reset/complete/",    *EVERYONE_OK),
    R("id_search",               "/search/",                              *EVERYONE_405),  # search boxes POST (an ID number becomes a token)
    R("second_factor:verify",   "/accounts/second-factor/",              LOGIN,       TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME),  # staff: verified already
    R("second_factor:enrol",    "/accounts/second-factor/enrol/",        LOGIN,       TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME),
    R("notifications",           "/notifications/",                       LOGIN,       OK,          OK,          OK,          *STAFF_OK),
    R("documents:download",      "/files/{licence.uuid}/",                LOGIN,       NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_FILES),
    R("documents:download",      "/files/{attachment_a.document.uuid}/",  LOGIN,       NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_FILES),
    R("documents:download",      "/files/{notice_a.document.uuid}/",      LOGIN,       NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_FILES),
    R("verify",                  "/verify/",                              OK,          OK,          OK,          OK,          *STAFF_OK),  # public check of a document's code
    R("imports:job",             "/imports/{import_job_a.pk}/",           LOGIN,       NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),  # the agency's own and staff
    R("imports:job_status",      "/imports/{import_job_a.pk}/status.json", LOGIN,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    # --- statistical reports: bureau staff and officials see and produce them ----------------
    R("reports:index",           "/reports/",                             LOGIN,       DENIED,      DENIED,      DENIED,      *STAFF_OK),
    R("reports:index",           "/reports/?year=<script>&page=-1",       LOGIN,       DENIED,      DENIED,      DENIED,      *STAFF_OK),
    R("reports:request",         "/reports/runs/",                        LOGIN,       NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),  # asking takes a POST
    R("reports:run",             "/reports/runs/{report_run.pk}/",        LOGIN,       NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   *STAFF_OK),
    R("reports:run_status",      "/reports/runs/{report_run.pk}/status.json", LOGIN,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   *STAFF_OK),
    R("reports:download",        "/reports/runs/{report_run.pk}/pdf/",    LOGIN,       NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   *STAFF_OK),
    R("reports:download",        "/reports/runs/{report_run.pk}/xlsx/",   LOGIN,       NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   *STAFF_OK),
    R("reports:download",        "/reports/runs/{report_run.pk}/docx/",   LOGIN,       NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   *(NOT_FOUND,) * 4),
    # Background exports: staff pages; a job and its file are only for the user who asked.
    R("exports:jobs",            "/exports/",                             *NO_ADMIN,                                          *STAFF_OK),  # each their own
    R("exports:job",             "/exports/{export_job_a.pk}/",           *NO_ADMIN,                                          OK,          NOT_FOUND,   NOT_FOUND,   NOT_FOUND),
    R("exports:job_status",      "/exports/{export_job_a.pk}/status.json", *NO_ADMIN,                                         OK,          NOT_FOUND,   NOT_FOUND,   NOT_FOUND),
    R("exports:job_download",    "/exports/{export_job_a.pk}/download/",  *NO_ADMIN,                                          OK,          NOT_FOUND,   NOT_FOUND,   NOT_FOUND),
    R("exports:job_retry",       "/exports/{export_job_a.pk}/retry/",     *NO_ADMIN,                                          *(NOT_ALLOWED,) * 4),  # a POST
    # --- agency portal (staff are sent to the admin; an account without agency to apply) -----
    R("portal:dashboard",        "/portal/",                              LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("portal:signup",           "/portal/signup/",                       OK,          TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME,     TO_HOME),
    R("portal:apply",            "/portal/apply/",                        LOGIN,       OK,          TO_PORTAL,   TO_PORTAL,   *STAFF_TO_ADMIN),
    R("portal:agency_edit",      "/portal/agency/edit/",                  LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("portal:agency_size",      "/portal/agency/size/",                  LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("portal:reapply",          "/portal/agency/reapply/",               *EVERYONE_405),  # a POST-only action
    R("portal:workers",          "/portal/workers/",                      LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("portal:worker_add",       "/portal/workers/add/",                  LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("portal:worker_edit",      "/portal/workers/{worker_a.pk}/edit/",   LOGIN,       TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("portal:worker_leave",     "/portal/workers/{worker_a.pk}/leave/",  LOGIN,       TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("portal:workers_import",   "/portal/workers/import/",               LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("portal:workers_template", "/portal/workers/import/template.xlsx",  LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("portal:filing",           "/portal/filing/",                       LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    # The statistical survey: each agency sees only its own return (B's page shows B's).
    R("portal:survey_list",      "/portal/survey/",                       LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("portal:survey",           "/portal/survey/2026/",                  LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    # --- agency portal: subsidy claims (B finds none of A's claims; staff decide in the admin)
    R("claims:list",             "/portal/claims/",                       LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("claims:catalogue",        "/portal/claims/catalogue/",             LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("claims:new",              "/portal/claims/new/?type={new_claim_type.pk}", LOGIN, TO_APPLY,   OK,          OK,          *STAFF_TO_ADMIN),
    R("claims:new",              "/portal/claims/new/",                   LOGIN,       TO_APPLY,    GOES("/portal/claims/catalogue/"), GOES("/portal/claims/catalogue/"), *STAFF_TO_ADMIN),
    R("claims:detail",           "/portal/claims/{claim_a.pk}/",          LOGIN,       TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("claims:detail",           "/portal/claims/{approved_a.pk}/",       LOGIN,       TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("claims:edit",             "/portal/claims/{claim_a.pk}/edit/",     LOGIN,       TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    # Submitted: no longer the agency's to change.
    R("claims:edit",             "/portal/claims/{submitted_a.pk}/edit/", LOGIN,       TO_APPLY,    TO_CLAIM("submitted_a"), NOT_FOUND, *STAFF_TO_ADMIN),
    R("claims:attach",           "/portal/claims/{claim_a.pk}/attachments/", *EVERYONE_405),  # POST-only actions
    R("claims:detach",           "/portal/claims/{claim_a.pk}/attachments/{attachment_a.pk}/remove/", *EVERYONE_405),
    R("claims:transition",       "/portal/claims/{claim_a.pk}/actions/submit/", *EVERYONE_405),
    # --- agency portal: training (the provider runs its own courses; B finds none of A's) ---
    R("training:courses",        "/portal/training/",                     LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("training:course_add",     "/portal/training/new/",                 LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("training:course",         "/portal/training/{course_a.pk}/",       LOGIN,       TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("training:course_edit",    "/portal/training/{course_a.pk}/edit/",  LOGIN,       TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("training:course_enrol",   "/portal/training/{course_a.pk}/enrol/", *EVERYONE_405),  # a POST-only action
    R("training:roster_export",  "/portal/training/{course_a.pk}/roster.xlsx", LOGIN,  TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("training:enrolment_record", "/portal/training/{course_a.pk}/trainees/{enrolment_a.pk}/", LOGIN, TO_APPLY, OK,     NOT_FOUND,   *STAFF_TO_ADMIN),
    R("training:enrolment_record", "/portal/training/{course_a.pk}/trainees/{certified_a.pk}/", LOGIN, TO_APPLY, OK,     NOT_FOUND,   *STAFF_TO_ADMIN),
    R("training:roster_import",  "/portal/training/{course_a.pk}/import/", LOGIN,      TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("training:roster_template", "/portal/training/roster-template.xlsx", LOGIN,      TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    # --- agency portal: employment vouchers (an agency sees the vouchers whose holders chose
    # it and its own statements; B finds none of A's; staff work in the admin) ---------------
    R("vouchers:list",           "/portal/vouchers/",                     LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("vouchers:redeem",         "/portal/vouchers/redeem/",              LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    # The redeem page shows whose voucher a code is only to the agency the holder chose.
    R("vouchers:redeem",         "/portal/vouchers/redeem/?code={voucher_a.code}", LOGIN, TO_APPLY, OK,          OK,          *STAFF_TO_ADMIN),
    R("vouchers:detail",         "/portal/vouchers/{voucher_a.pk}/",      LOGIN,       TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("vouchers:detail",         "/portal/vouchers/{redeemed_a.pk}/",     LOGIN,       TO_APPLY,    OK,          NOT_FOUND,   *STAFF_TO_ADMIN),
    R("vouchers:settlements",    "/portal/vouchers/settlements/",         LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("vouchers:settlement_pdf", "/portal/vouchers/settlements/{settlement_a.pk}/pdf/", LOGIN, TO_APPLY, OK,     NOT_FOUND,   *STAFF_TO_ADMIN),
    R("vouchers:settlement_xlsx", "/portal/vouchers/settlements/{settlement_a.pk}/xlsx/", LOGIN, TO_APPLY, OK,   NOT_FOUND,   *STAFF_TO_ADMIN),
    # --- agency portal: inspections (the agency sees and answers its own rectifications) ------
    R("inspections:list",        "/portal/inspections/",                  LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("inspections:rectification", "/portal/inspections/rectifications/{rectification_a.pk}/", LOGIN, TO_APPLY, OK, NOT_FOUND, *STAFF_TO_ADMIN),
    R("inspections:rectification", "/portal/inspections/rectifications/{answered_rectification_a.pk}/", LOGIN, TO_APPLY, OK, NOT_FOUND, *STAFF_TO_ADMIN),
    R("documents:download",      "/files/{evidence_a.uuid}/",             LOGIN,       NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_FILES),
    # --- public voucher pages: no account needed. An application is unlocked in one browser
    # by its number and ID number together; without that nobody, staff included, reaches its
    # status, its voucher or its choice of agency (HOLDER_GETS: the household does) ----------
    R("vouchers_public:index",   "/vouchers/",                            *EVERYONE_OK),
    R("vouchers_public:apply",   "/vouchers/apply/",                      *EVERYONE_OK),
    # The number is shown after applying in this browser only (held in its session).
    R("vouchers_public:apply_done", "/vouchers/apply/done/",              *(TO_VOUCHER_APPLY,) * 8),
    R("vouchers_public:status",  "/vouchers/status/",                     *EVERYONE_OK),
    R("vouchers_public:status",  "/vouchers/status/?a={voucher_a.application_id}", *(TO_LOOKUP,) * 8),
    R("vouchers_public:status_pdf", "/vouchers/status/voucher.pdf?a={voucher_a.application_id}", *(NOT_FOUND,) * 8),
    R("vouchers_public:status_pdf", "/vouchers/status/voucher.pdf",       *(NOT_FOUND,) * 8),
    R("vouchers_public:choose_agency", "/vouchers/status/agency/",        *EVERYONE_405),  # POST-only
    R("vouchers_public:leave",   "/vouchers/status/leave/",               *EVERYONE_405),
    # --- public training sign-up: no account needed, so it is open to everyone -------------
    R("training_signup:index",   "/training/",                            *EVERYONE_OK),
    R("training_signup:signup",  "/training/signup/",                     OK,          OK,          OK,          OK,          *STAFF_OK),
    R("training_signup:thanks",  "/training/signup/thanks/",              OK,          OK,          OK,          OK,          *STAFF_OK),
    # --- admin site -------------------------------------------------------------------------
    R("admin:index",             "/admin/",                               *NO_ADMIN,                                          *STAFF_OK),
    R("admin:login",             "/admin/login/",                         OK,          OK,          OK,          OK,          *STAFF_TO_ADMIN),
    # Logging out takes a POST; outsiders are sent to the admin index, and from there to login.
    R("admin:logout",            "/admin/logout/",                        TO_ADMIN,    TO_ADMIN,    TO_ADMIN,    TO_ADMIN,    NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    R("admin:password_change",   "/admin/password_change/",               *NO_ADMIN,                                          *STAFF_OK),
    R("admin:password_change_done", "/admin/password_change/done/",       *NO_ADMIN,                                          *STAFF_OK),
    R("admin:jsi18n",            "/admin/jsi18n/",                        *NO_ADMIN,                                          *STAFF_OK),
    # No ModelAdmin declares autocomplete_fields, so the view has nothing to answer anyone.
    R("admin:autocomplete",      "/admin/autocomplete/",                  *NO_ADMIN,                                          *STAFF_DENIED),
    # "View on site" only tells staff the object's public URL; that view checks permission.
    R("admin:view_on_site",      "/admin/r/{document_type.pk}/{licence.pk}/", *NO_ADMIN,                                      *(GOES("http://testserver/files/{licence.uuid}/"),) * 4),
    R("/admin/(?P<url>.*)$",     "/admin/no-such-page/",                  *NO_ADMIN,                                          *(NOT_FOUND,) * 4),
    # An app's index is 404 to whoever may see none of its models.
    R("admin:app_list",          "/admin/agencies/",                      *NO_ADMIN,                                          *STAFF_OK),
    R("admin:app_list",          "/admin/subsidies/",                     *NO_ADMIN,                                          *STAFF_OK),
    R("admin:app_list",          "/admin/training/",                      *NO_ADMIN,                                          *STAFF_OK),
    R("admin:app_list",          "/admin/inspections/",                   *NO_ADMIN,                                          *STAFF_OK),
    R("admin:app_list",          "/admin/people/",                        *NO_ADMIN,                                          *STAFF_OK),
    R("admin:app_list",          "/admin/audit/",                         *NO_ADMIN,                                          OK,          OK,          NOT_FOUND,   OK),
    R("admin:app_list",          "/admin/notifications/",                 *NO_ADMIN,                                          NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   OK),
    R("admin:app_list",          "/admin/documents/",                     *NO_ADMIN,                                          NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   OK),
    R("admin:app_list",          "/admin/imports/",                       *NO_ADMIN,                                          *STAFF_OK),
    R("admin:app_list",          "/admin/reports/",                       *NO_ADMIN,                                          *STAFF_OK),
    R("admin:app_list",          "/admin/accounts/",                      *NO_ADMIN,                                          NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   OK),
    R("admin:app_list",          "/admin/auth/",                          *NO_ADMIN,                                          NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   OK),
    # --- admin: agencies area (staff columns: reviewer, approver, official, superuser) ------
    *admin_model("agencies_agency", "{org_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:agencies_agency_export", "/admin/agencies/agency/export/",   *NO_ADMIN,                                          *STAFF_OK),
    R("admin:agencies_agency_review", "/admin/agencies/agency/{org_a.pk}/review/suspend/", *NO_ADMIN,                         *DECIDERS("agencies/agency", "org_a")),
    *admin_model("agencies_worker", "{worker_a.pk}",
                 view=STAFF_OK, add=DATA_ENTRY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:agencies_worker_export", "/admin/agencies/worker/export/",   *NO_ADMIN,                                          *STAFF_OK),
    R("admin:agencies_worker_import", "/admin/agencies/worker/import/",   *NO_ADMIN,                                          *DATA_ENTRY),
    R("admin:agencies_worker_import_template", "/admin/agencies/worker/import/template.xlsx", *NO_ADMIN,                      *DATA_ENTRY),
    *admin_model("agencies_recognition", "{recognition_a.pk}",
                 view=STAFF_OK, add=DATA_ENTRY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:agencies_recognition_export", "/admin/agencies/recognition/export/", *NO_ADMIN,                                  *STAFF_OK),
    R("admin:agencies_recognition_review", "/admin/agencies/recognition/{recognition_a.pk}/review/revoke/", *NO_ADMIN,        *DECIDERS("agencies/recognition", "recognition_a")),
    *admin_model("agencies_employeesystemfiling", "{filing_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:agencies_employeesystemfiling_export", "/admin/agencies/employeesystemfiling/export/", *NO_ADMIN,                 *STAFF_OK),
    R("admin:agencies_employeesystemfiling_review", "/admin/agencies/employeesystemfiling/{filing_a.pk}/review/approve/", *NO_ADMIN, *DECIDERS("agencies/employeesystemfiling", "filing_a")),
    # The statistical survey: forms (fixed once in use: view-only for everyone), returns.
    *admin_model("agencies_surveyform", "{survey_form.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:agencies_surveyform_not_filed", "/admin/agencies/surveyform/{survey_form.pk}/not-filed/", *NO_ADMIN,            *STAFF_OK),
    R("admin:agencies_surveyform_not_filed_xlsx", "/admin/agencies/surveyform/{survey_form.pk}/not-filed.xlsx", *NO_ADMIN,   *STAFF_OK),
    R("admin:agencies_surveyform_ledger", "/admin/agencies/surveyform/{survey_form.pk}/ledger.xlsx", *NO_ADMIN,               *STAFF_OK),
    R("admin:agencies_surveyform_remind", "/admin/agencies/surveyform/{survey_form.pk}/remind/", *NO_ADMIN,                   *(NOT_ALLOWED,) * 4),  # POST only
    *admin_model("agencies_surveyreturn", "{survey_return_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:agencies_surveyreturn_review", "/admin/agencies/surveyreturn/{survey_return_a.pk}/review/accept/", *NO_ADMIN,   *DECIDERS("agencies/surveyreturn", "survey_return_a")),
    *admin_model("agencies_street", "{street.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("agencies_businessformat", "{business_format.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("agencies_agencypolicy", "{policy.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # Read-only: the standing is written by inspections alone (issue 12).
    *admin_model("agencies_agencystanding", "{standing_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("agencies_enterprisesizethreshold", "{size_threshold.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("agencies_recognitionkind", "{recognition_kind.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # --- admin: inspections (rectifications are read; the re-inspection is an action) --------
    *admin_model("inspections_rectification", "{rectification_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:inspections_rectification_change", "/admin/inspections/rectification/{answered_rectification_a.pk}/change/", *NO_ADMIN, *STAFF_OK),
    R("admin:inspections_rectification_export", "/admin/inspections/rectification/export/", *NO_ADMIN,                       *STAFF_OK),
    # --- admin: subsidies (claims are decided by review actions, never edited or deleted) ----
    *admin_model("subsidies_claim", "{claim_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:subsidies_claim_change", "/admin/subsidies/claim/{approved_a.pk}/change/", *NO_ADMIN,                            *STAFF_OK),
    R("admin:subsidies_claim_export", "/admin/subsidies/claim/export/",   *NO_ADMIN,                                          *STAFF_OK),
    # Each step is offered to the role workflow.py names; official and the superuser (no
    # business role) decide nothing. passed_a was first-passed by a second reviewer.
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{claim_a.pk}/review/submit/", *NO_ADMIN,                        TO_REVIEW("claim_a"), TO_REVIEW("claim_a"), DENIED, TO_REVIEW("claim_a")),
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{submitted_a.pk}/review/first_pass/", *NO_ADMIN,                OK,          TO_REVIEW("submitted_a"), DENIED, TO_REVIEW("submitted_a")),
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{submitted_a.pk}/review/return/", *NO_ADMIN,                    OK,          TO_REVIEW("submitted_a"), DENIED, TO_REVIEW("submitted_a")),
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{submitted_a.pk}/review/reject/", *NO_ADMIN,                    OK,          TO_REVIEW("submitted_a"), DENIED, TO_REVIEW("submitted_a")),
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{submitted_a.pk}/review/approve/", *NO_ADMIN,                   *(TO_REVIEW("submitted_a"),) * 2, DENIED, TO_REVIEW("submitted_a")),
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{passed_a.pk}/review/approve/", *NO_ADMIN,                      TO_REVIEW("passed_a"), OK, DENIED, TO_REVIEW("passed_a")),
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{passed_a.pk}/review/return/", *NO_ADMIN,                       TO_REVIEW("passed_a"), OK, DENIED, TO_REVIEW("passed_a")),
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{passed_a.pk}/review/reject/", *NO_ADMIN,                       TO_REVIEW("passed_a"), OK, DENIED, TO_REVIEW("passed_a")),
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{approved_a.pk}/review/pay/", *NO_ADMIN,                        *DECIDERS("subsidies/claim", "approved_a")),
    R("admin:subsidies_claim_review", "/admin/subsidies/claim/{approved_a.pk}/review/revoke/", *NO_ADMIN,                     *DECIDERS("subsidies/claim", "approved_a")),
    *admin_model("subsidies_claimtype", "{claim_type.pk}",
                 view=STAFF_OK, add=APPROVERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # Budgets by proposal and a second approver: the fund's own pages only read.
    *admin_model("subsidies_specialfund", "{fund.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # 资金台账: read-only; staff and officials read it, agencies never reach the admin.
    R("admin:subsidies_fund_ledger", "/admin/subsidies/specialfund/ledger/", *NO_ADMIN,                                      *STAFF_OK),
    R("admin:subsidies_fund_ledger", "/admin/subsidies/specialfund/ledger/?year=2026", *NO_ADMIN,                            *STAFF_OK),
    R("admin:subsidies_fund_ledger_xlsx", "/admin/subsidies/specialfund/ledger/xlsx/?year=2026", *NO_ADMIN,                  *STAFF_OK),
    *admin_model("subsidies_settingchange", "{setting_change.pk}",
                 view=STAFF_OK, add=APPROVERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:subsidies_settingchange_review", "/admin/subsidies/settingchange/{setting_change.pk}/review/approve/", *NO_ADMIN, DENIED, GOES("/admin/subsidies/settingchange/{setting_change.pk}/change/"), DENIED, GOES("/admin/subsidies/settingchange/{setting_change.pk}/change/")),
    # Award settings per year and figures awaiting the bureau's confirmation (confirmed by an
    # action on the list; officials only read).
    *admin_model("subsidies_awardpolicy", "{award_policy.pk}",
                 view=STAFF_OK, add=APPROVERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("subsidies_parameterflag", "{parameter_flag.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # 居民家庭服务费用减免: the bureau's covered services (reference data) and a read-only list.
    *admin_model("subsidies_exemptionservicekind", "{exemption_kind.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("subsidies_feeexemption", "{fee_exemption_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # Notices are issued by decisions: read-only pages for everyone.
    *admin_model("subsidies_notice", "{notice_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # --- admin: shared core (people read-only; the audit log for reviewers and approvers) ----
    # --- admin: training (writes through training.services; official only reads) -----------
    *admin_model("training_coursekind", "{course_kind.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("training_trainingtarget", "{target.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # A course that will not run is cancelled, never deleted.
    *admin_model("training_course", "{course_a.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:training_course_import_roster", "/admin/training/course/{course_a.pk}/import-roster/", *NO_ADMIN,              *DECIDERS("training/course", "course_a")),
    R("admin:training_course_roster_template", "/admin/training/course/import-roster/template.xlsx", *NO_ADMIN,             *STAFF_OK),
    # The roster in the import columns; officials read it too (ID numbers as each may see).
    R("admin:training_course_roster_export", "/admin/training/course/{course_a.pk}/roster.xlsx", *NO_ADMIN,                   *STAFF_OK),
    # Trainees are enrolled on a course (portal, import or sign-up), never added here.
    *admin_model("training_enrolment", "{enrolment_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:training_enrolment_change", "/admin/training/enrolment/{certified_a.pk}/change/", *NO_ADMIN,                   *STAFF_OK),
    R("admin:training_enrolment_export", "/admin/training/enrolment/export/", *NO_ADMIN,                                    *STAFF_OK),
    # Sign-ups come from the public page and are turned into enrolments: read-only pages.
    *admin_model("training_trainingsignup", "{signup.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:training_trainingsignup_enrol", "/admin/training/trainingsignup/{signup.pk}/enrol/", *NO_ADMIN,                *REVIEWERS_ONLY),
    # --- admin: employment vouchers (reviewers and approvers act through the services; official
    # reads only; applications, vouchers and statements are never edited or deleted) ---------
    R("admin:app_list",          "/admin/vouchers/",                      *NO_ADMIN,                                          *STAFF_OK),
    *admin_model("vouchers_targetgroup", "{voucher_group.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("vouchers_voucherbatch", "{voucher_batch.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:vouchers_progress", "/admin/vouchers/voucherbatch/progress/", *NO_ADMIN,                                         *STAFF_OK),
    R("admin:vouchers_progress", "/admin/vouchers/voucherbatch/progress/?batch={voucher_batch.pk}", *NO_ADMIN,                *STAFF_OK),
    R("admin:vouchers_progress_xlsx", "/admin/vouchers/voucherbatch/progress/xlsx/?batch={voucher_batch.pk}", *NO_ADMIN,      *STAFF_OK),
    # Agencies join several at a time on "add agencies"; a participation is never deleted.
    *admin_model("vouchers_participation", "{participation_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:vouchers_participation_add_agencies", "/admin/vouchers/participation/add-agencies/", *NO_ADMIN,                  *REVIEWERS_ONLY),
    # Applications: entered for a household by reviewers; decided by the actions below.
    *admin_model("vouchers_application", "{application_a.pk}",
                 view=STAFF_OK, add=REVIEWERS_ONLY, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:vouchers_application_change", "/admin/vouchers/application/{voucher_a.application_id}/change/", *NO_ADMIN,       *STAFF_OK),
    R("admin:vouchers_application_export", "/admin/vouchers/application/export/", *NO_ADMIN,                                  *STAFF_OK),
    R("admin:vouchers_application_review", "/admin/vouchers/application/{application_a.pk}/review/approve/", *NO_ADMIN,       *DECIDERS("vouchers/application", "application_a")),
    R("admin:vouchers_application_review", "/admin/vouchers/application/{application_a.pk}/review/reject/", *NO_ADMIN,        *DECIDERS("vouchers/application", "application_a")),
    R("admin:vouchers_application_review", "/admin/vouchers/application/{application_a.pk}/review/approve_issue/", *NO_ADMIN, *DECIDERS("vouchers/application", "application_a")),
    # Issuing needs an approved application; application_a is still waiting.
    R("admin:vouchers_application_review", "/admin/vouchers/application/{application_a.pk}/review/issue/", *NO_ADMIN,         TO_VOUCHER_ADMIN("application", "application_a"), TO_VOUCHER_ADMIN("application", "application_a"), DENIED, TO_VOUCHER_ADMIN("application", "application_a")),
    R("admin:vouchers_application_review", "/admin/vouchers/application/{approved_application_a.pk}/review/issue/", *NO_ADMIN, *DECIDERS("vouchers/application", "approved_application_a")),
    # Vouchers: issued from their application, voided rather than deleted; read-only pages.
    *admin_model("vouchers_voucher", "{voucher_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:vouchers_voucher_change", "/admin/vouchers/voucher/{settled_a.pk}/change/", *NO_ADMIN,                          *STAFF_OK),
    R("admin:vouchers_voucher_export", "/admin/vouchers/voucher/export/", *NO_ADMIN,                                          *STAFF_OK),
    # Printing a voucher for the household is the bureau's act: not official's.
    R("admin:vouchers_voucher_pdf", "/admin/vouchers/voucher/{voucher_a.pk}/pdf/", *NO_ADMIN,                                 *REVIEWERS_ONLY),
    R("admin:vouchers_voucher_review", "/admin/vouchers/voucher/{voucher_a.pk}/review/void/", *NO_ADMIN,                      *DECIDERS("vouchers/voucher", "voucher_a")),
    R("admin:vouchers_voucher_review", "/admin/vouchers/voucher/{voucher_a.pk}/review/choose_agency/", *NO_ADMIN,             *DECIDERS("vouchers/voucher", "voucher_a")),
    R("admin:vouchers_voucher_review", "/admin/vouchers/voucher/{voucher_a.pk}/review/verify_pass/", *NO_ADMIN,               TO_VOUCHER_ADMIN("voucher", "voucher_a"), TO_VOUCHER_ADMIN("voucher", "voucher_a"), DENIED, TO_VOUCHER_ADMIN("voucher", "voucher_a")),
    R("admin:vouchers_voucher_review", "/admin/vouchers/voucher/{redeemed_a.pk}/review/verify_pass/", *NO_ADMIN,              *DECIDERS("vouchers/voucher", "redeemed_a")),
    R("admin:vouchers_voucher_review", "/admin/vouchers/voucher/{redeemed_a.pk}/review/verify_fail/", *NO_ADMIN,              *DECIDERS("vouchers/voucher", "redeemed_a")),
    R("admin:vouchers_voucher_review", "/admin/vouchers/voucher/{redeemed_a.pk}/review/follow_up/", *NO_ADMIN,                *DECIDERS("vouchers/voucher", "redeemed_a")),
    R("admin:vouchers_voucher_review", "/admin/vouchers/voucher/{redeemed_a.pk}/review/void/", *NO_ADMIN,                     TO_VOUCHER_ADMIN("voucher", "redeemed_a"), TO_VOUCHER_ADMIN("voucher", "redeemed_a"), DENIED, TO_VOUCHER_ADMIN("voucher", "redeemed_a")),
    # Home services and follow-up calls are records written by redemption and the follow-up
    # action: read-only pages for everyone.
    *admin_model("vouchers_service", "{service_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("vouchers_followup", "{followup_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # Statements are drawn up on their page and paid by an approver who did not draw them up.
    *admin_model("vouchers_settlement", "{settlement_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:vouchers_settlement_export", "/admin/vouchers/settlement/export/", *NO_ADMIN,                                    *STAFF_OK),
    R("admin:vouchers_settlement_draw", "/admin/vouchers/settlement/draw/", *NO_ADMIN,                                        OK, OK, DENIED, DENIED),
    R("admin:vouchers_settlement_pdf", "/admin/vouchers/settlement/{settlement_a.pk}/pdf/", *NO_ADMIN,                        *STAFF_OK),
    R("admin:vouchers_settlement_xlsx", "/admin/vouchers/settlement/{settlement_a.pk}/xlsx/", *NO_ADMIN,                      *STAFF_OK),
    R("admin:vouchers_settlement_review", "/admin/vouchers/settlement/{settlement_a.pk}/review/mark_paid/", *NO_ADMIN,        TO_VOUCHER_ADMIN("settlement", "settlement_a"), OK, DENIED, TO_VOUCHER_ADMIN("settlement", "settlement_a")),
    R("admin:vouchers_settlement_review", "/admin/vouchers/settlement/{own_settlement_a.pk}/review/mark_paid/", *NO_ADMIN,    TO_VOUCHER_ADMIN("settlement", "own_settlement_a"), TO_VOUCHER_ADMIN("settlement", "own_settlement_a"), DENIED, TO_VOUCHER_ADMIN("settlement", "own_settlement_a")),
    # --- admin: inspections (reviewers and approvers plan, assign and version through the
    # services; official reads; the superuser decides nothing; nothing is deleted) -----------
    *admin_model("inspections_checklisttemplate", "{checklist_template.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("inspections_inspectionround", "{inspection_round.pk}",
                 view=STAFF_OK, add=(OK, OK, DENIED, DENIED), change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("inspections_inspection", "{inspection_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:inspections_inspection_export", "/admin/inspections/inspection/export/", *NO_ADMIN,                              *STAFF_OK),
    # --- admin: performance evaluation and field visits (issue 12). Reviewers and approvers
    # evaluate and record; officials and the superuser (no business role) read only ---------
    *admin_model("inspections_evaluationscheme", "{evaluation_scheme.pk}",
                 view=STAFF_OK, add=(OK, OK, DENIED, DENIED), change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    # Evaluations are made for the year at once (an action on the scheme), never added here.
    *admin_model("inspections_performanceevaluation", "{evaluation_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:inspections_performanceevaluation_export", "/admin/inspections/performanceevaluation/export/", *NO_ADMIN,   *STAFF_OK),
    *admin_model("inspections_fieldvisit", "{visit_a.pk}",
                 view=STAFF_OK, add=(OK, OK, DENIED, DENIED), change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:inspections_fieldvisit_changelist", "/admin/inspections/fieldvisit/?agency__id__exact={org_a.pk}", *NO_ADMIN, *STAFF_OK),
    R("admin:inspections_fieldvisit_export", "/admin/inspections/fieldvisit/export/", *NO_ADMIN,                           *STAFF_OK),
    *admin_model("people_person", "{person_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("audit_auditentry", "{audit_a.pk}",
                 view=REVIEWERS_ONLY, add=STAFF_DENIED, change=REVIEWERS_ONLY, history=REVIEWERS_ONLY, delete=STAFF_DENIED),
    *admin_model("notifications_notification", "{notification_a.pk}",
                 view=SUPERUSER_ONLY, add=STAFF_DENIED, change=SUPERUSER_ONLY, history=SUPERUSER_ONLY, delete=STAFF_DENIED),
    *admin_model("imports_importjob", "{import_job_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("reports_reportrun", "{report_run.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    *admin_model("documents_document", "{licence.pk}",
                 view=SUPERUSER_ONLY, add=STAFF_DENIED, change=SUPERUSER_ONLY, history=SUPERUSER_ONLY, delete=STAFF_DENIED),
    # --- admin: set-up (superuser only) ----------------------------------------------------
    *admin_model("accounts_user", "{users[agency_a].pk}",
                 view=SUPERUSER_ONLY, add=SUPERUSER_ONLY, change=SUPERUSER_ONLY, history=SUPERUSER_ONLY, delete=SUPERUSER_ONLY),
    R("admin:auth_user_password_change", "/admin/accounts/user/{users[agency_a].pk}/password/", *NO_ADMIN,                    *SUPERUSER_ONLY),
    *admin_model("auth_group", "{group.pk}",
                 view=SUPERUSER_ONLY, add=SUPERUSER_ONLY, change=SUPERUSER_ONLY, history=SUPERUSER_ONLY, delete=SUPERUSER_ONLY),
    # --- API (lists are scoped: an applicant's are empty, agency_b's hold only B) -----------
    R("api-root",                "/api/",                                 DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("api-root.<format>",       "/api/.json",                            DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("api-token",               "/api/auth/token/",                      *EVERYONE_405),  # POST username and password
    R("api-id-search",           "/api/id-search/",                       *API_405),  # POST an ID number, get a search token
    R("api-me",                  "/api/me/",                              DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("schema",                  "/api/schema/",                          DENIED,      OK,          OK,          OK,          *STAFF_OK),  # describes, holds no data; a login in production
    R("swagger-ui",              "/api/docs/",                            DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("agency-list",             "/api/agencies/",                        DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("agency-list.<format>",    "/api/agencies.json",                    DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("agency-detail",           "/api/agencies/{org_a.pk}/",             DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("agency-detail.<format>",  "/api/agencies/{org_a.pk}.json",         DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("agency-transition",       "/api/agencies/{org_a.pk}/transition/",  DENIED,      NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("agency-transition.<format>", "/api/agencies/{org_a.pk}/transition.json", DENIED,  NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("worker-list",             "/api/workers/",                         DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("worker-list.<format>",    "/api/workers.json",                     DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("worker-detail",           "/api/workers/{worker_a.pk}/",           DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("worker-detail.<format>",  "/api/workers/{worker_a.pk}.json",       DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("recognition-list",        "/api/recognitions/",                    DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("recognition-list.<format>", "/api/recognitions.json",              DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("recognition-detail",      "/api/recognitions/{recognition_a.pk}/", DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("recognition-detail.<format>", "/api/recognitions/{recognition_a.pk}.json", DENIED, NOT_FOUND, OK,         NOT_FOUND,   *STAFF_OK),
    R("survey-return-list",      "/api/survey-returns/",                  DENIED,      OK,          OK,          OK,          *STAFF_OK),  # B's list holds only B's
    R("survey-return-list.<format>", "/api/survey-returns.json",          DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("survey-return-detail",    "/api/survey-returns/{survey_return_a.pk}/", DENIED,  NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("survey-return-detail.<format>", "/api/survey-returns/{survey_return_a.pk}.json", DENIED, NOT_FOUND, OK,    NOT_FOUND,   *STAFF_OK),
    R("filing-list",             "/api/filings/",                         DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("filing-list.<format>",    "/api/filings.json",                     DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("filing-detail",           "/api/filings/{filing_a.pk}/",           DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("filing-detail.<format>",  "/api/filings/{filing_a.pk}.json",       DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("filing-decide",           "/api/filings/{filing_a.pk}/decide/",    DENIED,      NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("filing-decide.<format>",  "/api/filings/{filing_a.pk}/decide.json", DENIED,     NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("street-list",             "/api/streets/",                         DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("street-list.<format>",    "/api/streets.json",                     DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("street-detail",           "/api/streets/{street.pk}/",             DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("street-detail.<format>",  "/api/streets/{street.pk}.json",         DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("business-format-list",    "/api/business-formats/",                DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("business-format-list.<format>", "/api/business-formats.json",      DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("business-format-detail",  "/api/business-formats/{business_format.pk}/", DENIED, OK,         OK,          OK,          *STAFF_OK),
    R("business-format-detail.<format>", "/api/business-formats/{business_format.pk}.json", DENIED, OK, OK,      OK,          *STAFF_OK),
    # --- API: subsidies (the catalogue is open to every account; the fund is the bureau's) ---
    R("claim-type-list",         "/api/claim-types/",                     DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("claim-type-list.<format>", "/api/claim-types.json",                DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("claim-type-detail",       "/api/claim-types/{claim_type.pk}/",     DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("claim-type-detail.<format>", "/api/claim-types/{claim_type.pk}.json", DENIED,   OK,          OK,          OK,          *STAFF_OK),
    R("claim-list",              "/api/claims/",                          DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("claim-list.<format>",     "/api/claims.json",                      DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("claim-detail",            "/api/claims/{claim_a.pk}/",             DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("claim-detail.<format>",   "/api/claims/{claim_a.pk}.json",         DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("claim-detail",            "/api/claims/{approved_a.pk}/",          DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("claim-transition",        "/api/claims/{claim_a.pk}/transition/",  DENIED,      NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("claim-transition.<format>", "/api/claims/{claim_a.pk}/transition.json", DENIED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("claim-attachments",       "/api/claims/{claim_a.pk}/attachments/", DENIED,      NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("claim-attachments.<format>", "/api/claims/{claim_a.pk}/attachments.json", DENIED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("claim-attachment",        "/api/claims/{claim_a.pk}/attachments/{attachment_a.pk}/", DENIED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("claim-attachment.<format>", "/api/claims/{claim_a.pk}/attachments/{attachment_a.pk}.json", DENIED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("notice-list",             "/api/notices/",                         DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("notice-list.<format>",    "/api/notices.json",                     DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("notice-detail",           "/api/notices/{notice_a.pk}/",           DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("notice-detail.<format>",  "/api/notices/{notice_a.pk}.json",       DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("notice-download",         "/api/notices/{notice_a.pk}/download/",  DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_FILES),
    R("notice-download.<format>", "/api/notices/{notice_a.pk}/download.json", DENIED,  NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_FILES),
    R("fund-list",               "/api/funds/",                           DENIED,      DENIED,      DENIED,      DENIED,      *STAFF_OK),
    R("fund-list.<format>",      "/api/funds.json",                       DENIED,      DENIED,      DENIED,      DENIED,      *STAFF_OK),
    R("fund-detail",             "/api/funds/{fund.pk}/",                 DENIED,      DENIED,      DENIED,      DENIED,      *STAFF_OK),
    R("fund-detail.<format>",    "/api/funds/{fund.pk}.json",             DENIED,      DENIED,      DENIED,      DENIED,      *STAFF_OK),
    # --- API: training (providers see their own courses; the district's progress is staff's)
    R("course-list",             "/api/courses/",                         DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("course-list.<format>",    "/api/courses.json",                     DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("course-detail",           "/api/courses/{course_a.pk}/",           DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("course-detail.<format>",  "/api/courses/{course_a.pk}.json",       DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("enrolment-list",          "/api/enrolments/",                      DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("enrolment-list.<format>", "/api/enrolments.json",                  DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("enrolment-detail",        "/api/enrolments/{enrolment_a.pk}/",     DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("enrolment-detail.<format>", "/api/enrolments/{enrolment_a.pk}.json", DENIED,    NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("enrolment-detail",        "/api/enrolments/{certified_a.pk}/",     DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("course-roster",           "/api/courses/{course_a.pk}/roster/",    DENIED,      NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("course-roster.<format>",  "/api/courses/{course_a.pk}/roster.json", DENIED,     NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, *(NOT_ALLOWED,) * 4),
    R("training-progress-list",  "/api/training-progress/",               DENIED,      DENIED,      DENIED,      DENIED,      *STAFF_OK),
    R("training-progress-list.<format>", "/api/training-progress.json",   DENIED,      DENIED,      DENIED,      DENIED,      *STAFF_OK),
    # --- API: employment vouchers. Batches, groups, applications and the figures are staff's;
    # an agency reads the vouchers whose holders chose it and its own statements, and redeems.
    R("target-group-list",       "/api/target-groups/",                   *STAFF_API),
    R("target-group-list.<format>", "/api/target-groups.json",            *STAFF_API),
    R("target-group-detail",     "/api/target-groups/{voucher_group.pk}/", *STAFF_API),
    R("target-group-detail.<format>", "/api/target-groups/{voucher_group.pk}.json", *STAFF_API),
    R("voucher-batch-list",      "/api/voucher-batches/",                 *STAFF_API),
    R("voucher-batch-list.<format>", "/api/voucher-batches.json",         *STAFF_API),
    R("voucher-batch-detail",    "/api/voucher-batches/{voucher_batch.pk}/", *STAFF_API),
    R("voucher-batch-detail.<format>", "/api/voucher-batches/{voucher_batch.pk}.json", *STAFF_API),
    R("voucher-application-list", "/api/voucher-applications/",           *STAFF_API),
    R("voucher-application-list.<format>", "/api/voucher-applications.json", *STAFF_API),
    R("voucher-application-detail", "/api/voucher-applications/{application_a.pk}/", *STAFF_API),
    R("voucher-application-detail.<format>", "/api/voucher-applications/{application_a.pk}.json", *STAFF_API),
    R("voucher-application-approve", "/api/voucher-applications/{application_a.pk}/approve/", *STAFF_API_405),
    R("voucher-application-approve.<format>", "/api/voucher-applications/{application_a.pk}/approve.json", *STAFF_API_405),
    R("voucher-application-reject", "/api/voucher-applications/{application_a.pk}/reject/", *STAFF_API_405),
    R("voucher-application-reject.<format>", "/api/voucher-applications/{application_a.pk}/reject.json", *STAFF_API_405),
    R("voucher-application-issue", "/api/voucher-applications/{approved_application_a.pk}/issue/", *STAFF_API_405),
    R("voucher-application-issue.<format>", "/api/voucher-applications/{approved_application_a.pk}/issue.json", *STAFF_API_405),
    R("voucher-list",            "/api/vouchers/",                        DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("voucher-list.<format>",   "/api/vouchers.json",                    DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("voucher-list",            "/api/vouchers/?search={voucher_a.code}", DENIED,     OK,          OK,          OK,          *STAFF_OK),
    R("voucher-detail",          "/api/vouchers/{voucher_a.pk}/",         DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("voucher-detail.<format>", "/api/vouchers/{voucher_a.pk}.json",     DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("voucher-detail",          "/api/vouchers/{settled_a.pk}/",         DENIED,      NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("voucher-void",            "/api/vouchers/{voucher_a.pk}/void/",    *API_405),
    R("voucher-void.<format>",   "/api/vouchers/{voucher_a.pk}/void.json", *API_405),
    R("voucher-choose-agency",   "/api/vouchers/{voucher_a.pk}/choose-agency/", *API_405),
    R("voucher-choose-agency.<format>", "/api/vouchers/{voucher_a.pk}/choose-agency.json", *API_405),
    R("voucher-verify",          "/api/vouchers/{redeemed_a.pk}/verify/", *API_405),
    R("voucher-verify.<format>", "/api/vouchers/{redeemed_a.pk}/verify.json", *API_405),
    R("voucher-redeem",          "/api/vouchers/redeem/",                 *API_405),
    R("voucher-redeem.<format>", "/api/vouchers/redeem.json",             *API_405),
    # Follow-up calls, the printable voucher and the district's progress are staff's.
    R("voucher-follow-ups",      "/api/vouchers/{redeemed_a.pk}/follow-ups/", *STAFF_API),
    R("voucher-follow-ups.<format>", "/api/vouchers/{redeemed_a.pk}/follow-ups.json", *STAFF_API),
    R("voucher-pdf",             "/api/vouchers/{voucher_a.pk}/pdf/",     *STAFF_API),
    R("voucher-pdf.<format>",    "/api/vouchers/{voucher_a.pk}/pdf.json", *STAFF_API),
    R("voucher-progress",        "/api/vouchers/progress/",               *STAFF_API),
    R("voucher-progress.<format>", "/api/vouchers/progress.json",         *STAFF_API),
    R("voucher-settlement-list", "/api/voucher-settlements/",             DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("voucher-settlement-list.<format>", "/api/voucher-settlements.json", DENIED,     OK,          OK,          OK,          *STAFF_OK),
    R("voucher-settlement-detail", "/api/voucher-settlements/{settlement_a.pk}/", DENIED, NOT_FOUND, OK,          NOT_FOUND,   *STAFF_OK),
    R("voucher-settlement-detail.<format>", "/api/voucher-settlements/{settlement_a.pk}.json", DENIED, NOT_FOUND, OK, NOT_FOUND, *STAFF_OK),
    R("voucher-settlement-pdf",  "/api/voucher-settlements/{settlement_a.pk}/pdf/", DENIED, NOT_FOUND, OK,       NOT_FOUND,   *STAFF_OK),
    R("voucher-settlement-pdf.<format>", "/api/voucher-settlements/{settlement_a.pk}/pdf.json", DENIED, NOT_FOUND, OK, NOT_FOUND, *STAFF_OK),
    R("voucher-settlement-xlsx", "/api/voucher-settlements/{settlement_a.pk}/xlsx/", DENIED, NOT_FOUND, OK,      NOT_FOUND,   *STAFF_OK),
    R("voucher-settlement-xlsx.<format>", "/api/voucher-settlements/{settlement_a.pk}/xlsx.json", DENIED, NOT_FOUND, OK, NOT_FOUND, *STAFF_OK),
    R("inspection-list",         "/api/inspections/",                     DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("inspection-list.<format>", "/api/inspections.json",                DENIED,      OK,          OK,          OK,          *STAFF_OK),
    # An agency reads its concluded inspections only, as on the portal: this year's planned one is the bureau's.
    R("inspection-detail",       "/api/inspections/{concluded_inspection_a.pk}/", DENIED, NOT_FOUND, OK,         NOT_FOUND,   *STAFF_OK),
    R("inspection-detail.<format>", "/api/inspections/{concluded_inspection_a.pk}.json", DENIED, NOT_FOUND, OK, NOT_FOUND,   *STAFF_OK),
    R("inspection-detail",       "/api/inspections/{inspection_a.pk}/",   DENIED,      NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   *STAFF_OK),
    R("inspection-detail.<format>", "/api/inspections/{inspection_a.pk}.json", DENIED, NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   *STAFF_OK),
    R("rectification-list",      "/api/rectifications/",                  DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("rectification-list.<format>", "/api/rectifications.json",          DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("rectification-detail",    "/api/rectifications/{rectification_a.pk}/", DENIED,  NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("rectification-detail.<format>", "/api/rectifications/{rectification_a.pk}.json", DENIED, NOT_FOUND, OK,   NOT_FOUND,   *STAFF_OK),
    R("rectification-answer",    "/api/rectifications/{rectification_a.pk}/answer/", *API_405),  # POST-only
    R("rectification-answer.<format>", "/api/rectifications/{rectification_a.pk}/answer.json", *API_405),
    # Field visits: bureau staff and officials read them; agencies get nothing.
    R("field-visit-list",        "/api/field-visits/",                    *STAFF_API),
    R("api-report-figures",      "/api/report-figures/",                  *STAFF_API),
    R("api-report-figures",      "/api/report-figures/?year=1",           *(DENIED,) * 4, *(BAD_REQUEST,) * 4),
    R("report-run-list",         "/api/report-runs/",                     *STAFF_API),
    R("report-run-list.<format>", "/api/report-runs.json",                *STAFF_API),
    R("report-run-detail",       "/api/report-runs/{report_run.pk}/",     *STAFF_API),
    R("report-run-detail.<format>", "/api/report-runs/{report_run.pk}.json", *STAFF_API),
    R("field-visit-list.<format>", "/api/field-visits.json",              *STAFF_API),
    R("field-visit-list",        "/api/field-visits/?agency={org_a.pk}",  *STAFF_API),
    R("field-visit-detail",      "/api/field-visits/{visit_a.pk}/",       *STAFF_API),
    R("field-visit-detail.<format>", "/api/field-visits/{visit_a.pk}.json", *STAFF_API),
    R("voucher-settlement-mark-paid", "/api/voucher-settlements/{settlement_a.pk}/mark-paid/", *API_405),
    R("voucher-settlement-mark-paid.<format>", "/api/voucher-settlements/{settlement_a.pk}/mark-paid.json", *API_405),
    # --- spot checks (抽查核实): staff draw, assign and record; an agency sees its records found false
    R("inspections:spot_checks", "/portal/inspections/spot-checks/",     LOGIN,       TO_APPLY,    OK,          OK,          *STAFF_TO_ADMIN),
    R("inspect:spot_check_redraw", "/inspect/spot-checks/{spot_check_a.pk}/redraw/", LOGIN, DENIED, DENIED,    DENIED,      *STAFF_OK),
    R("inspect:spot_check_population", "/inspect/spot-checks/{spot_check_a.pk}/population.txt", LOGIN, DENIED, DENIED, DENIED, *STAFF_OK),
    *admin_model("inspections_spotcheck", "{spot_check_a.pk}",
                 view=STAFF_OK, add=(GOES("/admin/inspections/spotcheck/draw/"),) * 2 + (DENIED, DENIED),
                 change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:inspections_spotcheck_draw", "/admin/inspections/spotcheck/draw/", *NO_ADMIN,                                 OK, OK, DENIED, DENIED),
    *admin_model("inspections_spotcheckitem", "{spot_item_a.pk}",
                 view=STAFF_OK, add=STAFF_DENIED, change=STAFF_OK, history=STAFF_OK, delete=STAFF_DENIED),
    R("admin:inspections_spotcheckitem_export", "/admin/inspections/spotcheckitem/export/", *NO_ADMIN,                    *STAFF_OK),
    R("admin:inspections_spotcheckitem_record", "/admin/inspections/spotcheckitem/{spot_item_a.pk}/record/", *NO_ADMIN,  OK, OK, DENIED, DENIED),
    R("spot-check-list",         "/api/spot-checks/",                     *STAFF_API),
    R("spot-check-list.<format>", "/api/spot-checks.json",                *STAFF_API),
    R("spot-check-detail",       "/api/spot-checks/{spot_check_a.pk}/",   *STAFF_API),
    R("spot-check-detail.<format>", "/api/spot-checks/{spot_check_a.pk}.json", *STAFF_API),
    R("spot-check-item-list",    "/api/spot-check-items/",                DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("spot-check-item-list.<format>", "/api/spot-check-items.json",      DENIED,      OK,          OK,          OK,          *STAFF_OK),
    R("spot-check-item-detail",  "/api/spot-check-items/{checked_item_a.pk}/", DENIED, NOT_FOUND,   OK,          NOT_FOUND,   *STAFF_OK),
    R("spot-check-item-detail.<format>", "/api/spot-check-items/{checked_item_a.pk}.json", DENIED, NOT_FOUND, OK, NOT_FOUND, *STAFF_OK),
    R("spot-check-item-detail",  "/api/spot-check-items/{spot_item_a.pk}/", DENIED,   NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   *STAFF_OK),
    # --- the inspectors' phone form: only the two inspectors assigned (reviewer, approver) ----
    R("inspect:mine",            "/inspect/",                             LOGIN,       DENIED,      DENIED,      DENIED,      OK,          OK,          DENIED,      DENIED),
    R("inspect:sheet",           "/inspect/{sheet_inspection_a.pk}/",           LOGIN,       DENIED,      DENIED,      DENIED,      OK,          OK,          DENIED,      DENIED),
    R("inspect:draft",           "/inspect/{sheet_inspection_a.pk}/draft/",     LOGIN,       *(NOT_ALLOWED,) * 7),  # a POST of JSON
    R("inspect:photos",          "/inspect/{sheet_inspection_a.pk}/photos/",    LOGIN,       *(NOT_ALLOWED,) * 7),  # a POST of files
]
# fmt: on

# API rows also requested as a browser would (the browsable API renders forms and filters).
BROWSABLE = {
    row.key
    for row in MATRIX
    if row.url.startswith("/api/")
    and not row.key.endswith(".<format>")
    # not these: no data, or a file whatever the Accept header
    and row.key
    not in (
        "api-token",
        "api-id-search",
        "schema",
        "swagger-ui",
        "notice-download",
        "voucher-pdf",
        "voucher-settlement-pdf",
        "voucher-settlement-xlsx",
    )
}

# Patterns that need no row, and why. Empty: every pattern, Django's own included, has rows.
EXCLUDED: dict[str, str] = {}


# --- writes by those who may not make them -------------------------------------------------

WRITE_ACTORS = ("anonymous", "applicant", "agency_a", "agency_b", "official")
# Bureau staff deciding a step that workflow.py gives to another role, or that the four eyes
# forbid them (the superuser did the first review of passed_a).
STAFF_WRITE_ACTORS = ("reviewer", "approver", "superuser")


@dataclass(frozen=True)
class Write:
    key: str
    method: str
    url: str
    data: dict
    expected: tuple[Outcome | None, ...]  # in the order of ``actors``
    by: str | None  # an actor for whom the same request does change the data
    actors: tuple[str, ...] = WRITE_ACTORS


def W(key: str, method: str, url: str, data: dict, *expected, by: str | None) -> Write:
    assert len(expected) == len(WRITE_ACTORS), f"{key}: one outcome per actor in {WRITE_ACTORS}"
    return Write(key, method, url, data, expected, by)


def SW(key: str, method: str, url: str, data: dict, *expected, by: str | None) -> Write:
    assert len(expected) == len(STAFF_WRITE_ACTORS), f"{key}: one per {STAFF_WRITE_ACTORS}"
    return Write(key, method, url, data, expected, by, STAFF_WRITE_ACTORS)


class Upload:
    """A file field's value in a write: a fresh PDF each time it is sent (multipart)."""

    def __repr__(self) -> str:
        return "Upload()"


class PhotoUpload(Upload):
    """A photo taken at an inspection (a PNG, multipart)."""

    def __repr__(self) -> str:
        return "PhotoUpload()"


class RosterUpload(Upload):
    """A roster CSV enrolling one new trainee (multipart)."""

    def __repr__(self) -> str:
        return "RosterUpload()"


REASON = {"reason": "权限矩阵测试"}
RECTIFICATION_ANSWER = {"answer": "已公示服务规范"}
ATTACHMENT = {"code": "other", "file": Upload()}
NEW_CLAIM = {
    "period": "2026",
    "declared_requested_amount": "50000.00",
    "declared_basis": "2026年度业绩考评优秀",
}
NEW_CLAIM_API = {
    "claim_type": "{new_claim_type.pk}",
    "period": "2026",
    "declared": {"requested_amount": "50000.00", "basis": "2026年度业绩考评优秀"},
}
CLAIM_CHANGE = {
    "declared_lender": "中国银行包头昆都仑支行",
    "declared_contract_number": "BT-2025-0601",
    "declared_loan_amount": "300000.00",
    "declared_annual_rate": "6.00",
    "declared_loan_start": "2025-06-01",
    "declared_loan_end": "2027-05-31",
    "declared_interest_paid": "1234.56",
}
APPROVAL = {"approved_amount": "4321.09", **REASON}
PAYMENT = {"paid_on": "2026-11-02", "bank_reference": "BOC-2026-0001"}
CLAIM_TYPE_CHANGE = {
    "name": "篡改的贴息",
    "group": "interest",
    "description": "",
    "calculator": "interest",
    "parameters": '{{"rate": "0.50"}}',  # braces doubled: the data is filled like the URLs
    "eligibility": "registered",
    "period_kind": "quarter",
    "required_attachments": "loan_contract 创业担保贷款合同\ninterest_receipt 银行利息支付回单",
    "active": "on",
    "sort_order": "1",
}
NEW_CLAIM_TYPE = {**CLAIM_TYPE_CHANGE, "code": "matrix_test", "policy_year": "2026"}
FUND_CHANGE = {"amount": "2000000.00", "note": "追加预算"}
NEW_FUND = {"year": "2027", "claim_type": "", "amount": "500000.00", "note": ""}
NEW_SETTING_CHANGE = {**NEW_FUND, "kind": "fund", "reason": "权限矩阵测试"}
STANDING_CHANGE = {"inspection": "failed", "rating": "unqualified", "note": "权限矩阵测试"}
SHEET_SAVE = {"score_{inspection_item.pk}": "88", "notes": "权限矩阵测试", "action": "save"}
SHEET_DRAFT = {"scores": {"{inspection_item.pk}": {"score": "80", "note": ""}}, "notes": "草稿"}
NEW_VISIT = {
    "agency": "{org_a.pk}",
    "visited_on": "2026-04-01",
    "staff": ["{users[reviewer].pk}"],
    "purpose": "权限矩阵走访",
}
CREATE_EVALUATIONS = {
    "action": "create_evaluations",
    "_selected_action": ["{evaluation_scheme.pk}"],
}
NEW_STANDING = {"agency": "{org_a.pk}", "year": "2025", "inspection": "passed", "rating": "good"}
AGENCY_CHANGE = {
    "contact_name": "篡改联系人",
    "phone": "13900000000",
    "address": "篡改地址",
    "formats": ["{business_format.pk}"],
    "employee_count": "1",
}
AGENCY_ADMIN_CHANGE = {
    **AGENCY_CHANGE,
    "name": "{org_a.name}",
    "uscc": "{org_a.uscc}",
    "legal_representative": "张三",
    "street": "{street.pk}",
    "founded_on": "2018-05-01",
    **{
        f"{inline}-{count}": "0"
        for inline in ("recognitions", "filings")
        for count in ("TOTAL_FORMS", "INITIAL_FORMS")
    },
}
NEW_AGENCY = {
    "name": "再申请一个机构",
    "uscc": "{new_uscc}",
    "legal_representative": "王五",
    "contact_name": "王五",
    "phone": "13700000000",
    "address": "昆都仑区某路1号",
    "street": "{street.pk}",
    "formats": ["{business_format.pk}"],
    "founded_on": "2020-01-01",
    "employee_count": 5,
}
WORKER_CHANGE = {
    "job": "篡改岗位",
    "hired_on": "2024-01-01",
    "contract_kind": "labour",
    "contract_start": "2024-01-01",
    "contract_end": "2026-12-31",
}
NEW_WORKER = {"id_number": "{new_id}", "name": "新来的员工", **WORKER_CHANGE}
POLICY_CHANGE = {
    "year": "{policy.year}",
    "target_new_agencies_min": "5",
    "target_new_agencies_max": "10",
    "target_stations_min": "3",
    "target_stations_max": "5",
    "filing_min_workers": "1",
    "filing_min_contract_months": "12",
    "health_check_valid_months": "12",
    "target_centres_min": "0",
    "target_centres_max": "0",
    "target_city_brands_min": "1",
    "target_city_brands_max": "2",
    "filing_valid_months": "12",
    "filing_renewal_days": "90",
}
STREET_CHANGE = {"code": "150203999", "name": "篡改街道", "sort_order": "1", "active": "on"}
NEW_COURSE = {
    "name": "新开培训班",
    "kind": "{course_kind.pk}",
    "street": "",
    "starts_on": "2026-12-01",
    "ends_on": "2026-12-20",
    "class_hours": "40",
    "capacity": "20",
    "policy_year": "2026",
}
COURSE_CHANGE = {**NEW_COURSE, "name": "改名的培训班", "capacity": "25", "status": "enrolling"}
NEW_COURSE_API = {
    "name": "新开培训班",
    "kind": "{course_kind.pk}",
    "starts_on": "2026-12-01",
    "ends_on": "2026-12-20",
    "class_hours": 40,
    "capacity": 20,
    "policy_year": 2026,
}
NEW_TRAINEE = {"name": "新学员", "id_number": "{new_trainee_id}", "phone": "13800000003"}
# Attendance of person_a (no completion, no exam); "completed" unticked by leaving it out.
RECORD = {
    "attended_hours": "32",
    "completed_on": "",
    "exam": "none",
    "certificate_number": "",
    "skill_level": "",
    "certified_on": "",
}
NEW_SIGNUP = {
    "name": "新报名居民",
    "id_number": "{new_trainee_id}",
    "phone": "13800000002",
    "street": "{street.pk}",
    "kinds": ["{course_kind.pk}"],
    "note": "",
    "consent": "on",
}
# The resident of ``signup`` again, while that sign-up is still open: answered as a first
# sign-up (the thanks page, so nobody learns that the ID number signed up before), nothing
# written.
SIGNUP_AGAIN = {
    **NEW_SIGNUP,
    "name": "{signup.person.name}",
    "id_number": "{signup.person.id_number}",
}
COURSE_KIND_CHANGE = {
    "code": "{course_kind.code}",
    "name": "篡改类别",
    "subsidy_standard": "1500.00",
    "sort_order": "1",
    "active": "on",
}
NEW_COURSE_KIND = {
    "code": "matrix_kind",
    "name": "矩阵测试类别",
    "subsidy_standard": "1500.00",
    "sort_order": "99",
    "active": "on",
}
DECLARATIONS = {
    name: True
    for name in (
        "signs_customer_contracts",
        "dispatches_workers",
        "pays_wages_directly",
        "trains_continuously",
    )
}

# Employment vouchers. The agency's record of the home service on voucher_a (whose holder
# chose A), by A's worker; B's worker, for B trying A's voucher with a worker of its own.
REDEEM = {
    "code": "{voucher_a.code}",
    "service_date": "{today}",
    "kind": "{business_format.pk}",
    "worker": "{worker_a.pk}",
    "hours": "2",
    "note": "",
    "idempotency_key": "",
}
REDEEM_WITH_B = {**REDEEM, "worker": "{worker_b.pk}"}
REDEEM_API = {
    "code": "{voucher_a.code}",
    "service_date": "{today}",
    "kind": "{business_format.pk}",
    "worker": "{worker_a.pk}",
    "hours": "2.0",
}
REDEEM_API_WITH_B = {**REDEEM_API, "worker": "{worker_b.pk}"}
VOUCHER_APPLY = {
    "name": "新申请居民",
    "id_number": "{new_household_id}",
    "phone": "13800000005",
    "address": "昆都仑区钢铁大街1号",
    "street": "{street.pk}",
    "target_group": "{voucher_group.pk}",
    "evidence": Upload(),
    "note": "",
    "consent": "on",
}
# The household of application_a applying again: refused on the form, and the page must not
# tell a visitor who knows an ID number that household's application number (with it, the
# number and the ID number unlock the application, its voucher and its choice of agency).
VOUCHER_APPLY_AGAIN = {
    **VOUCHER_APPLY,
    "name": "{application_a.person.name}",
    "id_number": "{application_a.person.id_number}",
}
# A known ID number under another name is no longer refused on the public pages (that told a
# stranger the name did not match): it is taken like any application, flagged for staff, the
# record unchanged; tests/vouchers/test_public_identity.py and
# tests/training/test_signup_identity.py prove the answer is the same byte for byte.
CHOOSE_B = {"application": "{voucher_a.application_id}", "agency": "{org_b.pk}"}
TARGET_GROUP_CHANGE = {
    "name": "篡改群体",
    "description": "",
    "evidence_hint": "",
    "sort_order": "1",
    "active": "on",
}
NEW_TARGET_GROUP = {**TARGET_GROUP_CHANGE, "code": "matrix_group", "name": "矩阵测试群体"}
# The participating agencies are a read-only inline of the batch page.
NO_PARTICIPATIONS = {"participations-TOTAL_FORMS": "0", "participations-INITIAL_FORMS": "0"}
BATCH_CHANGE = {
    "year": "{voucher_batch.year}",
    "name": "改名的矩阵测试券",
    "status": "open",
    "one_per": "household",
    "count": "{voucher_batch.count}",
    "face_value": "{voucher_batch.face_value}",
    "total": "{voucher_batch.total}",
    "applications_open_on": "{voucher_batch.applications_open_on}",
    "applications_close_on": "{voucher_batch.applications_close_on}",
    "valid_from": "{voucher_batch.valid_from}",
    "valid_until": "{voucher_batch.valid_until}",
    **NO_PARTICIPATIONS,
}
NEW_BATCH = {
    "year": "2030",
    "name": "矩阵新批次",
    "status": "draft",
    "one_per": "household",
    "count": "10",
    "face_value": "100.00",
    "total": "1000.00",
    "applications_open_on": "2030-01-01",
    "applications_close_on": "2030-12-31",
    "valid_from": "2030-01-01",
    "valid_until": "2031-06-30",
    **NO_PARTICIPATIONS,
}
NEW_VOUCHER_APPLICATION = {
    "batch": "{voucher_batch.pk}",
    "id_number": "{new_household_id}",
    "head_id_number": "{new_household_id}",
    "name": "柜台代录居民",
    "phone": "13800000006",
    "address": "昆都仑区钢铁大街2号",
    "street": "{street.pk}",
    "target_group": "{voucher_group.pk}",
    "note": "",
}
FOLLOW_UP = {"called_on": "{today}", "reached": "1", "satisfaction": "5", "remarks": ""}
FOLLOW_UP_API = {"called_on": "{today}", "reached": True, "satisfaction": 4, "remarks": ""}
DRAW_A = {"batch": "{voucher_batch.pk}", "month": "{this_month}", "agency": "{org_a.pk}"}
MARK_PAID = {"paid_on": "{today}", "reference": "BOC-2026-0002"}
SPOT_DRAW = {
    "title": "权限矩阵抽查",
    "population": "vouchers",
    "period_start": "2020-01-01",
    "period_end": "{today}",
    "sample_size": "1",
}
SPOT_RECORD = {"outcome": "true", "method": "call", "evidence": "权限矩阵测试：电话回访属实"}
NEW_SETTLEMENT_API = {
    "batch": "{voucher_batch.pk}",
    "agency": "{org_a.pk}",
    "month": "{this_month}",
}

# Inspections: a round of a year not made yet; A's inspection given two inspectors.
NEW_ROUND = {
    "year": "2031",
    "title": "2031 年度年检复核",
    "starts_on": "2031-03-01",
    "due_on": "2031-10-31",
}
ASSIGN_A = {
    "action": "assign_inspectors",
    "_selected_action": "{inspection_a.pk}",
    "post": "yes",
    "inspector_1": "{users[reviewer].pk}",
    "inspector_2": "{users[approver].pk}",
}

# fmt: off
WRITES: list[Write] = [
    # key                          method  url                                        data                 anonymous    applicant    agency_a     agency_b     official
    # --- portal: an agency changing its own records may, so B is only tried on A's objects ----
    W("portal:agency_edit",        "post", "/portal/agency/edit/",                    AGENCY_CHANGE,       LOGIN,       TO_APPLY,    SKIP,        SKIP,        TO_ADMIN, by="agency_a"),
    W("portal:reapply",            "post", "/portal/agency/reapply/",                 {},                  LOGIN,       TO_APPLY,    SKIP,        SKIP,        TO_ADMIN, by=None),
    W("portal:worker_add",         "post", "/portal/workers/add/",                    NEW_WORKER,          LOGIN,       TO_APPLY,    SKIP,        SKIP,        TO_ADMIN, by="agency_a"),
    W("portal:worker_edit",        "post", "/portal/workers/{worker_a.pk}/edit/",     WORKER_CHANGE,       LOGIN,       TO_APPLY,    SKIP,        NOT_FOUND,   TO_ADMIN, by="agency_a"),
    W("portal:worker_leave",       "post", "/portal/workers/{worker_a.pk}/leave/",    {"left_on": "2026-01-02"}, LOGIN, TO_APPLY,    SKIP,        NOT_FOUND,   TO_ADMIN, by="agency_a"),
    W("portal:workers_import",     "post", "/portal/workers/import/",                 {},                  LOGIN,       TO_APPLY,    SKIP,        SKIP,        TO_ADMIN, by=None),
    W("portal:filing",             "post", "/portal/filing/",                         DECLARATIONS,        LOGIN,       TO_APPLY,    SKIP,        SKIP,        TO_ADMIN, by=None),
    # A's return is with the bureau: A is sent back to the page, nothing changed; B saves its own.
    W("portal:survey",             "post", "/portal/survey/2026/",                    {"revenue": "1", "save": "1"}, LOGIN, TO_APPLY, GOES("/portal/survey/2026/"), SKIP, TO_ADMIN, by=None),
    W("claims:new",                "post", "/portal/claims/new/?type={new_claim_type.pk}", NEW_CLAIM,      LOGIN,       TO_APPLY,    SKIP,        SKIP,        TO_ADMIN, by="agency_a"),
    W("claims:edit",               "post", "/portal/claims/{claim_a.pk}/edit/",       CLAIM_CHANGE,        LOGIN,       TO_APPLY,    SKIP,        NOT_FOUND,   TO_ADMIN, by="agency_a"),
    # Once submitted, the figures are the bureau's to judge, not the agency's to change.
    W("claims:edit",               "post", "/portal/claims/{submitted_a.pk}/edit/",   CLAIM_CHANGE,        LOGIN,       TO_APPLY,    TO_CLAIM("submitted_a"), NOT_FOUND, TO_ADMIN, by=None),
    W("claims:attach",             "post", "/portal/claims/{claim_a.pk}/attachments/", ATTACHMENT,         LOGIN,       TO_APPLY,    SKIP,        NOT_FOUND,   TO_ADMIN, by="agency_a"),
    W("claims:attach",             "post", "/portal/claims/{submitted_a.pk}/attachments/", ATTACHMENT,     LOGIN,       TO_APPLY,    TO_CLAIM("submitted_a"), NOT_FOUND, TO_ADMIN, by=None),
    W("claims:detach",             "post", "/portal/claims/{claim_a.pk}/attachments/{attachment_a.pk}/remove/", {}, LOGIN, TO_APPLY,  SKIP,        NOT_FOUND,   TO_ADMIN, by="agency_a"),
    W("claims:detach",             "post", "/portal/claims/{submitted_a.pk}/attachments/{submitted_attachment_a.pk}/remove/", {}, LOGIN, TO_APPLY, TO_CLAIM("submitted_a"), NOT_FOUND, TO_ADMIN, by=None),
    W("claims:transition",         "post", "/portal/claims/{claim_a.pk}/actions/submit/", {},              LOGIN,       TO_APPLY,    SKIP,        NOT_FOUND,   TO_ADMIN, by="agency_a"),
    # An agency takes its own steps only: withdrawing is for drafts and returned claims, and
    # the bureau's steps are no page of the portal.
    W("claims:transition",         "post", "/portal/claims/{submitted_a.pk}/actions/withdraw/", {},        LOGIN,       TO_APPLY,    TO_CLAIM("submitted_a"), NOT_FOUND, TO_ADMIN, by=None),
    W("claims:transition",         "post", "/portal/claims/{submitted_a.pk}/actions/first_pass/", {},      LOGIN,       TO_APPLY,    NOT_FOUND,   NOT_FOUND,   TO_ADMIN, by=None),
    W("notifications",             "post", "/notifications/",                         {},                  LOGIN,       SKIP,        SKIP,        SKIP,        SKIP,     by="agency_a"),
    # Any signed-in user may turn an ID number into a search token (it changes no data; who
    # finds what by it is decided by the list that reads it).
    W("id_search",                 "post", "/search/",                                {"q": "150203198503150027", "next": "/admin/people/person/"}, LOGIN, SKIP, SKIP, SKIP, SKIP, by=None),
    W("api-id-search",             "post", "/api/id-search/",                         {"id_number": "150203198503150027"}, DENIED, SKIP, SKIP, SKIP, SKIP, by=None),
    # --- portal: training (B is only tried on A's course; official is sent to the admin) ----
    W("training:course_add",       "post", "/portal/training/new/",                   NEW_COURSE,          LOGIN,       TO_APPLY,    SKIP,        SKIP,        TO_ADMIN, by="agency_a"),
    W("training:course_edit",      "post", "/portal/training/{course_a.pk}/edit/",    COURSE_CHANGE,       LOGIN,       TO_APPLY,    SKIP,        NOT_FOUND,   TO_ADMIN, by="agency_a"),
    W("training:course_enrol",     "post", "/portal/training/{course_a.pk}/enrol/",   NEW_TRAINEE,         LOGIN,       TO_APPLY,    SKIP,        NOT_FOUND,   TO_ADMIN, by="agency_a"),
    W("training:enrolment_record", "post", "/portal/training/{course_a.pk}/trainees/{enrolment_a.pk}/", RECORD, LOGIN,  TO_APPLY,    SKIP,        NOT_FOUND,   TO_ADMIN, by="agency_a"),
    W("training:roster_import",    "post", "/portal/training/{course_a.pk}/import/",  {},                  LOGIN,       TO_APPLY,    SKIP,        NOT_FOUND,   TO_ADMIN, by=None),
    # The public sign-up is everyone's; signing up twice while the first is open gets the
    # first answer (the thanks page, which says nothing of the first), nothing written.
    W("training_signup:signup",    "post", "/training/signup/",                       NEW_SIGNUP,          SKIP,        SKIP,        SKIP,        SKIP,        SKIP,     by="anonymous"),
    W("training_signup:signup",    "post", "/training/signup/",                       SIGNUP_AGAIN,        *(GOES("/training/signup/thanks/"),) * 5,                    by=None),
    # --- admin: official reads only; nobody else without a bureau role gets in -------------
    W("admin:agencies_agency_change", "post", "/admin/agencies/agency/{org_a.pk}/change/", AGENCY_ADMIN_CHANGE, *NO_ADMIN,                                  DENIED,   by="reviewer"),
    W("admin:agencies_agency_review", "post", "/admin/agencies/agency/{org_a.pk}/review/suspend/", REASON,      *NO_ADMIN,                                  DENIED,   by="reviewer"),
    W("admin:agencies_agency_review", "post", "/admin/agencies/agency/{org_a.pk}/review/deregister/", REASON,   *NO_ADMIN,                                  DENIED,   by="approver"),
    # The list offers official no review action: "no action selected" (200), nothing done.
    W("admin:agencies_agency_changelist", "post", "/admin/agencies/agency/", {"action": "review_suspend", "_selected_action": "{org_a.pk}", "post": "yes", **REASON}, *NO_ADMIN, OK, by="reviewer"),
    W("admin:agencies_worker_add", "post", "/admin/agencies/worker/add/",             {"agency": "{org_a.pk}", **NEW_WORKER}, *NO_ADMIN,                     DENIED,   by="reviewer"),
    W("admin:agencies_worker_change", "post", "/admin/agencies/worker/{worker_a.pk}/change/", WORKER_CHANGE,    *NO_ADMIN,                                  DENIED,   by="reviewer"),
    W("exports:job_retry",         "post", "/exports/{export_job_a.pk}/retry/",      {},                  *NO_ADMIN,                                  NOT_FOUND, by=None),  # another's job
    W("admin:agencies_worker_import", "post", "/admin/agencies/worker/import/",       {"agency": "{org_a.pk}"}, *NO_ADMIN,                                  DENIED,   by=None),
    W("admin:agencies_recognition_add", "post", "/admin/agencies/recognition/add/",   {"agency": "{org_a.pk}", "kind": "market", "year": "2026", "granted_on": "2026-01-01"}, *NO_ADMIN, DENIED, by="reviewer"),
    W("admin:agencies_recognition_review", "post", "/admin/agencies/recognition/{recognition_a.pk}/review/revoke/", REASON, *NO_ADMIN,                      DENIED,   by="reviewer"),
    W("admin:agencies_employeesystemfiling_review", "post", "/admin/agencies/employeesystemfiling/{filing_a.pk}/review/approve/", REASON, *NO_ADMIN,        DENIED,   by="approver"),
    W("admin:agencies_employeesystemfiling_change", "post", "/admin/agencies/employeesystemfiling/{filing_a.pk}/change/", {"status": "filed"}, *NO_ADMIN,   DENIED,   by=None),
    W("admin:agencies_surveyreturn_review", "post", "/admin/agencies/surveyreturn/{survey_return_a.pk}/review/accept/", {}, *NO_ADMIN,                  DENIED,   by="reviewer"),
    W("admin:agencies_surveyreturn_change", "post", "/admin/agencies/surveyreturn/{survey_return_a.pk}/change/", {"status": "accepted"}, *NO_ADMIN,        DENIED,   by=None),
    W("admin:agencies_surveyform_change", "post", "/admin/agencies/surveyform/{survey_form.pk}/change/", {"year": "2026", "title": "篡改"}, *NO_ADMIN,      DENIED,   by=None),
    W("admin:agencies_surveyform_remind", "post", "/admin/agencies/surveyform/{survey_form.pk}/remind/", {},          *NO_ADMIN, GOES("/admin/agencies/surveyform/{survey_form.pk}/not-filed/"), by="reviewer"),
    W("admin:agencies_street_change", "post", "/admin/agencies/street/{street.pk}/change/", STREET_CHANGE,      *NO_ADMIN,                                  DENIED,   by="reviewer"),
    W("admin:agencies_street_add", "post", "/admin/agencies/street/add/",             STREET_CHANGE,       *NO_ADMIN,                                  DENIED,   by="approver"),
    W("admin:agencies_businessformat_change", "post", "/admin/agencies/businessformat/{business_format.pk}/change/", {"name": "篡改业态", "code": "x", "sort_order": "1"}, *NO_ADMIN, DENIED, by="approver"),
    W("admin:agencies_agencypolicy_change", "post", "/admin/agencies/agencypolicy/{policy.pk}/change/", POLICY_CHANGE, *NO_ADMIN,                           DENIED,   by="reviewer"),
    W("admin:people_person_change", "post", "/admin/people/person/{person_a.pk}/change/", {"name": "篡改"},      *NO_ADMIN,                                  DENIED,   by=None),
    W("admin:audit_auditentry_delete", "post", "/admin/audit/auditentry/{audit_a.pk}/delete/", {"post": "yes"}, *NO_ADMIN,                                  DENIED,   by=None),
    W("admin:accounts_user_change", "post", "/admin/accounts/user/{users[agency_a].pk}/change/", {"username": "agency_a", "is_superuser": "on"}, *NO_ADMIN,  DENIED,   by=None),
    # --- admin: inspections (official reads only: the lists offer it no action) ------------
    W("admin:inspections_inspectionround_add", "post", "/admin/inspections/inspectionround/add/", NEW_ROUND, *NO_ADMIN,                            DENIED,   by="reviewer"),
    W("admin:inspections_inspectionround_changelist", "post", "/admin/inspections/inspectionround/", {"action": "plan_year", "_selected_action": "{inspection_round.pk}"}, *NO_ADMIN, OK, by="approver"),
    W("admin:inspections_inspection_changelist", "post", "/admin/inspections/inspection/", ASSIGN_A, *NO_ADMIN,                                  OK,       by="reviewer"),
    W("admin:inspections_checklisttemplate_changelist", "post", "/admin/inspections/checklisttemplate/", {"action": "make_new_version", "_selected_action": "{checklist_template.pk}"}, *NO_ADMIN, OK, by="reviewer"),
    W("admin:agencies_agencystanding_change", "post", "/admin/agencies/agencystanding/{standing_a.pk}/change/", STANDING_CHANGE, *NO_ADMIN,                 DENIED,   by=None),
    W("admin:agencies_agencystanding_add", "post", "/admin/agencies/agencystanding/add/", NEW_STANDING,    *NO_ADMIN,                                  DENIED,   by=None),
    # --- the inspectors' phone form (officials and agencies score nothing) -----------------
    W("reports:request",           "post", "/reports/runs/",                          {"year": "{report_run.year}"}, LOGIN, DENIED, DENIED,      DENIED,      SKIP,        by="official"),
    W("reports:run",               "post", "/reports/runs/{report_run.pk}/",          {},                  LOGIN,       NOT_FOUND,   NOT_FOUND,   NOT_FOUND,   SKIP,        by=None),
    W("inspect:sheet",             "post", "/inspect/{sheet_inspection_a.pk}/",            SHEET_SAVE,          LOGIN,       DENIED,      DENIED,      DENIED,      DENIED,      by="reviewer"),
    W("inspect:draft",             "post", "/inspect/{sheet_inspection_a.pk}/draft/",      SHEET_DRAFT,         LOGIN,       DENIED,      DENIED,      DENIED,      DENIED,      by="approver"),
    W("inspect:photos",            "post", "/inspect/{sheet_inspection_a.pk}/photos/",     {"photos": PhotoUpload()}, LOGIN, DENIED,      DENIED,      DENIED,      DENIED,      by="reviewer"),
    # --- admin: subsidies (each step by the role workflow.py names; official decides nothing)
    W("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{submitted_a.pk}/review/first_pass/", REASON, *NO_ADMIN,                            DENIED,   by="reviewer"),
    W("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{submitted_a.pk}/review/return/", REASON, *NO_ADMIN,                                DENIED,   by="reviewer"),
    W("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{passed_a.pk}/review/approve/", APPROVAL, *NO_ADMIN,                                DENIED,   by="approver"),
    W("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{passed_a.pk}/review/reject/", REASON, *NO_ADMIN,                                   DENIED,   by="approver"),
    W("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{approved_a.pk}/review/pay/", PAYMENT, *NO_ADMIN,                                   DENIED,   by="reviewer"),
    W("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{approved_a.pk}/review/revoke/", REASON, *NO_ADMIN,                                 DENIED,   by="approver"),
    W("admin:subsidies_claim_changelist", "post", "/admin/subsidies/claim/", {"action": "review_first_pass", "_selected_action": "{submitted_a.pk}", "post": "yes"}, *NO_ADMIN, DENIED, by="reviewer"),
    W("admin:subsidies_claim_change", "post", "/admin/subsidies/claim/{submitted_a.pk}/change/", {"last_reason": "篡改"}, *NO_ADMIN,                     DENIED,   by=None),
    # The catalogue is the approvers' (业务经办 review the claims); rates change by proposal only.
    W("admin:subsidies_claimtype_change", "post", "/admin/subsidies/claimtype/{claim_type.pk}/change/", CLAIM_TYPE_CHANGE, *NO_ADMIN,                      DENIED,   by="approver"),
    W("admin:subsidies_claimtype_add", "post", "/admin/subsidies/claimtype/add/",   NEW_CLAIM_TYPE,      *NO_ADMIN,                                  DENIED,   by="approver"),
    # Copying to next year is not offered to official: "no action selected" (200), nothing done.
    W("admin:subsidies_claimtype_changelist", "post", "/admin/subsidies/claimtype/", {"action": "copy_to_next_year", "_selected_action": "{claim_type.pk}"}, *NO_ADMIN, OK, by="approver"),
    # A budget is never typed into the fund: it is proposed, and a second approver approves.
    W("admin:subsidies_specialfund_change", "post", "/admin/subsidies/specialfund/{fund.pk}/change/", FUND_CHANGE, *NO_ADMIN,                               DENIED,   by=None),
    W("admin:subsidies_specialfund_add", "post", "/admin/subsidies/specialfund/add/", NEW_FUND,          *NO_ADMIN,                                  DENIED,   by=None),
    W("admin:subsidies_settingchange_add", "post", "/admin/subsidies/settingchange/add/", NEW_SETTING_CHANGE, *NO_ADMIN,                         DENIED,   by="approver"),
    W("admin:subsidies_settingchange_review", "post", "/admin/subsidies/settingchange/{setting_change.pk}/review/approve/", REASON, *NO_ADMIN,      DENIED,   by=None),
    W("admin:subsidies_notice_changelist", "post", "/admin/subsidies/notice/", {"action": "regenerate_pdf", "_selected_action": "{notice_a.pk}"}, *NO_ADMIN, OK, by="reviewer"),
    W("admin:subsidies_notice_change", "post", "/admin/subsidies/notice/{notice_a.pk}/change/", {"reason": "篡改"}, *NO_ADMIN,                             DENIED,   by=None),
    # --- admin: training (official reads only) ------------------------------------------------
    W("admin:training_course_add", "post", "/admin/training/course/add/",             {"provider": "{org_a.pk}", **NEW_COURSE}, *NO_ADMIN,                   DENIED,   by="reviewer"),
    W("admin:training_course_change", "post", "/admin/training/course/{course_a.pk}/change/", COURSE_CHANGE,    *NO_ADMIN,                                  DENIED,   by="approver"),
    W("admin:training_course_import_roster", "post", "/admin/training/course/{course_a.pk}/import-roster/", {}, *NO_ADMIN,                                  DENIED,   by=None),
    W("admin:training_enrolment_change", "post", "/admin/training/enrolment/{enrolment_a.pk}/change/", RECORD,  *NO_ADMIN,                                  DENIED,   by="reviewer"),
    W("admin:training_trainingsignup_enrol", "post", "/admin/training/trainingsignup/{signup.pk}/enrol/", {"course": "{course_a.pk}"}, *NO_ADMIN,           DENIED,   by="reviewer"),
    W("admin:training_coursekind_change", "post", "/admin/training/coursekind/{course_kind.pk}/change/", COURSE_KIND_CHANGE, *NO_ADMIN,                     DENIED,   by="reviewer"),
    W("admin:training_coursekind_add", "post", "/admin/training/coursekind/add/",     NEW_COURSE_KIND,     *NO_ADMIN,                                  DENIED,   by="approver"),
    W("admin:training_trainingtarget_change", "post", "/admin/training/trainingtarget/{target.pk}/change/", {"year": "{target.year}", "people": "2500"}, *NO_ADMIN, DENIED, by="approver"),
    # --- API: official reads only; B and applicants find nothing of A's; nobody decides on itself
    # An account that already belongs to an agency cannot apply for a second one (400).
    W("agency-list",               "post", "/api/agencies/",                          NEW_AGENCY,          DENIED,      SKIP,        BAD_REQUEST, BAD_REQUEST, DENIED,   by="applicant"),
    W("agency-detail",             "patch", "/api/agencies/{org_a.pk}/",              {"phone": "13900000000"}, DENIED, NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    W("agency-transition",         "post", "/api/agencies/{org_a.pk}/transition/",    {"action": "suspend", **REASON}, DENIED, NOT_FOUND, DENIED,   NOT_FOUND,   DENIED,   by="reviewer"),
    # B naming A's agency is refused as "not found" on the field (400).
    W("worker-list",               "post", "/api/workers/",                           {"agency": "{org_a.pk}", **NEW_WORKER}, DENIED, DENIED, SKIP,   BAD_REQUEST, DENIED,   by="agency_a"),
    W("worker-detail",             "patch", "/api/workers/{worker_a.pk}/",            {"job": "篡改岗位"},  DENIED,      NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    W("filing-list",               "post", "/api/filings/",                           DECLARATIONS,        DENIED,      DENIED,      SKIP,        SKIP,        DENIED,   by=None),
    W("filing-decide",             "post", "/api/filings/{filing_a.pk}/decide/",      {"action": "approve"}, DENIED,    NOT_FOUND,   DENIED,      NOT_FOUND,   DENIED,   by="approver"),
    # The format-suffixed twins of the actions are the same actions.
    W("agency-transition.<format>", "post", "/api/agencies/{org_a.pk}/transition.json", {"action": "suspend", **REASON}, DENIED, NOT_FOUND, DENIED, NOT_FOUND, DENIED, by="reviewer"),
    W("filing-decide.<format>",    "post", "/api/filings/{filing_a.pk}/decide.json",  {"action": "approve"}, DENIED,    NOT_FOUND,   DENIED,      NOT_FOUND,   DENIED,   by="approver"),
    # --- API: subsidies. B names nothing of A's; the agency fills its claim, the bureau decides
    W("inspections:rectification", "post", "/portal/inspections/rectifications/{rectification_a.pk}/", RECTIFICATION_ANSWER, LOGIN, TO_APPLY, SKIP, NOT_FOUND, TO_ADMIN, by="agency_a"),
    W("rectification-answer",      "post", "/api/rectifications/{rectification_a.pk}/answer/", RECTIFICATION_ANSWER, DENIED, NOT_FOUND, SKIP, NOT_FOUND, DENIED, by="agency_a"),
    W("claim-list",                "post", "/api/claims/",                            NEW_CLAIM_API,       DENIED,      DENIED,      SKIP,        SKIP,        DENIED,   by="agency_a"),
    W("claim-detail",              "patch", "/api/claims/{claim_a.pk}/",              {"declared": {"interest_paid": "1234.56"}}, DENIED, NOT_FOUND, SKIP, NOT_FOUND, DENIED, by="agency_a"),
    W("claim-detail",              "patch", "/api/claims/{submitted_a.pk}/",          {"declared": {"interest_paid": "1234.56"}}, DENIED, NOT_FOUND, DENIED, NOT_FOUND, DENIED, by=None),
    W("claim-transition",          "post", "/api/claims/{claim_a.pk}/transition/",    {"action": "submit"}, DENIED,     NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    W("claim-transition.<format>", "post", "/api/claims/{claim_a.pk}/transition.json", {"action": "submit"}, DENIED,    NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    W("claim-transition",          "post", "/api/claims/{submitted_a.pk}/transition/", {"action": "first_pass"}, DENIED, NOT_FOUND,  DENIED,      NOT_FOUND,   DENIED,   by="reviewer"),
    W("claim-transition",          "post", "/api/claims/{passed_a.pk}/transition/",   {"action": "approve", **APPROVAL}, DENIED, NOT_FOUND, DENIED, NOT_FOUND,  DENIED,   by="approver"),
    W("claim-transition",          "post", "/api/claims/{approved_a.pk}/transition/", {"action": "pay", **PAYMENT}, DENIED, NOT_FOUND,  DENIED,      NOT_FOUND,   DENIED,   by="reviewer"),
    W("claim-attachments",         "post", "/api/claims/{claim_a.pk}/attachments/",   ATTACHMENT,          DENIED,      NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    W("claim-attachments.<format>", "post", "/api/claims/{claim_a.pk}/attachments.json", ATTACHMENT,       DENIED,      NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    W("claim-attachment",          "delete", "/api/claims/{claim_a.pk}/attachments/{attachment_a.pk}/", {}, DENIED,     NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    W("claim-attachment.<format>", "delete", "/api/claims/{claim_a.pk}/attachments/{attachment_a.pk}.json", {}, DENIED, NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    # --- API: training. B names none of A's courses; official reads only ---------------------
    W("course-list",               "post", "/api/courses/",                           NEW_COURSE_API,      DENIED,      DENIED,      SKIP,        SKIP,        DENIED,   by="agency_a"),
    W("course-detail",             "patch", "/api/courses/{course_a.pk}/",            {"capacity": 25},    DENIED,      NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    # Naming A's course is refused as "not found" on the field (400) to those who cannot see it.
    W("course-roster",             "post", "/api/courses/{course_a.pk}/roster/",      {"file": RosterUpload(), "confirm": True}, DENIED, NOT_FOUND, SKIP, NOT_FOUND, DENIED, by="agency_a"),
    W("course-roster.<format>",    "post", "/api/courses/{course_a.pk}/roster.json",  {"file": RosterUpload(), "confirm": True}, DENIED, NOT_FOUND, SKIP, NOT_FOUND, DENIED, by="agency_a"),
    W("enrolment-list",            "post", "/api/enrolments/",                        {"course": "{course_a.pk}", **NEW_TRAINEE}, DENIED, BAD_REQUEST, SKIP, BAD_REQUEST, DENIED, by="agency_a"),
    W("enrolment-detail",          "patch", "/api/enrolments/{enrolment_a.pk}/",      {"attended_hours": 32}, DENIED,   NOT_FOUND,   SKIP,        NOT_FOUND,   DENIED,   by="agency_a"),
    # A certificate number is recorded once: certified_a's again is refused on the field.
    W("enrolment-detail",          "patch", "/api/enrolments/{enrolment_a.pk}/",      {"exam": "passed", "certificate_number": "{certified_a.certificate_number}"}, DENIED, NOT_FOUND, BAD_REQUEST, NOT_FOUND, DENIED, by=None),
    # --- portal: employment vouchers. Only the agency the holder chose redeems, with its own
    # worker; B is refused on the form (200, the reason next to the field), nothing recorded.
    W("vouchers:redeem",           "post", "/portal/vouchers/redeem/",                REDEEM,              LOGIN,       TO_APPLY,    SKIP,        OK,          TO_ADMIN, by="agency_a"),
    W("vouchers:redeem",           "post", "/portal/vouchers/redeem/",                REDEEM_WITH_B,       LOGIN,       TO_APPLY,    OK,          OK,          TO_ADMIN, by=None),
    # --- public voucher pages: applying is everyone's; the same household twice is refused on
    # the form; an application's agency is chosen only in the browser that unlocked it.
    W("vouchers_public:apply",     "post", "/vouchers/apply/",                        VOUCHER_APPLY,       SKIP,        SKIP,        SKIP,        SKIP,        SKIP,     by="anonymous"),
    W("vouchers_public:apply",     "post", "/vouchers/apply/",                        VOUCHER_APPLY_AGAIN, OK,          OK,          OK,          OK,          OK,       by=None),
    W("vouchers_public:choose_agency", "post", "/vouchers/status/agency/",            CHOOSE_B,            TO_LOOKUP,   TO_LOOKUP,   TO_LOOKUP,   TO_LOOKUP,   TO_LOOKUP, by="holder"),
    # --- admin: employment vouchers (official reads only) --------------------------------------
    W("admin:vouchers_targetgroup_change", "post", "/admin/vouchers/targetgroup/{voucher_group.pk}/change/", TARGET_GROUP_CHANGE, *NO_ADMIN,           DENIED,   by="reviewer"),
    W("admin:vouchers_targetgroup_add", "post", "/admin/vouchers/targetgroup/add/",   NEW_TARGET_GROUP,    *NO_ADMIN,                                  DENIED,   by="approver"),
    W("admin:vouchers_voucherbatch_change", "post", "/admin/vouchers/voucherbatch/{voucher_batch.pk}/change/", BATCH_CHANGE, *NO_ADMIN,                  DENIED,   by="reviewer"),
    W("admin:vouchers_voucherbatch_add", "post", "/admin/vouchers/voucherbatch/add/", NEW_BATCH,           *NO_ADMIN,                                  DENIED,   by="approver"),
    W("admin:vouchers_participation_change", "post", "/admin/vouchers/participation/{participation_a.pk}/change/", {"note": "暂停参加"}, *NO_ADMIN,      DENIED,   by="reviewer"),
    W("admin:vouchers_participation_add_agencies", "post", "/admin/vouchers/participation/add-agencies/", {"batch": "{voucher_batch.pk}", "agencies": ["{org_c.pk}"], "note": ""}, *NO_ADMIN, DENIED, by="approver"),
    W("admin:vouchers_participation_changelist", "post", "/admin/vouchers/participation/", {"action": "take_out", "_selected_action": "{participation_a.pk}"}, *NO_ADMIN, DENIED, by="reviewer"),
    W("admin:vouchers_application_add", "post", "/admin/vouchers/application/add/",   NEW_VOUCHER_APPLICATION, *NO_ADMIN,                              DENIED,   by="reviewer"),
    W("admin:vouchers_application_review", "post", "/admin/vouchers/application/{application_a.pk}/review/approve/", {}, *NO_ADMIN,                        DENIED,   by="reviewer"),
    W("admin:vouchers_application_review", "post", "/admin/vouchers/application/{application_a.pk}/review/reject/", REASON, *NO_ADMIN,                     DENIED,   by="approver"),
    W("admin:vouchers_application_review", "post", "/admin/vouchers/application/{application_a.pk}/review/approve_issue/", {}, *NO_ADMIN,                  DENIED,   by="approver"),
    W("admin:vouchers_application_review", "post", "/admin/vouchers/application/{approved_application_a.pk}/review/issue/", {}, *NO_ADMIN,                 DENIED,   by="reviewer"),
    W("admin:vouchers_application_changelist", "post", "/admin/vouchers/application/", {"action": "review_approve", "_selected_action": "{application_a.pk}", "post": "yes"}, *NO_ADMIN, DENIED, by="reviewer"),
    W("admin:vouchers_application_change", "post", "/admin/vouchers/application/{application_a.pk}/change/", {"phone": "13900000009"}, *NO_ADMIN,         DENIED,   by=None),
    W("admin:vouchers_voucher_review", "post", "/admin/vouchers/voucher/{voucher_a.pk}/review/void/", REASON,   *NO_ADMIN,                                  DENIED,   by="reviewer"),
    W("admin:vouchers_voucher_review", "post", "/admin/vouchers/voucher/{voucher_a.pk}/review/choose_agency/", {"agency": "{org_b.pk}"}, *NO_ADMIN,        DENIED,   by="approver"),
    W("admin:vouchers_voucher_review", "post", "/admin/vouchers/voucher/{redeemed_a.pk}/review/follow_up/", FOLLOW_UP, *NO_ADMIN,                          DENIED,   by="reviewer"),
    W("admin:vouchers_voucher_review", "post", "/admin/vouchers/voucher/{redeemed_a.pk}/review/verify_pass/", {}, *NO_ADMIN,                               DENIED,   by="approver"),
    W("admin:vouchers_voucher_review", "post", "/admin/vouchers/voucher/{redeemed_a.pk}/review/verify_fail/", REASON, *NO_ADMIN,                           DENIED,   by="reviewer"),
    W("admin:vouchers_voucher_changelist", "post", "/admin/vouchers/voucher/", {"action": "review_verify_pass", "_selected_action": "{redeemed_a.pk}", "post": "yes"}, *NO_ADMIN, DENIED, by="reviewer"),
    W("admin:vouchers_voucher_change", "post", "/admin/vouchers/voucher/{voucher_a.pk}/change/", {"agency": "{org_b.pk}"}, *NO_ADMIN,                      DENIED,   by=None),
    W("admin:vouchers_settlement_draw", "post", "/admin/vouchers/settlement/draw/",   DRAW_A,              *NO_ADMIN,                                  DENIED,   by="reviewer"),
    W("admin:vouchers_settlement_review", "post", "/admin/vouchers/settlement/{settlement_a.pk}/review/mark_paid/", MARK_PAID, *NO_ADMIN,                  DENIED,   by="approver"),
    W("admin:vouchers_settlement_change", "post", "/admin/vouchers/settlement/{settlement_a.pk}/change/", {"paid_on": "{today}"}, *NO_ADMIN,               DENIED,   by=None),
    W("admin:inspections_spotcheck_draw", "post", "/admin/inspections/spotcheck/draw/", SPOT_DRAW,        *NO_ADMIN,                                  DENIED,   by="reviewer"),
    W("admin:inspections_spotcheckitem_record", "post", "/admin/inspections/spotcheckitem/{spot_item_a.pk}/record/", SPOT_RECORD, *NO_ADMIN,             DENIED,   by="approver"),
    # --- performance evaluation and field visits (issue 12): reviewers and approvers only ----
    W("admin:inspections_performanceevaluation_change", "post", "/admin/inspections/performanceevaluation/{evaluation_a.pk}/change/", {"notes": "权限矩阵测试"}, *NO_ADMIN, DENIED, by="reviewer"),
    W("admin:inspections_evaluationscheme_changelist", "post", "/admin/inspections/evaluationscheme/", CREATE_EVALUATIONS, *NO_ADMIN,           DENIED,   by="reviewer"),
    W("admin:inspections_fieldvisit_add", "post", "/admin/inspections/fieldvisit/add/", NEW_VISIT,         *NO_ADMIN,                                  DENIED,   by="reviewer"),
    W("admin:inspections_fieldvisit_change", "post", "/admin/inspections/fieldvisit/{visit_a.pk}/change/", {**NEW_VISIT, "purpose": "篡改目的"}, *NO_ADMIN, DENIED, by="approver"),
    W("report-run-list",           "post", "/api/report-runs/",                       {"year": "{report_run.year}"}, DENIED, DENIED, DENIED,     DENIED,      SKIP,     by="official"),
    W("field-visit-list",          "post", "/api/field-visits/",                      NEW_VISIT,           DENIED,      DENIED,      DENIED,      DENIED,      DENIED,   by="reviewer"),
    # --- API: employment vouchers. Official reads only; agencies redeem and read their own ----
    W("voucher-batch-detail",      "patch", "/api/voucher-batches/{voucher_batch.pk}/", {"name": "改名的矩阵测试券"}, DENIED, DENIED, DENIED,     DENIED,      DENIED,   by="reviewer"),
    W("voucher-application-list",  "post", "/api/voucher-applications/",              NEW_VOUCHER_APPLICATION, DENIED,  DENIED,      DENIED,      DENIED,      DENIED,   by="reviewer"),
    W("voucher-application-approve", "post", "/api/voucher-applications/{application_a.pk}/approve/", {},    DENIED,      DENIED,      DENIED,      DENIED,      DENIED,   by="reviewer"),
    W("voucher-application-approve.<format>", "post", "/api/voucher-applications/{application_a.pk}/approve.json", {}, DENIED, DENIED, DENIED,     DENIED,      DENIED,   by="approver"),
    W("voucher-application-reject", "post", "/api/voucher-applications/{application_a.pk}/reject/", REASON,  DENIED,      DENIED,      DENIED,      DENIED,      DENIED,   by="approver"),
    W("voucher-application-reject.<format>", "post", "/api/voucher-applications/{application_a.pk}/reject.json", REASON, DENIED, DENIED, DENIED,    DENIED,      DENIED,   by="reviewer"),
    W("voucher-application-issue", "post", "/api/voucher-applications/{approved_application_a.pk}/issue/", {}, DENIED,    DENIED,      DENIED,      DENIED,      DENIED,   by="reviewer"),
    W("voucher-application-issue.<format>", "post", "/api/voucher-applications/{approved_application_a.pk}/issue.json", {}, DENIED, DENIED, DENIED, DENIED,    DENIED,   by="approver"),
    # B and an account without agency find none of A's vouchers; A may not act on its own.
    W("voucher-void",              "post", "/api/vouchers/{voucher_a.pk}/void/",      REASON,              DENIED,      NOT_FOUND,   DENIED,      NOT_FOUND,   DENIED,   by="reviewer"),
    W("voucher-void.<format>",     "post", "/api/vouchers/{voucher_a.pk}/void.json",  REASON,              DENIED,      NOT_FOUND,   DENIED,      NOT_FOUND,   DENIED,   by="approver"),
    W("voucher-choose-agency",     "post", "/api/vouchers/{voucher_a.pk}/choose-agency/", {"agency": "{org_b.pk}"}, DENIED, NOT_FOUND, DENIED,   NOT_FOUND,   DENIED,   by="approver"),
    W("voucher-choose-agency.<format>", "post", "/api/vouchers/{voucher_a.pk}/choose-agency.json", {"agency": "{org_b.pk}"}, DENIED, NOT_FOUND, DENIED, NOT_FOUND, DENIED, by="reviewer"),
    W("voucher-follow-ups",        "post", "/api/vouchers/{redeemed_a.pk}/follow-ups/", FOLLOW_UP_API,     DENIED,      DENIED,      DENIED,      DENIED,      DENIED,   by="reviewer"),
    W("voucher-follow-ups.<format>", "post", "/api/vouchers/{redeemed_a.pk}/follow-ups.json", FOLLOW_UP_API, DENIED,    DENIED,      DENIED,      DENIED,      DENIED,   by="approver"),
    W("voucher-verify",            "post", "/api/vouchers/{redeemed_a.pk}/verify/",   {"passed": True},    DENIED,      NOT_FOUND,   DENIED,      NOT_FOUND,   DENIED,   by="approver"),
    W("voucher-verify.<format>",   "post", "/api/vouchers/{redeemed_a.pk}/verify.json", {"passed": False, "note": "上门核查未见服务"}, DENIED, NOT_FOUND, DENIED, NOT_FOUND, DENIED, by="reviewer"),
    # B naming A's worker is refused on the field (400); with its own worker, on the code.
    W("voucher-redeem",            "post", "/api/vouchers/redeem/",                   REDEEM_API,          DENIED,      DENIED,      SKIP,        BAD_REQUEST, DENIED,   by="agency_a"),
    W("voucher-redeem.<format>",   "post", "/api/vouchers/redeem.json",               REDEEM_API,          DENIED,      DENIED,      SKIP,        BAD_REQUEST, DENIED,   by="agency_a"),
    W("voucher-redeem",            "post", "/api/vouchers/redeem/",                   REDEEM_API_WITH_B,   DENIED,      DENIED,      BAD_REQUEST, BAD_REQUEST, DENIED,   by=None),
    W("voucher-settlement-list",   "post", "/api/voucher-settlements/",               NEW_SETTLEMENT_API,  DENIED,      DENIED,      DENIED,      DENIED,      DENIED,   by="reviewer"),
    W("voucher-settlement-mark-paid", "post", "/api/voucher-settlements/{settlement_a.pk}/mark-paid/", MARK_PAID, DENIED,  NOT_FOUND,   DENIED,      NOT_FOUND,   DENIED,   by="approver"),
    W("voucher-settlement-mark-paid.<format>", "post", "/api/voucher-settlements/{settlement_a.pk}/mark-paid.json", MARK_PAID, DENIED, NOT_FOUND, DENIED, NOT_FOUND, DENIED, by="approver"),
]

STAFF_WRITES: list[Write] = [
    # key                          method  url                                        data                 reviewer     approver     superuser
    # The standing is written by inspections alone: nobody types it in the admin (issue 12).
    SW("admin:agencies_agencystanding_change", "post", "/admin/agencies/agencystanding/{standing_a.pk}/change/", STANDING_CHANGE, DENIED, DENIED, DENIED, by=None),
    # The superuser holds no business role: it scores no inspection.
    SW("inspect:sheet",            "post", "/inspect/{sheet_inspection_a.pk}/",            SHEET_SAVE,          SKIP,        SKIP,        DENIED,      by="reviewer"),
    SW("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{submitted_a.pk}/review/first_pass/", REASON, SKIP, TO_REVIEW("submitted_a"), SKIP, by="reviewer"),
    SW("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{passed_a.pk}/review/approve/", APPROVAL, TO_REVIEW("passed_a"), SKIP, TO_REVIEW("passed_a"), by="approver"),
    SW("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{passed_a.pk}/review/return/", REASON, TO_REVIEW("passed_a"), SKIP, TO_REVIEW("passed_a"), by="approver"),
    SW("admin:subsidies_claim_review", "post", "/admin/subsidies/claim/{claim_a.pk}/review/submit/", REASON, *(TO_REVIEW("claim_a"),) * 3, by=None),
    # Bulk first review by an approver: the action is not offered ("no action selected").
    SW("admin:subsidies_claim_changelist", "post", "/admin/subsidies/claim/", {"action": "review_first_pass", "_selected_action": "{submitted_a.pk}", "post": "yes"}, SKIP, GOES("/admin/subsidies/claim/"), SKIP, by="reviewer"),
    SW("claim-transition",         "post", "/api/claims/{submitted_a.pk}/transition/", {"action": "first_pass"}, SKIP, DENIED,      SKIP,        by="reviewer"),
    SW("claim-transition",         "post", "/api/claims/{passed_a.pk}/transition/",   {"action": "approve", **APPROVAL}, DENIED, SKIP, DENIED,      by="approver"),
    # The agency's own steps are not the bureau's (the superuser holds every role, set-up only).
    SW("claim-transition",         "post", "/api/claims/{claim_a.pk}/transition/",    {"action": "submit"}, DENIED,     DENIED,      SKIP,        by="agency_a"),
    # Staff never fill in an agency's claim.
    SW("claim-detail",             "patch", "/api/claims/{claim_a.pk}/",              {"declared": {"interest_paid": "1234.56"}}, DENIED, DENIED, DENIED, by="agency_a"),
    SW("claim-attachments",        "post", "/api/claims/{claim_a.pk}/attachments/",   ATTACHMENT,          DENIED,      DENIED,      DENIED,      by="agency_a"),
    SW("claim-list",               "post", "/api/claims/",                            NEW_CLAIM_API,       DENIED,      DENIED,      DENIED,      by="agency_a"),
    # Vouchers: redeeming is the chosen agency's (the bureau works in the admin, the API refuses).
    SW("vouchers:redeem",          "post", "/portal/vouchers/redeem/",                REDEEM,              TO_ADMIN,    TO_ADMIN,    TO_ADMIN,    by="agency_a"),
    SW("voucher-redeem",           "post", "/api/vouchers/redeem/",                   REDEEM_API,          DENIED,      DENIED,      DENIED,      by="agency_a"),
    # A statement's payment is recorded by an approver who did not draw it up (four eyes):
    # the reviewer drew up settlement_a, the approver own_settlement_a.
    SW("voucher-settlement-mark-paid", "post", "/api/voucher-settlements/{settlement_a.pk}/mark-paid/", MARK_PAID, DENIED, SKIP,      SKIP,        by="approver"),
    SW("voucher-settlement-mark-paid", "post", "/api/voucher-settlements/{own_settlement_a.pk}/mark-paid/", MARK_PAID, DENIED, DENIED, DENIED,     by=None),
    SW("admin:vouchers_settlement_review", "post", "/admin/vouchers/settlement/{settlement_a.pk}/review/mark_paid/", MARK_PAID, TO_VOUCHER_ADMIN("settlement", "settlement_a"), SKIP, SKIP, by="approver"),
    SW("admin:vouchers_settlement_review", "post", "/admin/vouchers/settlement/{own_settlement_a.pk}/review/mark_paid/", MARK_PAID, *(TO_VOUCHER_ADMIN("settlement", "own_settlement_a"),) * 3, by=None),
    # A budget's proposer does not approve it (four eyes); a reviewer never sets budgets; the
    # superuser holds no role.
    SW("admin:subsidies_settingchange_review", "post", "/admin/subsidies/settingchange/{setting_change.pk}/review/approve/", REASON, DENIED, GOES("/admin/subsidies/settingchange/{setting_change.pk}/change/"), GOES("/admin/subsidies/settingchange/{setting_change.pk}/change/"), by=None),
    # Only the status's actions: a redeemed voucher is not voided, a waiting application not issued.
    SW("admin:vouchers_voucher_review", "post", "/admin/vouchers/voucher/{redeemed_a.pk}/review/void/", REASON, *(TO_VOUCHER_ADMIN("voucher", "redeemed_a"),) * 3, by=None),
    SW("admin:vouchers_application_review", "post", "/admin/vouchers/application/{application_a.pk}/review/issue/", {}, *(TO_VOUCHER_ADMIN("application", "application_a"),) * 3, by=None),
    # Services, follow-up calls and statements are records: nobody edits or deletes them here.
    SW("admin:vouchers_service_change", "post", "/admin/vouchers/service/{service_a.pk}/change/", {"hours": "8"}, DENIED, DENIED, DENIED, by=None),
    SW("admin:vouchers_followup_change", "post", "/admin/vouchers/followup/{followup_a.pk}/change/", {"satisfaction": "1"}, DENIED, DENIED, DENIED, by=None),
    SW("admin:vouchers_settlement_delete", "post", "/admin/vouchers/settlement/{settlement_a.pk}/delete/", {"post": "yes"}, DENIED, DENIED, DENIED, by=None),
    SW("admin:vouchers_voucher_delete", "post", "/admin/vouchers/voucher/{voucher_a.pk}/delete/", {"post": "yes"}, DENIED, DENIED, DENIED, by=None),
    SW("admin:vouchers_application_delete", "post", "/admin/vouchers/application/{application_a.pk}/delete/", {"post": "yes"}, DENIED, DENIED, DENIED, by=None),
    # A sign-up is turned into an enrolment, never edited, by anyone.
    SW("admin:training_trainingsignup_change", "post", "/admin/training/trainingsignup/{signup.pk}/change/", {"phone": "13900000009"}, DENIED, DENIED, DENIED, by=None),
]
# fmt: on

# Whatever the status, nothing of A's may appear in what these actors are sent...
OUTSIDERS = ("anonymous", "applicant", "agency_b")
# ... and a full ID number only in what these are sent (everyone else sees it masked).
FULL_ID_ACTORS = ("reviewer", "approver")


# --- the world, built once for the module -----------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Actors and agency A's objects, built once and rolled back after the module; each test
    still runs in its own transaction inside this one, so no write leaks into the next."""
    module_settings = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    module_settings.enable()
    # Voucher PDFs are rendered on request: their HTML stands in for the PDF (see html_pdf).
    pdf_engine = mock.patch("kunqu_jiafu.documents.pdf.render_pdf", html_pdf)
    pdf_engine.start()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            world = build_world()
            world.sessions = {actor: _session_of(user) for actor, user in world.users.items()}
            # Not a column: the household's browser that unlocked voucher_a's application.
            world.sessions["holder"] = holder_session(world.voucher_a.application)
            yield world
            transaction.set_rollback(True)
    finally:
        pdf_engine.stop()
        module_settings.disable()


@pytest.fixture(autouse=True)
def _media_root():
    """Replaces the suite's per-test settings: the licence file lives in the module's
    MEDIA_ROOT, set (with the fast hasher) in ``world``."""


def _fill(value, world):
    if isinstance(value, str):
        return value.format(**vars(world))
    if isinstance(value, list):
        return [_fill(item, world) for item in value]
    if isinstance(value, dict):
        return {_fill(key, world): _fill(item, world) for key, item in value.items()}
    if isinstance(value, RosterUpload):
        return roster_upload(world.new_trainee_id)
    if isinstance(value, PhotoUpload):
        return png_upload()
    if isinstance(value, Upload):
        return pdf_upload()
    return value


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    # Module-scoped (outside the per-test wrapper of force_login): staff pass the second factor.
    factories.verify_session_if_staff(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _client(world, actor: str) -> Client:
    """Signed in with the session opened once per actor in ``world`` (logging in for each of
    the thousands of requests was a sixth of the matrix's time)."""
    client = Client()
    if actor != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]
    return client


def _key_of(url: str) -> str:
    """The matrix key of the pattern that serves ``url``."""
    match = resolve(url.partition("?")[0])
    if match.url_name is None:
        return "/" + match.route
    return match.view_name + (".<format>" if "format" in match.kwargs else "")


def _send(client: Client, method: str, url: str, data: dict):
    json_body = url.startswith("/api/") or (url.startswith("/inspect/") and url.endswith("/draft/"))
    if json_body and not any(isinstance(v, File) for v in data.values()):
        return getattr(client, method)(url, json.dumps(data), content_type="application/json")
    return getattr(client, method)(url, data)


def _check(response, expected: Outcome, world) -> None:
    got = f"{response.status_code} {response.get('Location', '')}".strip()
    assert response.status_code == expected.status, f"expected {expected}, got {got}"
    if expected.location:
        target = _fill(expected.location, world)
        assert response["Location"].startswith(target), f"expected {expected}, got {got}"


def _readable(response) -> bytes:
    """The body as text bytes; for a spreadsheet (a zip), the XML inside it."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    return body


def _assert_not_shown(body: bytes, secrets, actor: str, url: str) -> None:
    for secret in secrets:
        assert secret.encode() not in body, f"{actor} is shown {secret!r} at {url}"


def _sent_values(data) -> list[str]:
    if isinstance(data, dict):
        return [text for value in data.values() for text in _sent_values(value)]
    if isinstance(data, list):
        return [text for value in data for text in _sent_values(value)]
    return [data] if isinstance(data, str) else []


def _assert_discreet(response, world, actor: str, url: str, sent=None) -> None:
    """Outsiders see nothing of A (nor of its vouchers' holders, nor their application
    numbers); only reviewers and approvers see a full ID number. What the actor sent itself
    (a form shown again with its input) is no secret to it."""
    body = _readable(response)
    echoed = _sent_values(sent or {})

    def secrets(*values: str) -> list[str]:
        return [v for v in values if not any(v in text for text in echoed)]

    if actor in OUTSIDERS:
        numbers = [a.number for a in world.voucher_applications]
        found = secrets(A_NAME, A_WORKER_NAME, world.org_a.uscc, HOLDER_NAME, *numbers)
        _assert_not_shown(body, found, actor, url)
    if actor not in FULL_ID_ACTORS:
        _assert_not_shown(body, secrets(world.person_a.id_number, *world.holder_ids), actor, url)


INLINE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
TAG = re.compile(rb"<[a-zA-Z][^<>]*>")
EVENT_ATTRIBUTE = re.compile(rb"\son[a-z]+\s*=", re.I)
DATA_SCRIPT = re.compile(rb"type\s*=\s*[\"']?application/(ld\+)?json", re.I)


STYLE_ELEMENT = re.compile(rb"<style\b[^>]*>(.*?)</style\s*>", re.I | re.S)
STYLE_ATTRIBUTE = re.compile(rb"\sstyle\s*=", re.I)


def _style_hash(block: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block).digest()).decode() + "'"


def _assert_csp_safe(response, url: str) -> None:
    """Every answer carries the Content-Security-Policy, and no HTML page needs an exception to
    it: no inline script with code (a JSON data block is not run), no on...= handler, no style
    attribute, and no <style> element unless the policy names its hash (issue 11)."""
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self';" in policy, f"{url}: no script policy ({policy!r})"
    # DRF's browsable API alone keeps inline styles (its own templates write them).
    browsable = getattr(getattr(response, "accepted_renderer", None), "format", None) == "api"
    assert ("'unsafe-inline'" in policy) == browsable, f"{url}: inline styles? ({policy!r})"
    assert "frame-ancestors 'none'" in policy, url
    assert "camera=" in response.get("Permissions-Policy", ""), url
    assert "no-store" in response.get("Cache-Control", ""), f"{url} may be cached"
    if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
        return
    for attributes, code in INLINE_SCRIPT.findall(response.content):
        if b"src=" in attributes or DATA_SCRIPT.search(attributes):
            continue
        assert not code.strip(), f"{url} has an inline script: {code[:80]!r}"
    for tag in TAG.findall(response.content):
        assert not EVENT_ATTRIBUTE.search(tag), (
            f"{url} has an event handler attribute: {tag[:120]!r}"
        )
        assert browsable or not STYLE_ATTRIBUTE.search(tag), (
            f"{url} has a style attribute: {tag[:120]!r}"
        )
    for block in [] if browsable else STYLE_ELEMENT.findall(response.content):
        assert _style_hash(block) in policy, f"{url} has an unhashed <style>: {block[:80]!r}"


def _params(rows) -> list:
    """One test per (row, actor); the id is the pattern key, with the URL where keys repeat."""
    params = []
    for row in rows:
        repeated = sum(other.key == row.key for other in rows) > 1
        label = f"{row.key}[{row.url}]" if repeated else row.key
        actors = getattr(row, "actors", ACTORS)
        for actor, expected in zip(actors, row.expected, strict=True):
            if expected is not SKIP:
                params.append(pytest.param(row, actor, expected, id=f"{label}-{actor}"))
    return params


def _proofs() -> list[Write]:
    """The writes with someone who may make them, each once."""
    seen, proofs = set(), []
    for row in WRITES + STAFF_WRITES:
        if row.by and (row.method, row.url, row.by) not in seen:
            seen.add((row.method, row.url, row.by))
            proofs.append(row)
    return proofs


# --- the tests --------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix():
    covered = {row.key for row in MATRIX} | set(EXCLUDED)
    patterns = {pattern.key for pattern in url_patterns()}
    missing = sorted(patterns - covered)
    assert not missing, (
        "URL patterns without a row in MATRIX (add rows with the expected outcome for every "
        f"actor, or a line in EXCLUDED saying why none is needed): {missing}"
    )
    stale = sorted(covered - patterns)
    assert not stale, f"MATRIX or EXCLUDED name patterns that no longer exist: {stale}"
    # admin:app_list is one pattern for every app in the admin: each app needs its row.
    app_rows = {row.url.strip("/").split("/")[1] for row in MATRIX if row.key == "admin:app_list"}
    apps_in_admin = {model._meta.app_label for model in admin.site._registry}
    assert app_rows == apps_in_admin, f"admin:app_list rows vs apps: {app_rows ^ apps_in_admin}"


@pytest.mark.parametrize(("row", "actor", "expected"), _params(MATRIX))
def test_get(world, db, row: Row, actor: str, expected: Outcome):
    url = _fill(row.url, world)
    assert _key_of(url) == row.key, f"{url} is not served by {row.key}"
    client = _client(world, actor)
    response = client.get(url)
    _check(response, expected, world)
    _assert_discreet(response, world, actor, url)
    _assert_csp_safe(response, url)
    if row.key in BROWSABLE:
        # The same URL in the browsable API (a browser's Accept header): same answer, and its
        # forms and filters show no more than the JSON does.
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response["Content-Type"].startswith("text/html")
        _check(response, expected, world)
        _assert_discreet(response, world, actor, url)
        _assert_csp_safe(response, url)
    if actor == "official" and row.key.endswith("_change") and response.status_code == 200:
        assert b'name="_save"' not in response.content, "official is offered a save button"


@pytest.mark.parametrize(("row", "actor", "expected"), _params(WRITES + STAFF_WRITES))
def test_write_is_refused_and_changes_nothing(world, db, row: Write, actor: str, expected: Outcome):
    url = _fill(row.url, world)
    assert _key_of(url) == row.key, f"{url} is not served by {row.key}"
    before = fingerprint(world)
    data = _fill(row.data, world)
    response = _send(_client(world, actor), row.method, url, data)
    _check(response, expected, world)
    assert fingerprint(world) == before, f"{actor}'s {row.method.upper()} {url} changed data"
    _assert_discreet(response, world, actor, url, sent=data)


@pytest.mark.parametrize("row", [pytest.param(w, id=f"{w.key}[{w.url}]-{w.by}") for w in _proofs()])
def test_the_same_write_from_someone_who_may_does_change_data(world, db, row: Write):
    """Proves each refused write above was a real, valid request: only the actor differed."""
    url = _fill(row.url, world)
    before = fingerprint(world)
    response = _send(_client(world, row.by), row.method, url, _fill(row.data, world))
    assert response.status_code in (200, 201, 204, 302), response.status_code
    assert fingerprint(world) != before, f"{row.by}'s {row.method.upper()} {url} changed nothing"


# The household's own browser, once the application number and the ID number unlocked its
# application: what the matrix refuses everyone else (404, or back to the look-up) is its own.
HOLDER_GETS = [
    ("vouchers_public:status", "/vouchers/status/?a={voucher_a.application_id}"),
    ("vouchers_public:status_pdf", "/vouchers/status/voucher.pdf?a={voucher_a.application_id}"),
]


@pytest.mark.parametrize(("key", "url"), HOLDER_GETS, ids=[key for key, _url in HOLDER_GETS])
def test_the_household_that_unlocked_its_application_reaches_it(world, db, key: str, url: str):
    url = _fill(url, world)
    assert _key_of(url) == key
    response = _client(world, "holder").get(url)
    _check(response, OK, world)
    body = _readable(response)
    assert world.voucher_a.display_code.encode() in body
    # Its own ID number masked, like everyone's outside the bureau's reviewers.
    _assert_discreet(response, world, "holder", url)


# --- 三员分立: the three administrators --------------------------------------------------------
# Not columns of the table: each is held to its own admin pages. Anything else answers them at
# most what it answers a signed-up applicant (public pages, empty API lists), and shows them
# nothing of agency A and no full ID number; none of them changes anything outside its area.
ADMIN_COMMON = (
    "admin:index",
    "exports:jobs",  # one's own background exports: an administrator's list is empty
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
)
OWN_PAGES = {
    "security_admin": ("admin:accounts_user", "admin:auth_", "admin:authtoken_tokenproxy"),
    "audit_admin": ("admin:audit_auditentry",),
    "system_admin": (
        "admin:agencies_street",
        "admin:agencies_businessformat",
        "admin:notifications_notification",
    ),
}
OWN_APPS = {
    "security_admin": ("/admin/accounts/", "/admin/auth/", "/admin/authtoken/"),
    "audit_admin": ("/admin/audit/",),
    "system_admin": ("/admin/agencies/", "/admin/notifications/"),
}


PUBLIC_FORMS = ("training_signup:", "vouchers_public:")


def _own(actor: str, key: str, url: str) -> bool:
    if key == "admin:app_list":
        return url in OWN_APPS[actor]
    return key in ADMIN_COMMON or key.startswith(OWN_PAGES[actor])


def _administrator_params(rows) -> list:
    return [
        pytest.param(row, actor, id=f"{row.key}[{row.url}]-{actor}")
        for row in rows
        for actor in ADMINISTRATORS
    ]


@pytest.mark.parametrize(("row", "actor"), _administrator_params(MATRIX))
def test_administrators_reach_only_their_own_pages(world, db, row: Row, actor: str):
    url = _fill(row.url, world)
    response = _client(world, actor).get(url)
    assert response.status_code < 500, response.status_code
    body = _readable(response)
    _assert_not_shown(body, [world.person_a.id_number, *world.holder_ids], actor, url)
    if _own(actor, row.key, row.url):
        return
    applicant = row.expected[ACTORS.index("applicant")]
    if response.status_code == 200:
        assert applicant == OK, f"{actor} reads {url}, which a stranger may not"
        _assert_discreet(response, world, "applicant", url)


@pytest.mark.parametrize(("row", "actor"), _administrator_params(WRITES + STAFF_WRITES))
def test_administrators_take_no_business_decision(world, db, row: Write, actor: str):
    url = _fill(row.url, world)
    if _own(actor, row.key, row.url) or row.key.startswith(PUBLIC_FORMS):
        return  # their own area, or a public form that anyone, signed in or not, may send
    before = fingerprint(world)
    response = _send(_client(world, actor), row.method, url, _fill(row.data, world))
    assert response.status_code < 500, response.status_code
    assert fingerprint(world) == before, f"{actor}'s {row.method.upper()} {url} changed data"


def test_the_own_pages_of_each_administrator_answer_it(world, db):
    """The allow-lists above are real: each administrator does open its own pages."""
    for actor, url in (
        ("security_admin", "/admin/accounts/user/"),
        ("security_admin", "/admin/auth/group/"),
        ("audit_admin", "/admin/audit/auditentry/"),
        ("system_admin", "/admin/agencies/street/"),
        ("system_admin", "/admin/notifications/notification/"),
    ):
        assert _client(world, actor).get(url).status_code == 200, (actor, url)
