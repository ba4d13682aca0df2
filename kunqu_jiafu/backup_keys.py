"""The keys a backup needs, named by fingerprint and never written down (kunqu_jiafu.backup):
``BACKUP_ESCROW_KEYS`` names the settings; a restore refuses when the environment lacks one."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext as _

_FINGERPRINT_LABEL = b"kunqu-jiafu backup key fingerprint v1"


def key_fingerprint(key: str) -> str:
    """A keyed hash of the key: names it without revealing it (16 hex characters)."""
    return hmac.new(key.encode(), _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


def key_fingerprints() -> dict[str, list[str]]:
    """Setting name -> fingerprints of its keys, for every setting in BACKUP_ESCROW_KEYS."""
    found: dict[str, list[str]] = {}
    for name in settings.BACKUP_ESCROW_KEYS:
        value = getattr(settings, name, None)
        if not value:
            continue
        values = [value] if isinstance(value, str) else list(value)
        found[name] = [key_fingerprint(str(v)) for v in values]
    return found


def keys_missing(recorded: dict[str, list[str]]) -> dict[str, list[str]]:
    """Of the keys a backup needs, those the current environment lacks (by fingerprint). The
    environment may hold more (a key rotated in since); it must hold every recorded one."""
    current = key_fingerprints()
    missing: dict[str, list[str]] = {}
    for name, prints in recorded.items():
        lacking = [p for p in prints if p not in current.get(name, [])]
        if lacking:
            missing[name] = lacking
    return missing


def escrow_note(fingerprints: dict[str, list[str]], created_at: str) -> str:
    lines = [
        _("Kundulun family services: key escrow note of a backup"),
        _("Backup taken at %(time)s.") % {"time": created_at},
        "",
        _(
            "Restoring this backup needs the keys of the settings below (only their "
            "fingerprints are written here, never the keys). Keep those keys safe and apart "
            "from this backup, for example sealed with the security administrator; without any "
            "one of them the encrypted ID numbers cannot be read and the restore is refused."
        ),
        "Restoring this backup needs the keys of the settings below (fingerprints only, never "
        "the keys). Keep them safe and apart from this backup; without any one of them the "
        "restore is refused.",
        "",
    ]
    for name, prints in sorted(fingerprints.items()):
        lines.append(f"{name}: {', '.join(prints)}")
    lines += [
        "",
        _(
            "A fingerprint is HMAC-SHA256(key, 'kunqu-jiafu backup key fingerprint v1'), its "
            "first 16 hex digits; manage.py backup --fingerprints prints this environment's."
        ),
    ]
    return "\n".join(lines) + "\n"
