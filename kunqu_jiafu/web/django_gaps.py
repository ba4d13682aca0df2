"""Strings of Django 5.2's admin templates that Django's own zh_Hans catalogue lacks.

Listing them here puts them into our catalogue (makemessages), which Django consults before
its own (LOCALE_PATHS), so the admin shows them in Chinese too. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_GAPS = (
    gettext_noop("Error:"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
)
