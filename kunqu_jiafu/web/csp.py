"""Content-Security-Policy helpers read by the settings (no Django settings needed here)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import django


def style_block_hashes(*templates: str) -> list[str]:
    """CSP hashes of the fixed <style> blocks of Django's own templates that we do not copy
    (the admin's change list without actions carries one), read from the installed files so
    an upgrade keeps them right; tests/test_permission_matrix.py checks every page."""
    hashes = []
    for name in templates:
        text = (Path(django.__file__).parent / name).read_text()
        for block in re.findall(r"<style>(.*?)</style>", text, re.S):
            digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
            hashes.append(f"'sha256-{digest}'")
    return hashes
