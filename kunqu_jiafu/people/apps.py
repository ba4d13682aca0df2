from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import APPROVER, OFFICIAL, REVIEWER


class PeopleConfig(AppConfig):
    name = "kunqu_jiafu.people"
    label = "people"
    verbose_name = _("People")
    role_permissions = {
        REVIEWER: ["people.view_person", "people.change_person"],
        APPROVER: ["people.view_person", "people.change_person"],
        OFFICIAL: ["people.view_person"],
    }
