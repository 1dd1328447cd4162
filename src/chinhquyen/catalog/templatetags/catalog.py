"""Template filters that show the catalog's values in the reader's language.

``{{ dossier.receiving_agency|name_in_language }}``: the English name on an English page when there is one, else
the Vietnamese name. ``{{ dossier.time_limit_text|time_limit_in_words }}``: "5 working days" on an English page
for the recorded "5 Ngày làm việc"; a limit that does not read as a value and a unit is shown as recorded.
"""

from django import template

from chinhquyen.catalog.selectors import name_in_language, recorded_time_limit_in_words

register = template.Library()
register.filter("name_in_language", name_in_language)
register.filter("time_limit_in_words", recorded_time_limit_in_words)
