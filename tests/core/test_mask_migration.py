"""Stored masks from before the last-four rule are rewritten by people.0005."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

from kunqu_jiafu.people.models import Person
from tests import factories

remask = import_module("kunqu_jiafu.people.migrations.0005_mask_last_four_only").remask


def test_old_masks_keep_only_their_last_four_characters(db):
    # DOMAIN.md: "Show only the last four characters (`**************123X`)".
    old = factories.make_person("王芳")
    new = factories.make_person("李娜")
    Person.objects.filter(pk=old.pk).update(
        id_masked=old.id_number[:4] + "*" * 10 + old.id_number[-4:]
    )
    remask(apps, None)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.id_masked == "*" * 14 + old.id_number[-4:]
    assert new.id_masked == "*" * 14 + new.id_number[-4:]
