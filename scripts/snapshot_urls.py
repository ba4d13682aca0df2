"""What every URL of the permission matrix answers to each actor, as JSON, to compare a
refactor's before and after (issue 10: "Rendered pages, API responses and PDFs are compared
before and after for every URL of the permission matrix").

    .venv/bin/python scripts/snapshot_urls.py OUT.json
    .venv/bin/python scripts/snapshot_urls.py --compare BEFORE.json AFTER.json

The first form builds the permission matrix's world (tests/url_matrix.py) in a throw-away test
database (SQLite in memory; ``test_<name>_snapshot`` on PostgreSQL when DATABASE_URL is set),
requests every row of ``MATRIX`` (tests/test_permission_matrix.py) as every actor, the API rows
of ``BROWSABLE`` also as a browser would (Accept: text/html), and the household's own pages as
the browser that unlocked its application ("holder"). Each answer is recorded as its status,
redirect target, content type and the text a user reads: an HTML page's text without tags,
scripts, styles or attribute values (so no CSRF token); JSON sorted and indented; a PDF's text
as ``pdftotext`` extracts it (PDFs are really rendered here, unlike in the matrix); a
spreadsheet's cells. Values that change from run to run are replaced by placeholders: dates
and times, UUIDs, tokens, ids in URLs. The URL is recorded as the matrix writes it
(``/portal/claims/{claim_a.pk}/``), so ids never enter the comparison.

The second form prints the differences (entries only in one file, then status, location,
content type and text, as a unified diff per entry) and exits 1 if there are any.

Not a test: ``make test`` does not collect it. The world is built as in the matrix, so a run
takes a minute or two (most of it rendering PDFs).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import html.parser
import io
import json
import logging
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent

# --- normalising what a user reads ------------------------------------------------------------

VOLATILE = [
    # Document UUIDs, API tokens, session and CSRF values, signed links (first: their digits
    # are no dates).
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I), "<uuid>"),
    (re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32,}(?![0-9A-Za-z])"), "<token>"),
    (re.compile(r"[A-Za-z0-9_-]{20,}:[A-Za-z0-9_:-]{20,}"), "<signed>"),
    # Dates and times, in the forms the templates, the API and the PDFs use.
    (
        re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"),
        "<datetime>",
    ),
    (re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}(:\d{2})?"), "<datetime>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "<date>"),
    (re.compile(r"\d{4}/\d{1,2}/\d{1,2}"), "<date>"),
    (re.compile(r"\d{4}年\d{1,2}月\d{1,2}日"), "<date>"),
    (re.compile(r"\d{4}年\d{1,2}月"), "<month>"),
    (re.compile(r"\d{4}-\d{2}(?!\d)"), "<month>"),
    (re.compile(r"(?<!\d)\d{1,2}:\d{2}(:\d{2})?(?!\d)"), "<time>"),
    (re.compile(r"\d{1,2}月\d{1,2}日"), "<date>"),
]
# Numbers in a URL's path (/claims/12/) and id parameters (?a=12, &page=...)
URL_IDS = re.compile(r"(?<=/)\d+(?=/|$|\?|\.)|(?<==)\d+(?=&|$|\")")


def normalise(text: str) -> str:
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def normalise_url(url: str) -> str:
    return normalise(URL_IDS.sub("<id>", url))


class _Text(html.parser.HTMLParser):
    """The text nodes of a page, one line per block, without scripts, styles and templates."""

    SKIP = {"script", "style", "template", "noscript", "head"}
    KEEP_IN_HEAD = {"title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._skip: list[str] = []
        self._title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip.append(tag)
        elif tag == "title":
            self._title = True

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        elif tag == "title":
            self._title = False

    def handle_data(self, data):
        if self._skip and not self._title:
            return
        text = " ".join(data.split())
        if text:
            self.lines.append(normalise(text))


def html_text(body: str) -> list[str]:
    parser = _Text()
    parser.feed(body)
    parser.close()
    return parser.lines


def _normalise_json(value):
    if isinstance(value, dict):
        return {k: _normalise_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise_json(v) for v in value]
    if isinstance(value, str):
        return (
            normalise_url(value)
            if value.startswith(("http://", "https://", "/"))
            else normalise(value)
        )
    return value


def json_text(body: bytes) -> list[str]:
    try:
        data = json.loads(body)
    except ValueError:
        return [normalise(line) for line in body.decode(errors="replace").splitlines()]
    return json.dumps(
        _normalise_json(data), ensure_ascii=False, indent=1, sort_keys=True
    ).splitlines()


def pdf_text(body: bytes) -> list[str]:
    if not body.startswith(b"%PDF"):
        return ["<not a PDF>", *html_text(body.decode(errors="replace"))]
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        sys.exit("pdftotext not found: apt-get install poppler-utils")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(body)
        pdf.flush()
        run = subprocess.run(
            [pdftotext, "-enc", "UTF-8", "-layout", pdf.name, "-"], capture_output=True
        )
    if run.returncode != 0:  # an uploaded stand-in (the tests' smallest PDF), not a document
        return [f"<unreadable PDF, sha256 {hashlib.sha256(body).hexdigest()[:16]}>"]
    out = run.stdout.decode()
    return [normalise(" ".join(line.split())) for line in out.splitlines() if line.strip()]


def xlsx_text(body: bytes) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(body), read_only=True)
    lines = []
    for sheet in workbook.worksheets:
        lines.append(f"[{sheet.title}]")
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if v is None else normalise(str(v)) for v in row]
            if any(cells):
                lines.append("\t".join(cells).rstrip("\t"))
    return lines


def readable(response) -> tuple[str, list[str]]:
    """(content type, the text a user reads) of a response."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    kind = content_type.split(";")[0].strip()
    if kind == "application/pdf" or body.startswith(b"%PDF"):
        return content_type, pdf_text(body)
    if body.startswith(b"PK"):
        return content_type, xlsx_text(body)
    if "json" in kind:
        return content_type, json_text(body)
    text = body.decode(response.charset or "utf-8", errors="replace")
    if "html" in kind or text.lstrip().startswith("<"):
        return content_type, html_text(text)
    return content_type, [normalise(line) for line in text.splitlines() if line.strip()]


