"""The bureau's contact line, read from settings, for pages rendered with or without a
request (Django renders the 500 and CSRF failure pages without context processors)."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("web/_bureau_contact.html")
def bureau_contact():
    return {
        "bureau_phone": getattr(settings, "BUREAU_PHONE", ""),
        "bureau_address": getattr(settings, "BUREAU_ADDRESS", ""),
    }
