"""Verification codes on issued documents, and the public check at ``/verify/``.

A code is 16 characters of Crockford's base 32 (80 random bits from ``secrets``), printed in
four groups (``7KQ2-M9XD-…``): unguessable, stored, and read back forgivingly (case, spaces,
hyphens, O for 0, I and L for 1). One code per document; rendering the document again keeps
its code and refreshes the facts."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from .models import Verification

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 16
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str | None:
    """The stored form of what someone typed, or None when it cannot be a code."""
    cleaned = re.sub(r"[\s\-–—_.]", "", (text or "")).upper().translate(_READ_AS)
    if len(cleaned) != LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def verify_url() -> str:
    return f"{settings.SITE_URL}{reverse('verify')}"


def verification_for(
    subject: models.Model,
    *,
    kind: str,
    number: str,
    agency: str,
    amount: Decimal | None,
    issued_on: dt.date,
) -> Verification:
    """The document's verification code, made the first time it is rendered."""
    subject_type = ContentType.objects.get_for_model(subject)
    facts = {
        "kind": kind[:100],
        "number": number[:60],
        "agency": agency[:200],
        "amount": amount,
        "issued_on": issued_on,
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                verification, _created = Verification.objects.update_or_create(
                    subject_type=subject_type,
                    subject_id=str(subject.pk),
                    defaults=facts,
                    create_defaults={**facts, "code": new_code()},
                )
            return verification
        except IntegrityError:  # the 1-in-2^80 clash of codes, or a concurrent first render
            continue
    raise RuntimeError("could not store a verification code")


def verification_lookup(text: str) -> Verification | None:
    code = normalise_code(text)
    if code is None:
        return None
    return Verification.objects.filter(code=code).first()


def pdf_context(verification: Verification) -> dict:
    """What documents/notice_base.html prints at the foot of the document."""
    return {"verification_code": format_code(verification.code), "verify_url": verify_url()}
