"""Checklist templates (检查表), versioned: a template an inspection uses is never changed in
place; ``template_new_version`` copies it into the next version, which becomes current, and the
old inspections keep pointing at the old version with its items and weights."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from .. import permissions, selectors
from ..models import ChecklistItem, ChecklistTemplate, ItemGroup, ItemSource

TOTAL_POINTS = Decimal("100")
ITEM_FIELDS = ("group", "code", "title", "guidance", "weight", "source", "sort_order")


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def _score(value, field: str, label: str) -> Decimal:
    try:
        score = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(
            {field: _("Enter the %(label)s as a number from 0 to 100.") % {"label": label}}
        ) from None
    if not Decimal("0") <= score <= TOTAL_POINTS:
        raise ValidationError({field: _("The %(label)s must be from 0 to 100.") % {"label": label}})
    return score


def thresholds_check(pass_score, basic_score) -> tuple[Decimal, Decimal]:
    """The thresholds as numbers, 0 ≤ basic ≤ pass ≤ 100, or a message naming the field."""
    passing = _score(pass_score, "pass_score", _("pass score (合格)"))
    basic = _score(basic_score, "basic_score", _("basic pass score (基本合格)"))
    if basic > passing:
        raise ValidationError(
            {
                "basic_score": _(
                    "The basic pass score (基本合格, %(basic)s) may not be above the pass score "
                    "(合格, %(passing)s): lower it or raise the pass score."
                )
                % {"basic": basic, "passing": passing}
            }
        )
    return passing, basic


def _refuse_if_used(template: ChecklistTemplate) -> None:
    if selectors.template_in_use(template):
        raise ValidationError(
            _(
                "%(template)s is used by inspections and cannot be changed: make a new version "
                "and change that one."
            )
            % {"template": template}
        )


def template_update(
    *, actor: User, template: ChecklistTemplate, name: str, pass_score, basic_score, note: str = ""
) -> ChecklistTemplate:
    """Change an unused template's name, thresholds and note."""
    _require(permissions.can_manage_templates(actor))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the template a name.")})
    passing, basic = thresholds_check(pass_score, basic_score)
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        _refuse_if_used(template)
        before = {
            "name": template.name,
            "pass_score": template.pass_score,
            "basic_score": template.basic_score,
        }
        template.name, template.pass_score, template.basic_score = name, passing, basic
        template.note = (note or "").strip()
        template.save(update_fields=["name", "pass_score", "basic_score", "note"])
        audit.log(
            actor,
            template,
            "inspections.template.changed",
            before=before,
            after={"name": name, "pass_score": passing, "basic_score": basic},
        )
    return template


def items_check(rows: list[dict]) -> None:
    """The items of a template: distinct codes, positive points adding up to 100, no item
    computed from a source that does not exist yet (upheld complaints: issue 14)."""
    codes = [row["code"] for row in rows]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise ValidationError(
            _("Each item needs its own code; repeated: %(codes)s.") % {"codes": "、".join(repeated)}
        )
    for row in rows:
        if row["group"] not in ItemGroup.values:
            raise ValidationError({"group": _("Choose the item's group from the list.")})
        if row["source"] not in ItemSource.values or row["source"] == ItemSource.UPHELD_COMPLAINTS:
            raise ValidationError(
                {"source": _("“%(item)s”: choose a source from the list.") % {"item": row["title"]}}
            )
        if Decimal(row["weight"]) <= 0:
            raise ValidationError(
                {"weight": _("“%(item)s”: the points must be above 0.") % {"item": row["title"]}}
            )
    total = sum((Decimal(row["weight"]) for row in rows), Decimal("0"))
    if total != TOTAL_POINTS:
        raise ValidationError(
            _("The items' points add up to %(total)s; they must add up to 100.") % {"total": total}
        )


def template_items_set(
    *, actor: User, template: ChecklistTemplate, rows: list[dict]
) -> list[ChecklistItem]:
    """Replace an unused template's items by ``rows`` (dicts of ITEM_FIELDS; with "pk" to keep
    an item). Items not named are removed. Refused for a template in use."""
    _require(permissions.can_manage_templates(actor))
    items_check(rows)
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        _refuse_if_used(template)
        before = list(template.items.order_by("sort_order", "pk").values(*ITEM_FIELDS))
        keep = {row["pk"] for row in rows if row.get("pk")}
        template.items.exclude(pk__in=keep).delete()
        existing = template.items.in_bulk(keep)
        saved = []
        for row in rows:
            item = existing.get(row.get("pk")) or ChecklistItem(template=template)
            for name in ITEM_FIELDS:
                setattr(item, name, row[name])
            saved.append(item)
        # Codes may swap between rows: clear them first so the unique constraint holds.
        for item in existing.values():
            ChecklistItem.objects.filter(pk=item.pk).update(code=f"tmp-{item.pk}")
        for item in saved:
            item.save()
        audit.log(
            actor,
            template,
            "inspections.template.items_changed",
            before=before,
            after=[{name: getattr(item, name) for name in ITEM_FIELDS} for item in saved],
        )
    return saved


def template_new_version(
    *, actor: User, template: ChecklistTemplate, note: str = ""
) -> ChecklistTemplate:
    """Copy the template and its items into version N+1 (N the subject's latest), make the copy
    current and the old one not. The subject's current template is locked while it is done."""
    _require(permissions.can_manage_templates(actor))
    with transaction.atomic():
        locked = list(
            ChecklistTemplate.objects.select_for_update()
            .filter(subject_kind=template.subject_kind)
            .order_by("-version")
        )
        source = next(t for t in locked if t.pk == template.pk)
        latest = locked[0].version
        ChecklistTemplate.objects.filter(subject_kind=source.subject_kind, current=True).update(
            current=False
        )
        copy = ChecklistTemplate.objects.create(
            subject_kind=source.subject_kind,
            version=latest + 1,
            name=source.name,
            pass_score=source.pass_score,
            basic_score=source.basic_score,
            current=True,
            note=(note or "").strip()
            or _("Copied from version %(version)s.") % {"version": source.version},
            created_by=actor,
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(template=copy, **{name: getattr(item, name) for name in ITEM_FIELDS})
            for item in source.items.order_by("sort_order", "pk")
        )
        audit.log(
            actor,
            copy,
            "inspections.template.versioned",
            before={"template": source.pk, "version": source.version},
            after={"template": copy.pk, "version": copy.version},
            reason=copy.note,
        )
    return copy
