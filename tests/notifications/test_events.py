"""Each dossier event the applicant is told about gives one e-mail and one SMS, in the applicant's language."""

import io

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from chinhquyen.dossiers.models import DossierEvent
from chinhquyen.dossiers.services import (
    dossier_claim,
    dossier_create_at_counter,
    dossier_forward,
    dossier_receive,
    online_draft_start,
    online_draft_submit,
)
from chinhquyen.notifications.models import Channel, Notification, Preference, State
from chinhquyen.notifications.sms import SMS_MAX_LENGTH, sms_plain
from tests.dossiers.factories import World, online_offer, vn
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db

BASE = "https://dichvucong.ninhbinh.gov.vn/"
MINE = f"{BASE}ho-so-cua-toi/"
FOOTER = "This message was sent automatically by the public service portal; replies are not read."


@pytest.fixture
def world():
    world = h.reachable_world()
    Preference.objects.create(user=world.applicant.user, language="en")
    return world


def lookup(dossier) -> str:
    return f"{BASE}tra-cuu-ho-so/?ma={dossier.code}&k={dossier.lookup_secret}"


def sent(kind: str) -> tuple[Notification, Notification]:
    rows = {n.channel: n for n in Notification.objects.filter(kind=kind)}
    assert set(rows) == {Channel.EMAIL, Channel.SMS}
    return rows[Channel.EMAIL], rows[Channel.SMS]


def test_received_gives_the_full_email_with_the_receipt_and_an_sms(world):
    with h.committed():
        dossier = h.received(world)
    assert h.run_queued() == ["sent", "sent"]

    email, sms = sent("received")
    assert (email.recipient, email.language, email.state, email.attempts) == (h.EMAIL, "en", State.SENT, 1)
    assert email.subject == f"Dossier {dossier.code} has been received"
    assert email.body == (
        "Dear Trần Thị Bình,\n\n"
        f"Your dossier has been received by {world.agency.name}.\n\n"
        f"Dossier code: {dossier.code}\n"
        f"Procedure: {world.procedure.name}\n"
        "Status: Received by the agency; processing will start shortly.\n"
        "Due date for the result: 09/03/2026 08:00\n\n"
        "What to do next:\n"
        "Keep the receipt attached to this message. With the dossier code and the lookup secret "
        f"{dossier.lookup_secret} printed on it you can follow your dossier at any time. "
        "Bring the receipt when you collect the result.\n\n"
        f"Look up a dossier: {lookup(dossier)}\n"
        f"My dossiers: {MINE}\n\n"
        f"{FOOTER}\n"
    )
    assert (sms.recipient, sms.state, sms.provider_ref.startswith("sim-")) == (h.PHONE, State.SENT, True)
    assert sms.body == f"Dossier received, result due on 09/03/2026. Details: {lookup(dossier)}"

    [message] = mail.outbox
    assert (message.subject, message.to, message.body) == (email.subject, [h.EMAIL], email.body)
    assert message.extra_headers["Content-Language"] == "en"
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"giay-tiep-nhan-{dossier.code}.pdf", "application/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert dossier.code in text
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".upper() in text.upper()


