"""Chinese names of audit action codes.

The codes (``subsidies.claim.approved``) stay in the data and in the hash chain; people read
names. Each app declares the labels of the actions it writes in ``<app>/audit_actions.py``:

    ACTIONS = {"subsidies.claim.approved": _("Claim approved"), ...}

Codes say what happened, in the past tense (``approved``, ``returned``, ``recorded``). Codes
written before that rule (``subsidies.claim.approve``) stay as they are in old entries, since
the hash chain covers them: an app lists them in ``RENAMED = {old: new}``; they read, filter
and search as the new code, and ``audit_log`` stores a renamed code under its new name.

Those modules are imported when the audit app is ready (like admin.py modules).
tests/core/test_audit_action_names.py fails when the code base writes a code that has no name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import import_module

from django.utils.functional import lazy
from django.utils.module_loading import module_has_submodule
from django.utils.translation import pgettext

_LABELS: dict[str, str] = {}
_RENAMED: dict[str, str] = {}


def register(labels: Mapping[str, str]) -> None:
    """Add or replace names of action codes (values may be lazy translations)."""
    _LABELS.update(labels)


def register_renamed(renamed: Mapping[str, str]) -> None:
    """Old codes and the codes they were renamed to."""
    _RENAMED.update(renamed)


def current(code: str) -> str:
    """The code an action is written under today (an old code's new name)."""
    return _RENAMED.get(code, code)


def spellings(code: str) -> list[str]:
    """Every code an entry of this action may carry: today's and its old names."""
    code = current(code)
    return [code, *sorted(old for old, new in _RENAMED.items() if new == code)]


def register_model_saves(model) -> None:
    """Names for the generic ``<app>.<model>.created`` / ``.updated`` codes of a model whose
    rows are saved through the reference-data kit."""
    opts = model._meta

    def _created() -> str:
        return pgettext("audit action", "Added: %(model)s") % {"model": opts.verbose_name}

    def _updated() -> str:
        return pgettext("audit action", "Changed: %(model)s") % {"model": opts.verbose_name}

    register(
        {
            f"{opts.app_label}.{opts.model_name}.created": lazy(_created, str)(),
            f"{opts.app_label}.{opts.model_name}.updated": lazy(_updated, str)(),
        }
    )


def discover() -> None:
    """Register the ACTIONS of every installed app's audit_actions module."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "audit_actions"):
            module = import_module(f"{config.name}.audit_actions")
            register(module.ACTIONS)
            register_renamed(getattr(module, "RENAMED", {}))


def label(code: str) -> str:
    """The Chinese name of a code, or the code itself if it has none (never an error)."""
    name = _LABELS.get(current(code))
    return str(name) if name is not None else code


def is_named(code: str) -> bool:
    return current(code) in _LABELS


def named_codes() -> list[str]:
    return sorted(_LABELS)


def codes_named_like(text: str, among: Iterable[str] | None = None) -> list[str]:
    """Codes whose name (or code) contains the text: the search of the audit list."""
    text = (text or "").strip().lower()
    if not text:
        return []
    pool = [*_LABELS, *_RENAMED] if among is None else among
    return [code for code in pool if text in label(code).lower() or text in code.lower()]
