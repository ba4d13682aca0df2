from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kunqu_jiafu.people"
    label = "people"
    verbose_name = _("People")
    role_permissions = {
        "业务经办": ["people.view_person", "people.change_person"],
        "审批领导": ["people.view_person", "people.change_person"],
        "统计查询": ["people.view_person"],
    }