@pytest.mark.parametrize(
    ("kind", "subject", "lines", "sms"),
    [
        pytest.param(
            "supplement_requested",
            "Dossier {code}: more documents are needed",
            [
                "{agency} needs more documents before it can go on with your dossier.",
                "Status: Waiting for more documents from you. See the request you were sent or contact the "
                "receiving agency.",
                "Reason: Thiếu giấy tờ tùy thân",
                "- Bản sao Căn cước công dân",
                "- Giấy khai sinh",
                "Supply these documents online under My dossiers or at the counter of {agency}. The time limit "
                "does not run until they arrive.",
            ],
            "More documents are needed for your dossier. Details: {lookup}",
            id="supplement-requested",
        ),
        pytest.param(
            "payment_required",
            "Dossier {code}: payment required",
            [
                "Status: Waiting for you to pay the fees or charges due.",
                "Amount: 1,250,000 VND",
                "Note: Lệ phí cấp giấy",
                "Pay the amount at the counter of {agency} or as it tells you. Processing goes on once the agency "
                "has confirmed the payment; My dossiers shows the amount too.",
                "The time limit does not run while the payment is awaited: once it is confirmed, the due date moves "
                "later by the working time it took.",
            ],
            "Please pay 1,250,000 VND for your dossier. Details: {lookup}",
            id="payment-required",
        ),
        pytest.param(
            "payment_confirmed",
            "Dossier {code}: payment confirmed",
            [
                "{agency} has confirmed your payment and goes on processing your dossier.",
                "Status: Being processed.",
                "Nothing for now. My dossiers shows how the dossier moves on; you are told when the result is ready.",
            ],
            "Payment received; result now due on 09/03/2026. Details: {lookup}",
            id="payment-confirmed",
        ),
        pytest.param(
            "apology",
            "Dossier {code}: apology and new due date",
            [
                "We apologise: your dossier could not be processed by the due date of 09/03/2026 08:00.",
                "Reason: Chờ ý kiến của Sở Tư pháp",
                "Due date for the result: 12/03/2026 08:00",
            ],
            "Dossier delayed, we apologise. New due date: 12/03/2026. Details: {lookup}",
            id="apology-extension",
        ),
        pytest.param(
            "result_ready",
            "Dossier {code}: the result is ready",
            [
                "The result of your dossier is ready.",
                "Status: Processed: the result is ready for you.",
                "Collect the result at the counter of {agency}. Bring the receipt and your identity document.",
            ],
            "The result of your dossier is ready. Details: {lookup}",
            id="result-ready",
        ),
        pytest.param(
            "returned",
            "Dossier {code}: the result has been handed over",
            [
                "The result of your dossier was handed over on 09/03/2026.",
                "Status: Completed: the result has been handed over to you.",
                "No action is needed. Thank you for using the public services; you can rate how your dossier was "
                "handled under My dossiers.",
            ],
            "Result handed over on 09/03/2026. Thank you. Details: {lookup}",
            id="returned",
        ),
        pytest.param(
            "refused",
            "Your application was not accepted: {procedure}",
            [
                "{agency} could not accept your application.",
                "Reasons: Sai thẩm quyền giải quyết",
                "The notice of refusal is under My dossiers. You may apply again once the reasons above are dealt "
                "with, or ask {agency} for help.",
            ],
            "Your application was not accepted. Reasons: {mine}",
            id="refused",
        ),
        pytest.param(
            "withdrawn",
            "Dossier {code} has been withdrawn",
            [
                "As you asked, your dossier has been withdrawn; {agency} will not process it further.",
                "Reason: Không còn nhu cầu",
            ],
            "Your dossier has been withdrawn as you asked. Details: {lookup}",
            id="withdrawn",
        ),
        pytest.param(
            "stopped",
            "Dossier {code}: processing stopped",
            [
                "{agency} has stopped processing your dossier.",
                "Reason: Người yêu cầu đã chết",
                "The notice of stopping, with its reasons, is under My dossiers. Contact {agency} if you have "
                "questions.",
            ],
            "Processing of your dossier stopped. Details: {lookup}",
            id="stopped",
        ),
    ],
)
def test_each_event_gives_its_email_and_sms(world, kind, subject, lines, sms):
    with h.committed():
        dossier = getattr(h, kind)(world)
    h.run_queued()

    email, text = sent(kind)
    values = {
        "code": dossier.code,
        "agency": world.agency.name,
        "lookup": lookup(dossier) if dossier.code else MINE,
        "mine": MINE,
        "procedure": world.procedure.name,
    }
    assert (email.recipient, email.state, text.recipient, text.state) == (h.EMAIL, State.SENT, h.PHONE, State.SENT)
    assert email.subject == subject.format(**values)
    body = email.body.splitlines()
    expected = [f"Dossier code: {dossier.code}", f"Look up a dossier: {lookup(dossier)}"] if dossier.code else []
    for line in [*expected, FOOTER, *lines]:
        assert line.format(**values) in body
    assert text.body == sms.format(**values)
    assert [m.subject for m in mail.outbox if m.subject == email.subject] == [email.subject]
    assert all(m.attachments == [] for m in mail.outbox if m.subject == email.subject)  # the result is linked
    # No due date for a dossier closed before its result, nor while the clock waits for the applicant (it moves).
    no_due = kind in ("refused", "withdrawn", "stopped", "returned", "payment_required", "supplement_requested")
    assert any(line.startswith("Due date for the result:") for line in body) is not no_due


def test_a_result_sent_by_post_is_told_as_sent_not_handed_over(world):
    from chinhquyen.dossiers.services.processing import dossier_return_by_post

    with h.committed():  # as the postal partner's order does
        dossier = dossier_return_by_post(by=world.front_desk, dossier=h.result_ready(world), at=vn(2026, 3, 9, 8, 0))
    h.run_queued()

    email, text = sent("returned")
    assert email.subject == f"Dossier {dossier.code}: the result has been sent by post"
    body = email.body.splitlines()
    assert (
        "The result of your dossier was handed to the postal service on 09/03/2026, to be delivered to the "
        "address you gave." in body
    )
    assert (
        "Wait for the postal service to deliver it; under My dossiers you can see the postal item code and "
        "whether it has been delivered. Once you have it, you can rate how your dossier was handled there." in body
    )
    assert text.body == f"Result sent by post on 09/03/2026. Details: {lookup(dossier)}"


