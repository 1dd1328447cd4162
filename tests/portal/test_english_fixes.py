"""Pages in English say amounts, time limits and agency names as the reader expects them, and so do those in
Vietnamese: grouped amounts, a time limit in the page's language, the agency's English name when it has one."""

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from chinhquyen.catalog.models import Fee
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    online_draft_start,
)
from chinhquyen.postal.models import PostalShipment
from tests.catalog.factories import ProcedureFactory
from tests.factories import AgencyFactory
from tests.feedback.helpers import returned, world_with_template
from tests.office.auth_helpers import officer_login
from tests.office.helpers import office_make, received
from tests.portal.apply_world import OnlineWorld
from tests.portal.test_my_dossiers import submitted
from tests.portal.test_pickup_pages import place, world_with_address

pytestmark = pytest.mark.django_db

VIETNAMESE_NAME = "Ủy ban nhân dân phường Hoa Lư"
ENGLISH_NAME = "People's Committee of Hoa Lu Ward"
ENGLISH_NAME_HTML = "People&#x27;s Committee of Hoa Lu Ward"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def reader(language: str) -> Client:
    return Client(headers={"accept-language": language})


def named(world: OnlineWorld, *, name_en: str = ENGLISH_NAME) -> OnlineWorld:
    world.agency.name, world.agency.name_en = VIETNAMESE_NAME, name_en
    world.agency.save(update_fields=["name", "name_en"])
    return world


def draft_of(world: OnlineWorld) -> Dossier:
    return online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Amounts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "amount", "currency", "shown"),
    [
        ("vi", Decimal(800000), "VND", "<strong>800.000 VND</strong>"),
        ("en", Decimal(800000), "VND", "<strong>800,000 VND</strong>"),
        ("vi", Decimal(800000), "", "<strong>800.000 VND</strong>"),
        ("vi", Decimal("1200.50"), "USD", "<strong>1.200,50 USD</strong>"),
        ("en", Decimal("1200.50"), "USD", "<strong>1,200.50 USD</strong>"),
    ],
    ids=["vi", "en", "no-currency", "vi-cents", "en-cents"],
)
def test_a_fee_is_grouped_by_thousands_in_both_languages(language, amount, currency, shown):
    procedure = ProcedureFactory()
    Fee.objects.create(procedure=procedure, position=0, name="Lệ phí", amount=amount, currency=currency)

    html = text(reader(language).get(reverse("portal:procedure_detail", args=[procedure.code])))

    assert f"Lệ phí: {shown}" in html


@pytest.mark.parametrize(("language", "shown"), [("vi", "1.250.000 VND"), ("en", "1,250,000 VND")])
def test_the_amount_collected_on_delivery_is_grouped_by_thousands(language, shown):
    office = office_make()
    dossier = received(office)
    Dossier.objects.filter(pk=dossier.pk).update(return_method="postal")
    PostalShipment.objects.create(
        dossier=dossier,
        direction="result_delivery",
        order_number="ON1",
        item_code="IC1",
        receiver_name="A",
        receiver_phone="0912345678",
        receiver_address="1 Trần Hưng Đạo",
        receiver_division_code="00004",
        receiver_province_code="01",
        description="d",
        state="created",
        cod_amount=1250000,
    )
    client = reader(language)
    officer_login(client, office.front_desk)

    html = text(client.get(reverse("office:dossier", args=[dossier.pk])))

    assert f"<td>{shown}</td>" in html


# --- Time limits ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "3 working days, counted from when the agency receives your complete application."),
        ("vi", "3 ngày làm việc"),
    ],
    ids=["en", "vi"],
)
def test_the_review_page_gives_the_time_limit_in_the_page_language(language, shown):
    # Given a procedure whose limit is published in Vietnamese and read as 3 working days
    world = OnlineWorld()
    world.procedure.time_limit_text = "3 Ngày làm việc"
    world.procedure.save(update_fields=["time_limit_text"])
    draft = draft_of(world)

    html = text(world.client(language).get(reverse("portal:apply_review", args=[draft.pk])))

    assert shown in html
    assert "Ngày làm việc" not in html


def test_a_time_limit_that_cannot_be_read_is_given_as_published():
    world = OnlineWorld()
    world.procedure.time_limit_text, world.procedure.time_limit_value = "Theo quy định", None
    world.procedure.time_limit_unit = ""
    world.procedure.save(update_fields=["time_limit_text", "time_limit_value", "time_limit_unit"])
    draft = draft_of(world)

    html = text(world.client("en").get(reverse("portal:apply_review", args=[draft.pk])))

    assert "Theo quy định, counted from when the agency receives your complete application." in html


@pytest.mark.parametrize(
    ("language", "recorded", "shown"),
    [
        ("en", "5 Ngày làm việc", "5 working days"),
        ("vi", "5 Ngày làm việc", "5 ngày làm việc"),
        ("en", "1 Ngày làm việc", "1 working day"),
        ("en", "10 Ngày", "10 days"),
        ("en", "Theo quy định", "Theo quy định"),
    ],
    ids=["en", "vi", "en-one", "en-calendar-days", "unreadable"],
)
def test_the_office_dossier_header_gives_the_recorded_time_limit_in_the_page_language(language, recorded, shown):
    office = office_make()
    dossier = received(office)
    Dossier.objects.filter(pk=dossier.pk).update(time_limit_text=recorded)
    client = reader(language)
    officer_login(client, office.front_desk)

    html = text(client.get(reverse("office:dossier", args=[dossier.pk])))

    assert re.search(r"<dt>(Time limit|Thời hạn giải quyết)</dt><dd>([^<]*)</dd>", html).group(2) == shown


# --- Agency names -----------------------------------------------------------------------------------------


