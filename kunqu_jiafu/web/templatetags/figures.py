"""``{% load figures %}``: counts as people read them in tables and notes (5,000, not 5000)."""

from django import template

register = template.Library()


@register.filter
def thousands(value):
    """``5000`` → ``5,000``; anything that is not a number is shown as it is."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value
