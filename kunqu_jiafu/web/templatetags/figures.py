"""``{% load figures %}``: counts as people read them in tables and notes (5,000, not 5000)."""

from django import template

from kunqu_jiafu.web.formats import figure

register = template.Library()


@register.filter
def thousands(value):
    """``5000`` → ``5,000``; anything that is not a number is shown as it is."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


@register.filter
def money(value):
    """``3205.48`` → ``3,205.48``, as the notices print amounts; ``—`` for no value."""
    try:
        return figure(value)
    except (TypeError, ValueError):
        return value
