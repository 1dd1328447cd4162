"""An anonymous sender told to ask the agency for the answer hears again when the answer is published.

A sender who already has the link to the answer (an account's own page, or an "answered" message made after the
publication) is not told twice.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from chinhquyen.feedback import services
from chinhquyen.feedback.models import Petition, PetitionEvent
from chinhquyen.notifications.hooks import petition_event_notify
from chinhquyen.notifications.models import Notification, SimulatedSms, State
from chinhquyen.notifications.sms import SMS_MAX_LENGTH
from tests.feedback import outbox
from tests.feedback.helpers import agency_with_staff
from tests.notifications.test_petitions import (
    ANSWER,
    EMAIL,
    FOOTER,
    NOTE,
    PHONE,
    answer,
    assigned,
    day,
    english_sender,
    page,
    rows,
    run_queued,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_site(settings):
    # An anonymous sender has no preference: the site's language is theirs (English, to read exact words).
    settings.LANGUAGE_CODE = "en"


def answered_unpublished(staffed, **kwargs: object) -> Petition:
    """A petition answered, its "answered" message made while the answer was not published."""
    filed = assigned(staffed, **kwargs)
    with outbox.committed():
        done = answer(staffed, filed)
    return done


def kinds() -> list[tuple[str, str]]:
    return list(Notification.objects.order_by("kind", "channel").values_list("kind", "channel"))


@pytest.mark.usefixtures("english_site")
def test_an_anonymous_sender_gets_the_published_page_when_the_answer_is_published_later():
    staffed = agency_with_staff()
    done = answered_unpublished(staffed)
    assert run_queued() == ["sent", "sent"]  # "answered": ask the agency

    with outbox.committed():
        services.petition_publish(petition=done, by=staffed.leader)

    assert run_queued() == ["sent", "sent"]
    email, sms = rows("petition_published")
    agency, code = staffed.agency.name, done.code
    assert email.petition_event == PetitionEvent.objects.get(action="publish")
    assert (email.recipient, email.language, email.state, email.dossier, email.event) == (
        EMAIL,
        "en",
        State.SENT,
        None,
        None,
    )
    assert email.subject == f"The answer to petition {code} has been published"
    assert email.body == (
        "Dear Nguyễn Văn An,\n\n"
        f"{agency} has published its answer to your petition on the public service portal.\n\n"
        f"Reference: {code}\n"
        "Subject: Thời gian chờ quá lâu\n"
        f"Agency: {agency}\n"
        f"Published on: {day('publish')}\n\n"
        "What to do next:\n"
        "Read the answer on the portal, where it has been published without your personal data: "
        f"{page(code)}\n"
        f"If you have questions, contact {agency} and quote the reference {code}.\n\n"
        f"{FOOTER}\n"
    )
    assert (sms.recipient, sms.language, sms.state) == (PHONE, "en", State.SENT)
    assert sms.body == f"The answer to your petition {code} has been published. Read it at {page(code)}"
    assert [m.subject for m in mail.outbox] == [f"Petition {code} has been answered", email.subject]
    assert list(SimulatedSms.objects.order_by("pk").values_list("message", flat=True))[1:] == [sms.body]


@pytest.mark.usefixtures("english_site")
def test_the_published_message_never_carries_the_answer_nor_the_internal_note():
    staffed = agency_with_staff()
    done = answered_unpublished(staffed)

    with outbox.committed():
        published = services.petition_publish(petition=done, by=staffed.leader)

    assert published.published_answer  # the masked copy the portal shows
    for n in Notification.objects.filter(kind="petition_published"):
        assert [text for text in (ANSWER, published.published_answer, NOTE) if text in n.body] == []


@pytest.mark.usefixtures("english_site")
def test_a_petition_published_before_the_answered_message_was_made_gives_no_second_message():
    staffed = agency_with_staff()
    filed = assigned(staffed)

    with outbox.committed():  # the worker runs once both are committed: "answered" already has the page
        services.petition_publish(petition=answer(staffed, filed), by=staffed.leader)

    assert kinds() == [("petition_answered", "email"), ("petition_answered", "sms")]
    email, _sms = rows("petition_answered")
    assert page(filed.code) in email.body


@pytest.mark.usefixtures("english_site")
def test_the_rule_reads_the_answered_message_not_its_time():
    # As if rendered before the publication but written after it: its time says "after", its text has no link.
    staffed = agency_with_staff()
    done = answered_unpublished(staffed)
    Notification.objects.update(created_at=timezone.now() + timedelta(days=1))

    with outbox.committed():
        services.petition_publish(petition=done, by=staffed.leader)

    email, _sms = rows("petition_published")
    assert page(done.code) in email.body


def test_a_signed_in_sender_already_has_the_page_and_hears_nothing_of_the_publication():
    staffed = agency_with_staff()
    done = answered_unpublished(staffed, sender_user=english_sender())

    with outbox.committed():
        services.petition_publish(petition=done, by=staffed.leader)

    assert kinds() == [("petition_answered", "email"), ("petition_answered", "sms")]


@pytest.mark.usefixtures("english_site")
def test_the_hook_run_twice_creates_the_rows_once():
    staffed = agency_with_staff()
    done = answered_unpublished(staffed)
    with outbox.committed():
        services.petition_publish(petition=done, by=staffed.leader)
    event = PetitionEvent.objects.get(action="publish")

    for _run in range(2):
        petition_event_notify(petition_id=done.pk, event_id=event.pk, action="publish", to_status="published")

    assert Notification.objects.filter(petition_event=event).count() == 2
    assert run_queued() == ["sent", "sent", "sent", "sent"]  # "answered" and "published", e-mail and SMS
    assert run_queued() == []
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_published_sms_fits_one_segment_with_its_link(settings, language):
    settings.LANGUAGE_CODE = language
    staffed = agency_with_staff()
    done = answered_unpublished(staffed)

    with outbox.committed():
        services.petition_publish(petition=done, by=staffed.leader)

    _email, sms = rows("petition_published")
    assert (len(sms.body) <= SMS_MAX_LENGTH, sms.body.isascii(), page(done.code) in sms.body) == (True, True, True)
