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


def mask_phone(phone: str) -> str:
    """The first three and last two digits: 138******03."""
    phone = (phone or "").strip()
    if len(phone) <= 5:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 5) + phone[-2:]


def sees_contacts(user) -> bool:
    """Residents' phone numbers and addresses, like full ID numbers, are for the bureau's
    reviewers and approvers (and an agency for its own records); 统计查询 and everyone else
    see them masked."""
    from kunqu_jiafu.accounts.roles import can_see_full_id

    return user is not None and can_see_full_id(user)


def phone_for(user, phone: str) -> str:
    return phone if sees_contacts(user) else mask_phone(phone)


def address_for(user, address: str) -> str:
    return address if sees_contacts(user) else mask_address(address)