def test_result_ready_online_links_to_the_download(world):
    online_offer(world)
    with h.committed():
        dossier = online_draft_start(
            by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k1"
        )
        online_draft_submit(by=world.applicant.user, dossier=dossier)
    with h.committed():
        h.receive_and_issue(world, dossier)

    email, _sms = sent("result_ready")
    assert f"Download the result under My dossiers: {MINE}" in email.body.splitlines()


@pytest.mark.parametrize("how", ["submit_online", "draft_then_submit"])
def test_online_submission_is_acknowledged(world, how):
    online_offer(world)
    with h.committed():
        if how == "submit_online":
            dossier = h.submitted(world)
        else:
            dossier = online_draft_start(
                by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k2"
            )
            dossier = online_draft_submit(by=world.applicant.user, dossier=dossier)
    h.run_queued()

    email, sms = sent("submitted")
    assert email.event.action == ("create" if how == "submit_online" else "submit")
    assert email.subject == f"Your online application has been submitted: {world.procedure.name}"
    body = email.body.splitlines()
    assert f"Your online application has been submitted to {world.agency.name}." in body
    assert "Status: Submitted online, waiting to be received by the agency." in body
    assert f"My dossiers: {MINE}" in body
    assert not any(line.startswith(("Dossier code:", "Look up a dossier:")) for line in body)  # no code yet
    assert (
        sms.body
        == f"Your online application for {sms_plain(dossier.procedure.name)} has been submitted. Follow it at {MINE}"
    )
    assert [m.to for m in mail.outbox] == [[h.EMAIL]]


def test_vietnamese_is_the_default_language_and_sms_has_no_diacritics():
    world = h.reachable_world()  # no preference: Vietnamese
    with h.committed():
        dossier = h.payment_required(world)

    email, sms = sent("payment_required")
    assert email.language == sms.language == "vi"
    with translation.override("vi"):
        expected_subject = gettext("Dossier %(sms_ref)s: payment required") % {"sms_ref": dossier.code}
    assert email.subject == expected_subject
    body = email.body.splitlines()
    assert f"Mã hồ sơ: {dossier.code}" in body
    assert f"Thủ tục: {world.procedure.name}" in body
    assert "Trạng thái: Hồ sơ đang chờ nộp phí, lệ phí." in body
    assert not any(line.startswith("Ngày hẹn trả kết quả") for line in body)  # paused: it will move
    assert f"Tra cứu hồ sơ: {lookup(dossier)}" in body
    assert any(line.endswith(": 1.250.000 VND") for line in body)  # Vietnamese digit grouping
    assert sms.body.isascii()
    assert len(sms.body) <= SMS_MAX_LENGTH
    assert "1.250.000 VND" in sms.body


def test_every_sms_fits_one_segment_in_both_languages():
    for language in ("vi", "en"):
        for kind in (
            "received",
            "supplement_requested",
            "payment_required",
            "payment_confirmed",
            "supplement_accepted",
            "apology",
            "result_ready",
            "returned",
        ):
            world = h.reachable_world()
            Preference.objects.create(user=world.applicant.user, language=language)
            with h.committed():
                getattr(h, kind)(world)
    bodies = list(Notification.objects.filter(channel=Channel.SMS).values_list("body", flat=True))
    # received once per world before each event; payment_required comes before payment_confirmed, and
    # supplement_requested before supplement_accepted
    assert len(bodies) == 2 * (8 + 8 + 2)
    assert [b for b in bodies if len(b) > SMS_MAX_LENGTH or not b.isascii()] == []


def test_a_long_portal_address_drops_the_link_from_the_sms(world, settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.tinh-rat-dai-ten-de-thu-do-dai-tin-nhan.gov.vn/"
    with h.committed():
        dossier = h.received(world)

    _email, sms = sent("received")
    assert sms.body == f"Dossier {dossier.code} has been received; the result is due on 09/03/2026."


def test_internal_events_and_drafts_do_not_notify(world):
    dossier = h.received(world)
    Notification.objects.all().delete()
    with h.committed():
        draft = world.draft(at=vn(2026, 3, 2, 9, 0))
        dossier_claim(by=world.specialist, dossier=dossier)
        dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))

    assert list(
        DossierEvent.objects.filter(dossier__in=[dossier, draft]).order_by("pk").values_list("action", "internal")
    ) == [
        ("create", False),
        ("receive", False),
        ("create", False),
        ("claim", True),
        ("forward", True),
    ]
    assert Notification.objects.count() == 0
    assert h.run_queued() == []


