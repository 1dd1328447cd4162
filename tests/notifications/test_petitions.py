"""The sender of a petition hears when it is answered or closed: one e-mail and one SMS, never internal notes."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from chinhquyen.core.models import AuditEntry
from chinhquyen.feedback import services
from chinhquyen.feedback.dispatch import petition_events_dispatch
from chinhquyen.feedback.models import PetitionEvent
from chinhquyen.notifications.hooks import petition_event_notify
from chinhquyen.notifications.models import Channel, Notification, Preference, SimulatedSms, State
from chinhquyen.notifications.services import notification_resend
from chinhquyen.notifications.sms import SMS_MAX_LENGTH, sms_plain
from chinhquyen.workcal.engine import TZ
from tests.dossiers.outbox import DISPATCH, tasks_run
from tests.factories import UserFactory
from tests.feedback import outbox
from tests.feedback.helpers import StaffedAgency, agency_with_staff, petition, province_admin

pytestmark = pytest.mark.django_db

BASE = "https://dichvucong.ninhbinh.gov.vn/"
EMAIL, PHONE = "an@example.vn", "0912345678"
ANSWER = "Đã liên hệ ông Nguyễn Văn An qua số 0912345678 để hướng dẫn."
NOTE = "Ghi chú nội bộ: đã gọi điện cho lãnh đạo phòng."
REASON = "Nội dung trùng với phản ánh đã được trả lời.\nĐề nghị xem câu trả lời ở đó."
FOOTER = "This message was sent automatically by the public service portal; replies are not read."


def page(code: str) -> str:
    return f"{BASE}phan-anh-kien-nghi/{code}/"


def run_queued() -> list[object]:
    """Run the due tasks as ``db_worker`` does; return what the deliveries returned (not the dispatches)."""
    return [value for path, value in tasks_run() if path not in (DISPATCH, outbox.PETITION_DISPATCH)]


def rows(kind: str) -> tuple[Notification, Notification]:
    found = {n.channel: n for n in Notification.objects.filter(kind=kind)}
    assert set(found) == {Channel.EMAIL, Channel.SMS}
    return found[Channel.EMAIL], found[Channel.SMS]


def day(event_action: str) -> str:
    return PetitionEvent.objects.get(action=event_action).at.astimezone(TZ).strftime("%d/%m/%Y")


def english_sender() -> object:
    sender = UserFactory(username="nguyen.van.an")
    Preference.objects.create(user=sender, language="en")
    return sender


def assigned(staffed: StaffedAgency, **kwargs: object):
    filed = petition(about=staffed.agency, **kwargs)
    return services.petition_assign(petition=filed, by=staffed.leader, agency=staffed.agency)


def answer(staffed: StaffedAgency, filed):
    return services.petition_answer(petition=filed, by=staffed.front_desk, answer=ANSWER, note=NOTE)


# --- Answered -------------------------------------------------------------------------------------------


def test_an_answer_tells_a_signed_in_sender_to_read_it_on_their_page():
    staffed = agency_with_staff()
    filed = assigned(staffed, sender_user=english_sender())

    with outbox.committed():
        answer(staffed, filed)

    assert run_queued() == ["sent", "sent"]
    email, sms = rows("petition_answered")
    agency = staffed.agency.name
    assert (email.recipient, email.language, email.state, email.dossier, email.event) == (
        EMAIL,
        "en",
        State.SENT,
        None,
        None,
    )
    assert email.petition_event == PetitionEvent.objects.get(action="answer")
    assert email.subject == f"Petition {filed.code} has been answered"
    assert email.body == (
        "Dear Nguyễn Văn An,\n\n"
        f"{agency} has answered your petition.\n\n"
        f"Reference: {filed.code}\n"
        "Subject: Thời gian chờ quá lâu\n"
        f"Agency: {agency}\n"
        f"Answered on: {day('answer')}\n\n"
        "What to do next:\n"
        "Read the answer on the portal, signed in with the account you sent the petition from: "
        f"{page(filed.code)}\n"
        "There you can also say whether the answer satisfied you.\n\n"
        f"{FOOTER}\n"
    )
    assert (sms.recipient, sms.state, sms.provider_ref.startswith("sim-")) == (PHONE, State.SENT, True)
    assert sms.body == f"Your petition {filed.code} has been answered. Read it at {page(filed.code)}"
    [message] = mail.outbox
    assert (message.to, message.subject, message.body, message.attachments) == ([EMAIL], email.subject, email.body, [])
    assert list(SimulatedSms.objects.values_list("phone", "message")) == [(PHONE, sms.body)]


@pytest.fixture
def english_site(settings):
    # An anonymous sender has no preference: the site's language is theirs (English, to read exact words).
    settings.LANGUAGE_CODE = "en"


@pytest.mark.usefixtures("english_site")
def test_an_anonymous_sender_is_told_to_ask_the_agency_while_the_answer_is_not_published():
    staffed = agency_with_staff()
    filed = assigned(staffed)

    with outbox.committed():
        answer(staffed, filed)

    email, sms = rows("petition_answered")
    agency = staffed.agency.name
    assert email.language == "en"
    lines = email.body.splitlines()
    assert lines[lines.index("What to do next:") + 1] == (
        f"The answer is not published on the portal. To receive it, contact {agency} and quote the reference "
        f"{filed.code}."
    )
    assert BASE not in email.body
    assert (
        sms.body == f"Your petition {filed.code} has been answered. Contact {sms_plain(agency)} to receive the answer."
    )


@pytest.mark.usefixtures("english_site")
def test_an_anonymous_sender_gets_the_published_page_when_the_answer_is_published_before_the_worker_runs():
    staffed = agency_with_staff()
    filed = assigned(staffed)

    with outbox.committed():
        services.petition_publish(petition=answer(staffed, filed), by=staffed.leader)

    email, sms = rows("petition_answered")
    assert (
        f"Read the answer on the portal, where it has been published without your personal data: {page(filed.code)}"
        in email.body.splitlines()
    )
    assert sms.body == f"Your petition {filed.code} has been answered. Read it at {page(filed.code)}"
    assert Notification.objects.count() == 2  # publishing tells the sender nothing more


def test_the_notification_never_carries_the_internal_note_nor_the_answer_itself():
    staffed = agency_with_staff()
    filed = assigned(staffed, sender_user=english_sender())

    with outbox.committed():
        answer(staffed, filed)

    for n in Notification.objects.all():
        assert NOTE not in n.body
        assert ANSWER not in n.body


# --- Closed ---------------------------------------------------------------------------------------------


def test_a_close_gives_the_signed_in_sender_the_reason_and_their_page():
    staffed = agency_with_staff()
    filed = assigned(staffed, sender_user=english_sender())

    with outbox.committed():
        services.petition_close(petition=filed, by=staffed.leader, reason=REASON)

    assert run_queued() == ["sent", "sent"]
    email, sms = rows("petition_closed")
    agency = staffed.agency.name
    assert email.subject == f"Petition {filed.code} has been closed"
    assert email.body == (
        "Dear Nguyễn Văn An,\n\n"
        f"{agency} has closed your petition without answering it.\n\n"
        f"Reference: {filed.code}\n"
        "Subject: Thời gian chờ quá lâu\n"
        f"Agency: {agency}\n"
        f"Closed on: {day('close')}\n"
        "Reason: Nội dung trùng với phản ánh đã được trả lời.\n"
        "Đề nghị xem câu trả lời ở đó.\n\n"
        "What to do next:\n"
        "Your petition and the reason it was closed are on the portal, when you sign in with the account you "
        f"sent it from: {page(filed.code)}\n"
        f"If you have questions, contact {agency} and quote the reference {filed.code}.\n\n"
        f"{FOOTER}\n"
    )
    assert sms.body == f"Your petition {filed.code} has been closed. See why at {page(filed.code)}"


@pytest.mark.usefixtures("english_site")
def test_an_unrouted_petition_closed_by_the_province_gives_the_reason_in_the_sms():
    filed = petition(content="Đề nghị niêm yết rõ giờ làm việc của bộ phận một cửa.")
    assert filed.agency is None

    with outbox.committed():
        services.petition_close(petition=filed, by=province_admin(), reason=REASON)

    email, sms = rows("petition_closed")
    lines = email.body.splitlines()
    assert lines[2] == "Your petition has been closed without an answer."
    assert not any(line.startswith("Agency:") for line in lines)
    assert lines[lines.index("What to do next:") + 1 :] == [
        "Keep this code: quote it whenever you contact the agency about your petition.",
        "",
        FOOTER,
    ]
    assert sms.body == (
        f"Your petition {filed.code} has been closed. Reason: Noi dung trung voi phan anh da duoc tra loi. "
        "De nghi xem cau tra loi o do."
    )


def test_a_petition_closed_after_its_answer_says_it_will_not_be_published():
    staffed = agency_with_staff()
    filed = answer(staffed, assigned(staffed, sender_user=english_sender()))

    with outbox.committed():
        services.petition_close(petition=filed, by=staffed.leader, reason="Việc riêng của người gửi.")

    email, _sms = rows("petition_closed")
    lines = email.body.splitlines()
    assert lines[2] == "Your petition has been closed after its answer; it will not be published."
    assert "Reason: Việc riêng của người gửi." in lines


@pytest.mark.usefixtures("english_site")
def test_a_long_reason_is_whole_in_the_email_and_cut_to_one_sms_segment():
    filed = petition()
    reason = "Nội dung không rõ ràng, không xác định được cơ quan có thẩm quyền. " * 4

    with outbox.committed():
        services.petition_close(petition=filed, by=province_admin(), reason=reason)

    email, sms = rows("petition_closed")
    assert f"Reason: {reason.strip()}" in email.body.splitlines()
    start = f"Your petition {filed.code} has been closed. Reason: Noi dung khong ro rang, khong xac dinh duoc co quan"
    assert (sms.body.startswith(start), sms.body.endswith("..."), len(sms.body)) == (True, True, SMS_MAX_LENGTH)


# --- Addresses, language, once --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contact", "sms_backend", "states", "errors"),
    [
        pytest.param(
            {"sender_email": "", "sender_phone": ""},
            "simulator",
            ["skipped", "skipped"],
            ["No e-mail address for the sender.", "No mobile phone number for the sender."],
            id="address-only",
        ),
        pytest.param(
            {"sender_email": "", "sender_phone": "024 3825 1234"},
            "simulator",
            ["skipped", "skipped"],
            ["No e-mail address for the sender.", "No mobile phone number for the sender."],
            id="landline-only",
        ),
        pytest.param(
            {},
            "",
            ["pending", "skipped"],
            ["", "SMS is switched off (SMS_BACKEND is empty)."],
            id="sms-switched-off",
        ),
    ],
)
def test_a_channel_without_an_address_is_skipped(settings, contact, sms_backend, states, errors):
    settings.SMS_BACKEND = sms_backend
    staffed = agency_with_staff()
    filed = assigned(staffed, **contact)

    with outbox.committed():
        answer(staffed, filed)

    found = list(Notification.objects.order_by("channel").values_list("channel", "state", "last_error"))
    assert found == list(zip(["email", "sms"], states, errors, strict=True))
    assert run_queued() == (["sent"] if "pending" in states else [])


def test_the_account_address_is_not_used_when_the_sender_left_theirs_out():
    staffed = agency_with_staff()
    sender = english_sender()
    filed = assigned(staffed, sender_user=sender, sender_email="", sender_phone="")

    with outbox.committed():
        answer(staffed, filed)

    assert sender.email  # the account has one; the petition's contact is what the sender chose to give
    assert list(Notification.objects.values_list("state", flat=True)) == ["skipped", "skipped"]


def test_vietnamese_is_the_default_and_the_sms_has_no_diacritics():
    staffed = agency_with_staff()
    filed = assigned(staffed)

    with outbox.committed():
        answer(staffed, filed)

    email, sms = rows("petition_answered")
    assert email.language == sms.language == "vi"
    with translation.override("vi"):
        subject = gettext("Petition %(code)s has been answered") % {"code": filed.code}
    assert email.subject == subject
    lines = email.body.splitlines()
    assert lines[0] == "Kính gửi Nguyễn Văn An,"
    assert f"Mã số: {filed.code}" in lines
    assert "Tiêu đề: Thời gian chờ quá lâu" in lines
    assert f"Cơ quan: {staffed.agency.name}" in lines
    assert (sms.body.isascii(), len(sms.body) <= SMS_MAX_LENGTH) == (True, True)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_petition_sms_fits_one_segment(language):
    staffed = agency_with_staff()
    signed_in = UserFactory(username="nguoi.gui")
    Preference.objects.create(user=signed_in, language=language)
    with outbox.committed():
        for sender_user in (signed_in, None):
            answer(staffed, assigned(staffed, sender_user=sender_user))
            services.petition_close(
                petition=assigned(staffed, sender_user=sender_user), by=staffed.leader, reason="Trùng lặp. " * 30
            )
    bodies = list(Notification.objects.filter(channel=Channel.SMS).values_list("body", flat=True))
    assert len(bodies) == 4
    assert [b for b in bodies if len(b) > SMS_MAX_LENGTH or not b.isascii()] == []


def test_dispatching_twice_sends_once():
    staffed = agency_with_staff()
    filed = assigned(staffed, sender_user=english_sender())
    with outbox.committed():
        answer(staffed, filed)
    event = PetitionEvent.objects.get(action="answer")

    PetitionEvent.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if the worker died before marking
    report = petition_events_dispatch()
    petition_event_notify(petition_id=filed.pk, event_id=event.pk, action="answer", to_status="answered")

    assert (report.dispatched, report.failed) == (1, 0)
    assert Notification.objects.filter(petition_event=event).count() == 2
    assert run_queued() == ["sent", "sent"]
    assert run_queued() == []
    assert len(mail.outbox) == 1


def test_filing_routing_notes_publication_and_the_senders_rating_notify_nobody():
    staffed = agency_with_staff()
    sender = english_sender()
    with outbox.committed():
        filed = assigned(staffed, sender_user=sender)
        services.petition_note_add(petition=filed, by=staffed.specialist, note=NOTE)
    assert Notification.objects.count() == 0
    done = answer(staffed, filed)

    with outbox.committed():
        services.petition_publish(petition=done, by=staffed.leader)
        services.petition_answer_rate(petition=done, by=sender, satisfied=True)

    assert Notification.objects.count() == 0
    assert list(PetitionEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "file",
        "assign",
        "note",
        "answer",
        "publish",
        "rate_answer",
    ]
    assert PetitionEvent.objects.filter(dispatched_at=None).count() == 0


def test_the_hook_reads_nothing_for_an_event_that_calls_for_no_notification(django_assert_num_queries):
    filed = petition()
    event = PetitionEvent.objects.get(petition=filed)

    with django_assert_num_queries(0):
        petition_event_notify(petition_id=filed.pk, event_id=event.pk, action="file", to_status="received")


# --- The delivery log -----------------------------------------------------------------------------------


def test_resend_goes_to_the_petitions_address_and_is_audited():
    staffed = agency_with_staff()
    filed = assigned(staffed, sender_phone="0912340000")  # the simulator fails numbers ending in 0000
    with outbox.committed():
        answer(staffed, filed)
    Notification.objects.filter(channel=Channel.SMS).update(state=State.FAILED)
    sms = Notification.objects.get(channel=Channel.SMS)

    resent = notification_resend(notification=sms, by=staffed.leader)

    assert (resent.state, resent.attempts, resent.recipient, resent.last_error) == (State.PENDING, 0, "0912340000", "")
    entry = AuditEntry.objects.get(action="notification.resend")
    assert entry.data == {"petition": filed.pk, "channel": "sms", "from": "failed", "to": "pending"}


def test_admin_lists_petition_notifications_by_their_reference(admin_client):
    staffed = agency_with_staff()
    filed = assigned(staffed)
    with outbox.committed():
        answer(staffed, filed)
    email = Notification.objects.get(channel=Channel.EMAIL)

    listing = admin_client.get("/admin/notifications/notification/", HTTP_ACCEPT_LANGUAGE="en")
    found = admin_client.get("/admin/notifications/notification/", {"q": filed.code}, HTTP_ACCEPT_LANGUAGE="en")
    detail = admin_client.get(f"/admin/notifications/notification/{email.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")

    assert (listing.status_code, found.status_code, detail.status_code) == (200, 200, 200)
    assert f'<td class="field-petition">{filed.code}</td>' in listing.content.decode()
    assert found.context["cl"].result_count == 2
    assert filed.code in detail.content.decode()


def test_a_vietnamese_senders_notices_say_ong_ba_as_their_greeting_does():
    staffed = agency_with_staff()
    sender = UserFactory(username="tran.thi.binh")
    Preference.objects.create(user=sender, language="vi")
    filed = assigned(staffed, sender_user=sender)

    with outbox.committed():
        answer(staffed, filed)
    run_queued()

    email, sms = rows("petition_answered")
    lines = email.body.splitlines()
    assert lines[0].startswith("Kính gửi ")
    assert f"{staffed.agency.name} đã trả lời phản ánh, kiến nghị của ông/bà." in lines
    assert "bạn" not in email.body.split()
    # SMS are sent without diacritics (one GSM segment): "cua ong/ba".
    assert sms.body == f"Phan anh, kien nghi {filed.code} cua ong/ba da duoc tra loi. Xem tai {page(filed.code)}"
