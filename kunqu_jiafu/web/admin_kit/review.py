"""Review actions in the admin: buttons on the change page and bulk actions on the list.

Both lead to an intermediate page asking for the reason, then call the service. What is
offered comes from the model's transition table (its area's workflow.py), for the object's
current status and the user's roles; the service checks again and has the last word.

The kit knows no area's statuses or actions: each admin gives the tones of its own
(``status_tones`` for the status badge, ``action_tones`` for the buttons); anything not
listed reads neutral.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from kunqu_jiafu.web.forms import show_service_errors
from kunqu_jiafu.workflow import Transition, available

from .forms import ReasonForm

REVIEW_ROLES = frozenset({REVIEWER, APPROVER})


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


class ReviewActionsMixin:
    """Mix into a ModelAdmin; set ``review_table`` and implement ``review_perform``.

    Any model with a transition table can use it: the hooks
    below let an action ask for more than a reason (``review_form``; the extra cleaned
    fields reach ``review_perform`` as keywords), show more on its page
    (``review_context``), and explain why a user whose role fits still may not act
    (``review_refusal``, e.g. four eyes)."""

    review_table: tuple[Transition, ...] = ()
    review_reason_template = "admin/kit/review_reason.html"
    review_bulk_template = "admin/kit/review_bulk.html"
    # The changelist filter that holds the status, to offer only the actions that fit it.
    review_status_param = "status__exact"
    # Actions also offered as bulk actions on the list; None: every action of the table.
    review_bulk_actions: frozenset[str] | None = None
    # Badge tones of this model's statuses (status -> tone; the rest read "neutral").
    status_tones: dict[str, str] = {}
    # Button tones of the table's actions (action -> tone; the rest read "neutral").
    action_tones: dict[str, str] = {}

    def review_perform(self, request, obj, action: str, reason: str, **extra):  # pragma: no cover
        raise NotImplementedError

    def review_form(self, request, obj, transition: Transition, data):
        """The form of the action's page: a reason, required where the table says so."""
        return ReasonForm(data, reason_required=transition.needs_reason)

    def review_context(self, request, obj, transition: Transition) -> dict:
        """More context for the action's page (the template may show it in review_extra)."""
        return {}

    def review_refusal(self, request, obj, transition: Transition) -> str:
        """Why this user may not take the action although their role fits; "" if they may."""
        return ""

    def review_status(self, obj) -> str:
        return obj.status

    # --- what is offered ------------------------------------------------------------------

    def review_roles(self, request) -> set[str]:
        # A superuser holds only the roles of its groups (set-up, not business decisions).
        return set(request.user.role_names) & REVIEW_ROLES

    def review_transitions(self, request, obj) -> list[Transition]:
        if obj is None or not self.has_change_permission(request, obj):
            return []
        return available(self.review_table, self.review_status(obj), self.review_roles(request))

    def review_bulk_choices(self, request) -> dict[str, str]:
        """action -> label, for the actions the user's roles allow (and the status filter fits)."""
        if not self.has_change_permission(request):
            return {}
        roles = self.review_roles(request)
        status = request.GET.get(self.review_status_param)
        choices: dict[str, str] = {}
        for t in self.review_table:
            if not set(t.roles) & roles:
                continue
            if status and t.source != status:
                continue
            if self.review_bulk_actions is not None and t.action not in self.review_bulk_actions:
                continue
            choices.setdefault(t.action, t.label)
        return choices

    def review_button_context(self, request, obj) -> list[dict]:
        info = (self.opts.app_label, self.opts.model_name)
        return [
            {
                "action": t.action,
                "label": t.label,
                "needs_reason": t.needs_reason,
                "tone": self.action_tone(t.action),
                "url": reverse(f"admin:{info[0]}_{info[1]}_review", args=[obj.pk, t.action]),
                "refused": self.review_refusal(request, obj, t),
            }
            for t in self.review_transitions(request, obj)
        ]

    # --- admin plumbing -------------------------------------------------------------------

    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        urls = [
            path(
                "<path:object_id>/review/<slug:action>/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            buttons = self.review_button_context(request, obj)
            extra_context["review_buttons"] = buttons
            extra_context["review_refusals"] = list(
                dict.fromkeys(b["refused"] for b in buttons if b["refused"])
            )
            extra_context["review_status_tone"] = self.status_tone(obj)
            extra_context["review_status_label"] = obj.get_status_display()
            extra_context["review_can_act"] = self.has_change_permission(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def status_tone(self, obj) -> str:
        status = self.review_status(obj)
        return self.status_tones.get(status, "neutral")

    def action_tone(self, action: str) -> str:
        return self.action_tones.get(action, "neutral")

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action, label in self.review_bulk_choices(request).items():
            name = f"review_{action}"
            actions[name] = (self._bulk_action(action), name, label)
        return actions

    @staticmethod
    def _bulk_action(action: str):
        def run(modeladmin, request, queryset):
            return modeladmin.review_bulk(request, queryset, action)

        run.__name__ = f"review_{action}"
        return run

    # --- views ----------------------------------------------------------------------------

    def review_view(self, request, object_id, action):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        transition = next(
            (t for t in self.review_transitions(request, obj) if t.action == action), None
        )
        if transition is None:
            messages.error(
                request,
                _("This action is not possible for %(object)s while it is %(status)s.")
                % {"object": obj, "status": obj.get_status_display()},
            )
            return redirect(change_url)
        refusal = self.review_refusal(request, obj, transition)
        if refusal:
            messages.error(request, refusal)
            return redirect(change_url)
        form = self.review_form(
            request, obj, transition, request.POST if request.method == "POST" else None
        )
        if request.method == "POST" and form.is_valid():
            extra = dict(form.cleaned_data)
            reason = extra.pop("reason", "")
            try:
                self.review_perform(request, obj, action, reason, **extra)
            except ValidationError as exc:
                show_service_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, _message(exc))
                return redirect(change_url)
            else:
                obj.refresh_from_db()
                messages.success(
                    request,
                    _("“%(action)s” done: %(object)s is now %(status)s.")
                    % {
                        "action": transition.label,
                        "object": obj,
                        "status": obj.get_status_display(),
                    },
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": transition.label,
            "subtitle": str(obj),
            "opts": self.opts,
            "object": obj,
            "transition": transition,
            "tone": self.action_tone(action),
            "form": form,
            "change_url": change_url,
            "status_label": obj.get_status_display(),
            "status_tone": self.status_tone(obj),
            "summary": self.review_summary(obj),
            **self.review_context(request, obj, transition),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_reason_template, context)

    def review_summary(self, obj) -> list[tuple[str, str]]:
        """Label/value pairs shown on the reason page so the reviewer knows what they act on."""
        return []

    def review_bulk_form(self, request, data, *, action: str, needs_reason: bool):
        """The confirmation form of a bulk action (a reason when any row needs one)."""
        return ReasonForm(data, reason_required=needs_reason)

    def review_bulk_run(self, request, applicable, skipped, action: str, label, cleaned) -> None:
        """Each row is its own service call: one refusal stops nothing and is reported."""
        reason = cleaned.get("reason", "")
        done = 0
        for obj in applicable:
            try:
                self.review_perform(request, obj, action, reason)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{obj}: {_message(exc)}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                _("“%(action)s” done for %(count)s item(s).") % {"action": label, "count": done},
            )
        if skipped:
            messages.warning(
                request,
                _("%(count)s item(s) skipped: “%(action)s” does not fit their status.")
                % {"count": len(skipped), "action": label},
            )

    def review_bulk(self, request, queryset, action: str):
        roles = self.review_roles(request)
        by_status = {
            t.source: t for t in self.review_table if t.action == action and set(t.roles) & roles
        }
        if self.review_bulk_actions is not None and action not in self.review_bulk_actions:
            by_status = {}
        if not by_status or not self.has_change_permission(request):
            raise PermissionDenied
        label = next(iter(by_status.values())).label
        objects = list(queryset)
        applicable = [o for o in objects if self.review_status(o) in by_status]
        skipped = [o for o in objects if self.review_status(o) not in by_status]
        if not applicable:
            messages.warning(
                request,
                _("None of the selected items can be given “%(action)s” in their current status.")
                % {"action": label},
            )
            return None
        needs_reason = any(by_status[self.review_status(o)].needs_reason for o in applicable)
        confirmed = request.POST.get("post") == "yes"
        form = self.review_bulk_form(
            request, request.POST if confirmed else None, action=action, needs_reason=needs_reason
        )
        if confirmed and form.is_valid():
            self.review_bulk_run(request, applicable, skipped, action, label, form.cleaned_data)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "subtitle": None,
            "opts": self.opts,
            "action_name": f"review_{action}",
            "action_label": label,
            "tone": self.action_tone(action),
            "form": form,
            "applicable": [(o, o.get_status_display()) for o in applicable],
            "skipped": [(o, o.get_status_display()) for o in skipped],
            "needs_reason": needs_reason,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_bulk_template, context)