def test_the_apply_pages_in_english_name_the_agency_as_the_catalog_does():
    world = named(OnlineWorld())
    other = AgencyFactory(name="Ủy ban nhân dân xã Gia Viễn", name_en="People's Committee of Gia Vien Commune")
    world.procedure.agencies.add(other)
    client = world.client("en")
    start = text(client.get(reverse("portal:apply", args=[world.procedure.code])))  # before any draft exists
    draft = draft_of(world)

    pages = {
        "catalog": text(client.get(reverse("portal:procedure_detail", args=[world.procedure.code]))),
        "start": start,
        "form": text(client.get(reverse("portal:apply_form", args=[draft.pk]))),
        "agency": text(client.get(reverse("portal:apply_agency", args=[draft.pk]))),
        "review": text(client.get(reverse("portal:apply_review", args=[draft.pk]))),
        "discard": text(client.get(reverse("portal:apply_discard", args=[draft.pk]))),
    }

    assert {page: ENGLISH_NAME_HTML in html for page, html in pages.items()} == dict.fromkeys(pages, True)
    assert {page: VIETNAMESE_NAME in html for page, html in pages.items()} == dict.fromkeys(pages, False)
    assert f"Your application goes to {ENGLISH_NAME_HTML}." in pages["form"]
    assert "People&#x27;s Committee of Gia Vien Commune" in pages["start"]


def test_the_apply_pages_in_vietnamese_keep_the_vietnamese_name():
    world = named(OnlineWorld())
    client = world.client("vi")

    start = text(client.get(reverse("portal:apply", args=[world.procedure.code])))
    draft = draft_of(world)
    review = text(client.get(reverse("portal:apply_review", args=[draft.pk])))

    assert VIETNAMESE_NAME in start
    assert VIETNAMESE_NAME in review
    assert ENGLISH_NAME_HTML not in review


def test_an_agency_without_an_english_name_is_named_in_vietnamese_in_english():
    world = named(OnlineWorld(), name_en="")
    draft = draft_of(world)

    review = text(world.client("en").get(reverse("portal:apply_review", args=[draft.pk])))

    assert VIETNAMESE_NAME in review


def test_changing_the_agency_in_english_confirms_it_by_its_english_name():
    world = named(OnlineWorld())
    other = AgencyFactory(name="Ủy ban nhân dân xã Gia Viễn", name_en="People's Committee of Gia Vien Commune")
    world.procedure.agencies.add(other)
    draft = draft_of(world)
    client = world.client("en")

    response = client.post(
        reverse("portal:apply_agency", args=[draft.pk]), {"agency": other.pk, "version": draft.version}
    )

    assert flashed(response) == [
        "Your application will be sent to People's Committee of Gia Vien Commune. What you filled in and attached "
        "is kept."
    ]


def test_the_rating_page_in_english_names_the_agency_in_english():
    world = world_with_template()
    world.agency.name, world.agency.name_en = VIETNAMESE_NAME, ENGLISH_NAME
    world.agency.save(update_fields=["name", "name_en"])
    dossier = returned(world)
    client = reader("en")
    client.force_login(world.applicant.user)

    html = text(client.get(reverse("portal:dossier_rate", args=[dossier.pk])))

    assert f"<dt>Receiving agency</dt><dd>{ENGLISH_NAME_HTML}</dd>" in html


def test_a_refused_withdrawal_in_english_names_the_agency_in_english():
    world = named(OnlineWorld())
    dossier = submitted(world)
    dossier = dossier_forward(by=world.specialist, dossier=dossier_receive(by=world.front_desk, dossier=dossier))
    dossier = dossier_approve(by=world.leader, dossier=dossier)
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier)

    response = world.client("en").post(
        reverse("portal:dossier_withdraw", args=[dossier.pk]),
        {"reason": "Nộp nhầm", "confirm": "on", "version": dossier.version},
    )

    assert response.context["form"].non_field_errors() == [
        f"This dossier can no longer be withdrawn on the portal. Contact {ENGLISH_NAME} if you still wish to "
        "withdraw it."
    ]


def test_ordering_and_calling_off_a_pickup_in_english_name_the_agency_in_english():
    world = named(world_with_address())
    dossier = submitted(world)
    client = world.client("en")

    ordered = client.post(reverse("portal:pickup_request", args=[dossier.pk]), place(dossier))
    ordered_messages = flashed(ordered)
    client.get(ordered["Location"])  # the message is shown there, once
    dossier.refresh_from_db()
    called_off = client.post(reverse("portal:pickup_cancel", args=[dossier.pk]), {"version": dossier.version})

    assert len(ordered_messages) == 1
    assert ordered_messages[0].startswith(
        f"The post office will collect your paper documents and bring them to {ENGLISH_NAME}: item "
    )
    assert flashed(called_off) == [
        f"The collection is called off: bring the paper documents to {ENGLISH_NAME}, or ask the post office again."
    ]


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", ENGLISH_NAME_HTML, VIETNAMESE_NAME), ("vi", VIETNAMESE_NAME, ENGLISH_NAME_HTML)],
)
def test_my_dossier_and_the_public_lookup_name_the_agency_in_the_page_language(language, shown, hidden):
    from tests.dossiers.factories import vn

    world = named(OnlineWorld())
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    client = world.client(language)
    pages = {
        "dossier": text(client.get(reverse("portal:my_dossier", args=[dossier.pk]))),
        "lookup": text(
            reader(language).get(reverse("portal:dossier_lookup"), {"ma": dossier.code, "k": dossier.lookup_secret})
        ),
    }

    assert {name: (shown in page, hidden in page) for name, page in pages.items()} == dict.fromkeys(
        pages, (True, False)
    )
