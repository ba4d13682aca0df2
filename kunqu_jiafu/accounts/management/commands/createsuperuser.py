"""Django's createsuperuser, with the new account's password marked for a change at the first
sign-in: whoever ran the command chose it, not the account's holder (issue 11)."""

from __future__ import annotations

from django.contrib.auth.management.commands import createsuperuser
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.models import User


class Command(createsuperuser.Command):
    @property
    def help(self) -> str:  # argparse needs a str: translated when the parser is built
        return _(
            "Create a superuser, whose password must be changed at the first sign-in "
            "(the bureau's password rules apply)."
        )

    def handle(self, *args, **options):
        created: list[int] = []

        def receiver(sender, instance, **kwargs):
            if kwargs.get("created"):
                created.append(instance.pk)

        post_save.connect(receiver, sender=User, weak=False, dispatch_uid="createsuperuser")
        try:
            super().handle(*args, **options)
        finally:
            post_save.disconnect(sender=User, dispatch_uid="createsuperuser")
        User.objects.using(options["database"]).filter(pk__in=created).update(
            must_change_password=True
        )
