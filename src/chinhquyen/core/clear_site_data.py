"""The ``Clear-Site-Data`` header a sign-out answers with (W3C Clear Site Data).

An applicant's e-form is not ``no-store`` (Back to it puts unsaved input back), so after a sign-out on a
shared computer the browser may still hold it, name and personal ID filled in: in memory (Chrome's and
Safari's back/forward cache, where Back shows it as it was) and on disk. ``"cache"`` drops both for this
origin, except the page the sign-out was sent from: Chrome keeps that one for Back only after this answer,
so ``portal/session.js`` fetches it again when Back shows it. ``"storage"`` drops what the pages' scripts
keep, in every tab: the typed e-form in ``sessionStorage`` (``portal/session.js`` forgets it on sign-out in
the tab signed out from only) and the session's end in ``localStorage``. Cookies stay (the language choice
is one; the sign-out deletes the session's).

Only explicit sign-outs send it: a session ended by the idle timeout loses its cookie with it, so its next
request cannot be told from a first visit, and there the typed e-form is kept on purpose until the person
signs in again. Chromium can take a few seconds to clear a large cache before it shows the answer.
"""

from typing import TypeVar

from django.http.response import HttpResponseBase

HEADER = "Clear-Site-Data"
SIGNED_OUT = '"cache", "storage"'

Response = TypeVar("Response", bound=HttpResponseBase)


def clear_site_data_signed_out(response: Response) -> Response:
    """Mark ``response``, the answer to a sign-out, so that the browser forgets the site's pages and storage."""
    response[HEADER] = SIGNED_OUT
    return response