# --- taking the snapshot ----------------------------------------------------------------------


def _setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kunqu_jiafu.settings")
    import django

    django.setup()


def take(out: Path) -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Sets are iterated in an order that depends on the hash seed (the schema's responses,
        # a delete page's summary): fixed, two runs on the same code give the same text.
        os.execve(
            sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"}
        )
    _setup_django()
    from django.contrib.auth.hashers import MD5PasswordHasher

    class FixedSaltHasher(MD5PasswordHasher):
        """The tests' fast hasher with a fixed salt: the admin shows part of the hash."""

        def salt(self):
            return "snapshotsalt0000"

    globals()["FixedSaltHasher"] = FixedSaltHasher
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    from kunqu_jiafu.celery import app
    from tests import test_permission_matrix as matrix
    from tests.url_matrix import ACTORS, build_world, holder_session

    media = Path(tempfile.mkdtemp(prefix="snapshot-media-"))
    settings.MEDIA_ROOT = media
    settings.PASSWORD_HASHERS = [f"{__name__}.FixedSaltHasher"]
    # Voucher and verification codes are drawn with ``secrets``: drawn here from a seeded
    # generator, the same world gets the same codes (and lists sorted by code the same order).
    codes = mock.patch("secrets.choice", random.Random(2026).choice)
    codes.start()
    app.conf.task_always_eager = True
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = f"test_{database['NAME']}_snapshot"
    # Refused requests log a warning with a traceback each: thousands of them, nothing to read.
    logging.disable(logging.CRITICAL)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with transaction.atomic():  # numbers are taken inside a transaction, as in the app
            world = build_world()
        sessions = {actor: matrix._session_of(user) for actor, user in world.users.items()}
        sessions["holder"] = holder_session(world.voucher_a.application)

        def client(actor: str) -> Client:
            c = Client(raise_request_exception=False)
            if actor != "anonymous":
                c.cookies[settings.SESSION_COOKIE_NAME] = sessions[actor]
            return c

        requests = [(row.key, row.url, actor, "") for row in matrix.MATRIX for actor in ACTORS]
        requests += [
            (row.key, row.url, actor, "text/html")
            for row in matrix.MATRIX
            if row.key in matrix.BROWSABLE
            for actor in ACTORS
        ]
        requests += [(key, url, "holder", "") for key, url in matrix.HOLDER_GETS]
        entries = []
        for key, template, actor, accept in requests:
            url = template.format(**vars(world))
            extra = {"HTTP_ACCEPT": accept} if accept else {}
            # Each request in a transaction rolled back after it, as in the matrix: what one
            # page records (a download in the audit log, a notice read) is not on the next.
            with transaction.atomic():
                response = client(actor).get(url, **extra)
                content_type, text = readable(response)
                transaction.set_rollback(True)
            entries.append(
                {
                    "key": key,
                    "url": template,
                    "actor": actor,
                    "accept": accept,
                    "status": response.status_code,
                    "location": normalise_url(response.get("Location", "")),
                    "content_type": content_type,
                    "text": text,
                }
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        shutil.rmtree(media, ignore_errors=True)
        codes.stop()
    entries.sort(key=_id)
    out.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(entries)} answers written to {out}")


# --- comparing two snapshots ------------------------------------------------------------------


def _id(entry: dict) -> tuple[str, str, str, str]:
    return (entry["url"], entry["actor"], entry["accept"], entry["key"])


def _label(entry_id: tuple[str, str, str, str]) -> str:
    url, actor, accept, key = entry_id
    return f"{url} as {actor}" + (f" (Accept: {accept})" if accept else "") + f" [{key}]"


def compare(a_path: Path, b_path: Path) -> list[str]:
    a = {_id(e): e for e in json.loads(a_path.read_text(encoding="utf-8"))}
    b = {_id(e): e for e in json.loads(b_path.read_text(encoding="utf-8"))}
    report = []
    for entry_id in sorted(a.keys() - b.keys()):
        report.append(f"only in {a_path.name}: {_label(entry_id)}")
    for entry_id in sorted(b.keys() - a.keys()):
        report.append(f"only in {b_path.name}: {_label(entry_id)}")
    for entry_id in sorted(a.keys() & b.keys()):
        before, after = a[entry_id], b[entry_id]
        changes = [
            f"  {field}: {before[field]!r} -> {after[field]!r}"
            for field in ("status", "location", "content_type")
            if before[field] != after[field]
        ]
        if before["text"] != after["text"]:
            diff = difflib.unified_diff(
                before["text"], after["text"], a_path.name, b_path.name, n=1, lineterm=""
            )
            changes.append("  text:\n" + "\n".join(f"    {line}" for line in diff))
        if changes:
            report.append(f"{_label(entry_id)}\n" + "\n".join(changes))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, help="where to write the snapshot (JSON)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A.json", "B.json"))
    args = parser.parse_args(argv)
    if args.compare:
        report = compare(*args.compare)
        print("\n".join(report) if report else "no differences")
        return 1 if report else 0
    if args.out is None:
        parser.error("give the output file, or --compare A.json B.json")
    take(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
