"""A resident household as the programmes tell one apart: the household head's ID number and
the address, kept only as a keyed blind index (never in plain text)."""

from __future__ import annotations

import re
import unicodedata

from . import crypto
from .idcard import normalize as normalize_id

# Spaces and punctuation do not tell two addresses apart ("3号楼 2单元" = "3号楼2单元").
_NOISE = re.compile(r"[\s\-_.,，。·、/\\()（）#＃]+")


def normalize_address(address: str) -> str:
    """Full-width to half-width, no spaces or punctuation, upper case."""
    folded = unicodedata.normalize("NFKC", address or "")
    return _NOISE.sub("", folded).upper()


def household_key(head_id_number: str, address: str) -> str:
    """The blind index of a household: head's ID number and normalised address."""
    return crypto.blind_index(f"{normalize_id(head_id_number)}|{normalize_address(address)}")


def mask_id(number: str) -> str:
    """Only the last four characters, as DOMAIN.md asks: **************123X."""
    number = normalize_id(number)
    return "*" * max(len(number) - 4, 0) + number[-4:]


def mask_address(address: str) -> str:
    """The first six characters (district and street, as a rule) and the rest hidden."""
    address = (address or "").strip()
    if len(address) <= 6:
        return "*" * len(address)
    return address[:6] + "*" * min(len(address) - 6, 8)
