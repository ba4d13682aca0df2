"""Self-service password pages (issue 11): change for every signed-in user; reset by e-mail
for agency users only (staff ask the bureau's security administrator), limited per client
address and per e-mail address, never telling whether an address is known."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.roles import is_staff_member
from kunqu_jiafu.ratelimit import PublicFormGuard, too_many

from .services import password_changed_by_owner

RESET_SCOPE = "accounts.password_reset"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change form (old password, new password twice, every password rule); it keeps
    this session signed in (update_session_auth_hash) and lifts a forced change."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, then update_session_auth_hash
        password_changed_by_owner(user=form.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


class AgencyPasswordResetForm(PasswordResetForm):
    """Reset links go to agency users only: staff accounts are reset by the bureau's security
    administrator. An address of a staff account is refused silently, like an unknown one."""

    def get_users(self, email):
        for user in super().get_users(email):
            if not (user.is_staff or user.is_superuser or is_staff_member(user)):
                yield user


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "web/password_reset.html"
    form_class = AgencyPasswordResetForm
    email_template_name = "web/password_reset_email.txt"
    subject_template_name = "web/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        guard = PublicFormGuard(self.request, RESET_SCOPE)
        wait = guard.take(form.cleaned_data["email"].strip().casefold())
        if wait is not None:
            context = self.get_context_data(form=form)
            context["limit_message"] = _(
                "Too many password reset requests. Please try again in %(minutes)s minutes "
                "(after %(until)s)."
            ) % {"minutes": wait.minutes, "until": wait.until}
            return too_many(self.request, self.template_name, context, wait)
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed_by_owner(user=form.user, by_reset_link=True)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/password_reset_complete.html"
