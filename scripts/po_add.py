"""Add or update translations in the zh_Hans catalogue from a small .po fragment.

    .venv/bin/python scripts/po_add.py my-entries.po

The fragment holds only msgid/msgstr pairs (msgctxt and plurals allowed). Each entry is
written into locale/zh_Hans/LC_MESSAGES/django.po, replacing an empty or older translation
of the same msgid. The file is locked while it is rewritten, so several people can add
their entries at the same time. Run `makemessages -l zh_Hans --no-obsolete` afterwards to
refresh source references and drop msgids that left the source.
"""

from __future__ import annotations

import fcntl
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def merge(fragment_path: str) -> int:
    fragment = polib.pofile(fragment_path, encoding="utf-8")
    with open(CATALOGUE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        catalogue = polib.pofile(str(CATALOGUE), encoding="utf-8", wrapwidth=79)
        changed = 0
        for entry in fragment:
            if not (entry.msgstr or entry.msgstr_plural):
                print(f"skipped, no translation: {entry.msgid!r}", file=sys.stderr)
                continue
            found = catalogue.find(entry.msgid, msgctxt=entry.msgctxt)
            if found is None:
                found = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt)
                found.msgid_plural = entry.msgid_plural
                catalogue.append(found)
            found.msgstr = entry.msgstr
            if entry.msgid_plural:
                found.msgid_plural = entry.msgid_plural
                found.msgstr_plural = dict(entry.msgstr_plural) or {0: entry.msgstr}
            if "fuzzy" in found.flags:
                found.flags.remove("fuzzy")
            found.obsolete = False
            changed += 1
        catalogue.save(str(CATALOGUE))
    print(f"{changed} entries written to {CATALOGUE}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(merge(sys.argv[1]))
