"""Django's own messages that its Vietnamese catalog leaves in English, listed here so that ours translates them
(LOCALE_PATHS comes before Django's catalogs). Never imported: makemessages reads the file."""

from django.utils.translation import gettext_noop

MESSAGES = [
    # ProhibitNullCharactersValidator, on every text field: a NUL typed or pasted into a form.
    gettext_noop("Null characters are not allowed."),
]