def test_running_the_hook_twice_creates_the_rows_once(world):
    from chinhquyen.notifications.hooks import dossier_event_notify

    with h.committed():
        dossier = h.received(world)
    event = dossier.events.get(action="receive")
    dossier_event_notify(dossier_id=dossier.pk, event_id=event.pk, action="receive")

    assert Notification.objects.filter(event=event).count() == 2


def test_a_notified_event_costs_the_hook_three_statements_and_a_second_run_no_more_rows(
    world, django_assert_num_queries
):
    from chinhquyen.notifications.services import notifications_for_event

    dossier = h.received(world)  # the hooks do not run: the test's transaction never commits
    event = dossier.events.get(action="receive")

    # the event with its dossier, the account's language, both rows in one INSERT (no transaction of its own)
    with django_assert_num_queries(3):
        first = notifications_for_event(event_id=event.pk)
    with django_assert_num_queries(4):  # the same, nothing inserted, then the rows there are
        second = notifications_for_event(event_id=event.pk)

    assert [(n.channel, n.pk) for n in first] == [("email", first[0].pk), ("sms", first[1].pk)]
    assert [n.pk for n in second] == [n.pk for n in first]
    assert Notification.objects.filter(event=event).count() == 2


def test_the_hook_reads_nothing_for_an_event_that_calls_for_no_notification(world, django_assert_num_queries):
    from chinhquyen.notifications.hooks import dossier_event_notify

    draft = dossier_create_at_counter(by=world.front_desk, procedure=world.procedure, applicant=world.applicant)
    event = draft.events.get(action="create")

    with django_assert_num_queries(0):  # a draft opened at the counter: the applicant hears nothing yet
        dossier_event_notify(dossier_id=draft.pk, event_id=event.pk, action="create", to_status=0, internal=False)
    with django_assert_num_queries(1):  # without the event's values the hook reads the event to decide
        dossier_event_notify(dossier_id=draft.pk, event_id=event.pk, action="create")
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "phone", "states", "errors"),
    [
        pytest.param(
            "",
            "",
            ["skipped", "skipped"],
            ["No e-mail address for the applicant.", "No mobile phone number for the applicant."],
            id="no-address",
        ),
        pytest.param(
            "",
            "024 3825 1234",
            ["skipped", "skipped"],
            ["No e-mail address for the applicant.", "No mobile phone number for the applicant."],
            id="landline-only",
        ),
        pytest.param(
            "not-an-address",
            "+84 912 345 678",
            ["skipped", "pending"],
            ["The applicant's e-mail address is not valid.", ""],
            id="bad-email",
        ),
    ],
)
def test_a_channel_without_an_address_is_skipped(email, phone, states, errors):
    world = World(days=5)
    world.applicant.user.email = ""
    world.applicant.user.save(update_fields=["email"])
    world.applicant.email, world.applicant.phone = email, phone
    world.applicant.save(update_fields=["email", "phone"])
    with h.committed():
        h.received(world)

    rows = list(Notification.objects.order_by("channel").values_list("channel", "state", "last_error", "recipient"))
    assert [(c, s, e) for c, s, e, _r in rows] == list(zip(["email", "sms"], states, errors, strict=True))
    assert h.run_queued() == (["sent"] if "pending" in states else [])
    assert mail.outbox == []


def test_sms_switched_off_is_skipped_with_the_reason(world, settings):
    settings.SMS_BACKEND = ""
    with h.committed():
        h.received(world)

    _email, sms = sent("received")
    assert (sms.state, sms.last_error) == (State.SKIPPED, "SMS is switched off (SMS_BACKEND is empty).")


def test_the_accounts_current_addresses_win_over_those_given_with_the_dossier():
    world = World(days=5)
    world.applicant.email, world.applicant.phone = "old@example.vn", "0911111111"
    world.applicant.save(update_fields=["email", "phone"])
    dossier = world.draft(at=vn(2026, 3, 2, 7, 30))  # the snapshot keeps the old addresses
    user = world.applicant.user
    user.email, user.phone = "new@example.vn", "0922 222 222"
    user.save(update_fields=["email", "phone"])

    with h.committed():
        dossier = dossier_receive(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 2, 8, 0))

    assert dossier.applicant_snapshot["email"] == "old@example.vn"
    assert sorted(Notification.objects.values_list("channel", "recipient")) == [
        ("email", "new@example.vn"),
        ("sms", "0922222222"),
    ]
