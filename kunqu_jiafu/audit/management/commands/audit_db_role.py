"""The application's database role, which must not own the audit tables (issue 11).

The tables belong to the role that runs ``migrate`` (the owner). The web and worker processes
connect as another role: full read and write on the application's tables, but on the audit
tables only what appending needs. Entries: SELECT, INSERT. The head: SELECT, INSERT (created
once, empty), UPDATE (row lock and one step forward: the head's trigger refuses anything
else). Verifications: SELECT, INSERT. No TRUNCATE anywhere, and not being the owner, it cannot
switch the triggers off. Run it as the owner after every ``migrate`` (new tables)."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from kunqu_jiafu.audit.models import AuditCheck, AuditEntry, AuditHead

ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str) -> list[str]:
    entries, head, checks = (m._meta.db_table for m in (AuditEntry, AuditHead, AuditCheck))
    audit = f"{entries}, {head}, {checks}"
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE ALL ON {audit} FROM {role}",
        f"GRANT SELECT, INSERT ON {entries} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE ON {head} TO {role}",
        f"GRANT SELECT, INSERT ON {checks} TO {role}",
    ]


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Print (or apply with --apply, as the tables' owner) the GRANTs of the "
            "application's database role: everything on the application's tables, only "
            "appending on the audit tables. Run after every migrate."
        )

    def add_arguments(self, parser):
        parser.add_argument("role", help=_("the role the application connects as"))
        parser.add_argument("--apply", action="store_true", help=_("run the statements now"))

    def handle(self, *args, role, apply, **options):
        if not ROLE.match(role):
            raise CommandError(
                _(
                    "Role name %(role)r: use lower-case letters, digits and _ only, starting "
                    "with a letter (e.g. kunqu_app)."
                )
                % {"role": role}
            )
        statements = grant_statements(role)
        if not apply:
            self.stdout.write(";\n".join(statements) + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError(_("--apply needs PostgreSQL (DATABASE_URL): roles are its own."))
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(
                    _("Role %(role)s does not exist: create it first (docs/operations.md).")
                    % {"role": role}
                )
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(_("Granted role %(role)s its rights.") % {"role": role})
        )
