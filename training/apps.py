from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_MODELS = ("course", "enrolment", "trainingsignup", "coursekind", "trainingtarget")


def _perms(*actions: str, models=_MODELS) -> list[str]:
    return [f"training.{action}_{model}" for action in actions for model in models]


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")
    role_permissions = {
        "业务经办": _perms("view", "add", "change"),
        "审批领导": _perms("view", "add", "change"),
        "统计查询": _perms("view"),
        "机构用户": [],
    }
