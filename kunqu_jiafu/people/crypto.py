"""Encryption at rest and a keyed blind index for ID numbers."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _cipher() -> MultiFernet:
    # The first key encrypts; all keys decrypt, so keys can be rotated.
    return MultiFernet([Fernet(key.encode()) for key in settings.PERSON_ID_KEYS])


def encrypt(value: str) -> str:
    return _cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _cipher().decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    key = settings.PERSON_ID_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
