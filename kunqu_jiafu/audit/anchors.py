"""Anchors: the chain's head, signed and written outside the database.

An anchor file holds the number of entries, the hash of the last one and the time, signed
with an HMAC under ``AUDIT_HMAC_KEY``. Someone with database access who deletes the newest
entries and rewinds the head consistently leaves a chain that verifies on its own; the
anchors written before still name a longer chain (or another hash at their count), and
``audit_verify`` reports it. ``settings.AUDIT_ANCHOR_DIR`` should be on another host than the
database (a mounted share, or copied off by the backup job): see docs/operations.md."""

from __future__ import annotations

import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .chain import sign

PURPOSE = "audit-anchor-v1"


@dataclass(frozen=True)
class Anchor:
    count: int
    last_hash: str
    at: str
    name: str


class BadAnchor(ValueError):
    """An anchor file that cannot be read, or whose signature does not match."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def anchor_dir() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def _payload(count: int, last_hash: str, at: str) -> str:
    return json.dumps(
        {"count": count, "last_hash": last_hash, "at": at}, sort_keys=True, separators=(",", ":")
    )


def write_anchor(count: int, last_hash: str, when: datetime | None = None) -> Path:
    when = when or timezone.now()
    at = when.isoformat(timespec="seconds")
    body = {
        "count": count,
        "last_hash": last_hash,
        "at": at,
        "signature": sign(PURPOSE, _payload(count, last_hash, at)),
    }
    directory = anchor_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"anchor-{when:%Y%m%dT%H%M%S}-{count:012d}.json"
    # Written whole or not at all: a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".anchor-", suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        json.dump(body, handle, indent=1)
    os.chmod(tmp, 0o440)
    os.replace(tmp, path)
    return path


def read_anchors() -> list[Anchor]:
    """Every anchor in the directory, oldest count first; BadAnchor for a file that was
    edited, forged with another key, or cannot be read."""
    directory = anchor_dir()
    if not directory.is_dir():
        return []
    anchors = []
    for path in sorted(directory.glob("anchor-*.json")):
        try:
            body = json.loads(path.read_text())
            count, last_hash, at = int(body["count"]), str(body["last_hash"]), str(body["at"])
            signature = str(body["signature"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BadAnchor(path.name) from exc
        if not hmac.compare_digest(sign(PURPOSE, _payload(count, last_hash, at)), signature):
            raise BadAnchor(path.name)
        anchors.append(Anchor(count, last_hash, at, path.name))
    return sorted(anchors, key=lambda a: (a.count, a.at))
