"""An anonymous sender whose only way to the answer was its published page is told when it is withdrawn.

A sender with an account still reads the answer on their own page, so the withdrawal is no news to them; the
reason given in the office is internal and never sent.
"""

import pytest
from django.core import mail

from chinhquyen.feedback import services
from chinhquyen.feedback.models import PetitionEvent
from chinhquyen.notifications.models import Notification, State
from chinhquyen.notifications.sms import SMS_MAX_LENGTH
from tests.feedback import outbox
from tests.feedback.helpers import agency_with_staff
from tests.notifications.test_petition_published import answered_unpublished, english_site, kinds  # noqa: F401
from tests.notifications.test_petitions import EMAIL, FOOTER, PHONE, day, english_sender, page, rows, run_queued

pytestmark = pytest.mark.django_db

WHY = "Câu trả lời còn số điện thoại của người dân."


def published(staffed, **kwargs: object):
    done = answered_unpublished(staffed, **kwargs)
    with outbox.committed():
        return services.petition_publish(petition=done, by=staffed.leader)


def withdrawn(staffed, petition):
    with outbox.committed():
        return services.petition_unpublish(petition=petition, by=staffed.leader, reason=WHY)


@pytest.mark.usefixtures("english_site")
def test_an_anonymous_sender_is_told_the_published_answer_was_withdrawn_and_whom_to_ask():
    staffed = agency_with_staff()
    shown = published(staffed)
    run_queued()

    withdrawn(staffed, shown)

    assert run_queued() == ["sent", "sent"]
    email, sms = rows("petition_unpublished")
    agency, code = staffed.agency.name, shown.code
    assert email.petition_event == PetitionEvent.objects.get(action="unpublish")
    assert (email.recipient, email.language, email.state, sms.recipient, sms.state) == (
        EMAIL,
        "en",
        State.SENT,
        PHONE,
        State.SENT,
    )
    assert email.subject == f"The answer to petition {code} has been withdrawn from the portal"
    assert email.body == (
        "Dear Nguyễn Văn An,\n\n"
        f"{agency} has withdrawn the answer to your petition from the public service portal; "
        "the link you were sent no longer shows it.\n\n"
        f"Reference: {code}\n"
        "Subject: Thời gian chờ quá lâu\n"
        f"Agency: {agency}\n"
        f"Withdrawn on: {day('unpublish')}\n\n"
        "What to do next:\n"
        f"To receive the answer, contact {agency} and quote the reference {code}.\n\n"
        f"{FOOTER}\n"
    )
    assert sms.body == (
        f"The answer to your petition {code} was withdrawn from the portal. "
        "To receive it, contact the agency and quote the code."
    )
    assert WHY not in email.body + sms.body
    assert mail.outbox[-1].subject == email.subject


def test_a_signed_in_sender_still_reads_the_answer_on_their_page_and_hears_nothing():
    staffed = agency_with_staff()
    shown = published(staffed, sender_user=english_sender())

    withdrawn(staffed, shown)

    assert kinds() == [("petition_answered", "email"), ("petition_answered", "sms")]


@pytest.mark.usefixtures("english_site")
def test_published_again_the_anonymous_sender_is_given_the_page_again():
    staffed = agency_with_staff()
    shown = withdrawn(staffed, published(staffed))

    with outbox.committed():
        services.petition_publish(petition=shown, by=staffed.leader)

    assert [n.kind for n in Notification.objects.filter(channel="email").order_by("pk")] == [
        "petition_answered",
        "petition_published",
        "petition_unpublished",
        "petition_published",
    ]
    last = Notification.objects.filter(kind="petition_published", channel="email").order_by("pk").last()
    assert page(shown.code) in last.body


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_withdrawal_sms_fits_one_segment(settings, language):
    settings.LANGUAGE_CODE = language
    staffed = agency_with_staff()
    withdrawn(staffed, published(staffed))

    _email, sms = rows("petition_unpublished")
    assert (
        len(sms.body) <= SMS_MAX_LENGTH,
        sms.body.isascii(),
        page(sms.petition_event.petition.code) in sms.body,
    ) == (
        True,
        True,
        False,
    )
