from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member
from kunqu_jiafu.notifications.services import unread_count


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_count(user),
        "is_agency_user": is_agency_user(user),
        "is_staff_member": is_staff_member(user),
    }
