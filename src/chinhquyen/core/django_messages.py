"""Django's own messages that its Vietnamese catalog leaves in English, or words with a stray space before the
full stop, listed here so that ours translates them (LOCALE_PATHS comes before Django's catalogs). Never
imported: makemessages reads the file."""

from django.utils.translation import gettext_noop

MESSAGES = [
    # ProhibitNullCharactersValidator, on every text field: a NUL typed or pasted into a form.
    gettext_noop("Null characters are not allowed."),
    # Min/max validators (an e-form's number out of its range): Django's Vietnamese reads "… bằng với 10 ."
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is %(limit_value)s (it is %(show_value)s)."),
    # Formsets: "… cho %(field)s ."
    gettext_noop("Please correct the duplicate data for %(field)s."),
    # The admin's change lists (facets, Django 5.0+) and user form, missing from Django's Vietnamese catalog.
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Error:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]
