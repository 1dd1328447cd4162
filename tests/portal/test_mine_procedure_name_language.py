"""The applicant's own pages name the procedure in the page's language, as the catalog does."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers.services import dossier_receive, online_draft_start
from tests.catalog.factories import ProcedureFactory
from tests.feedback.helpers import agency_with_staff, published
from tests.portal.apply_world import OnlineWorld
from tests.portal.test_my_dossiers import resolved, submitted
from tests.portal.test_pickup_pages import world_with_address

pytestmark = pytest.mark.django_db

VIETNAMESE = "Đăng ký khai sinh"
ENGLISH = "Birth registration"
IN_EACH_LANGUAGE = [
    pytest.param("en", ENGLISH, VIETNAMESE, id="english"),
    pytest.param("vi", VIETNAMESE, ENGLISH, id="vietnamese"),
]


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def named(world: OnlineWorld) -> OnlineWorld:
    world.procedure.name, world.procedure.name_en = VIETNAMESE, ENGLISH
    world.procedure.save(update_fields=["name", "name_en"])
    return world


@pytest.mark.parametrize(
    "page",
    ["portal:my_dossiers", "portal:my_dossier", "portal:dossier_withdraw"],
    ids=["list", "dossier", "withdraw"],
)
@pytest.mark.parametrize(("language", "shown", "hidden"), IN_EACH_LANGUAGE)
def test_a_received_dossier_is_named_in_the_page_language(page, language, shown, hidden):
    world = named(OnlineWorld())
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    args = [] if page == "portal:my_dossiers" else [dossier.pk]

    html = text(world.client(language).get(reverse(page, args=args)))

    assert shown in html
    assert hidden not in html


@pytest.mark.parametrize(("language", "shown", "hidden"), IN_EACH_LANGUAGE)
def test_a_draft_in_the_list_is_named_in_the_page_language(language, shown, hidden):
    world = named(OnlineWorld())
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="d"
    )

    html = text(world.client(language).get(reverse("portal:my_dossiers")))

    assert f'<a href="{reverse("portal:apply_form", args=[draft.pk])}">{shown}</a>' in html
    assert hidden not in html


def test_the_rating_page_names_the_procedure_in_english():
    world = named(OnlineWorld())
    dossier = resolved(world)
    client = world.client("en")
    client.post(reverse("portal:result_receive", args=[dossier.pk]))

    html = text(client.get(reverse("portal:dossier_rate", args=[dossier.pk])))

    assert f"<dt>Procedure</dt><dd>{ENGLISH}</dd>" in html
    assert VIETNAMESE not in html


def test_the_pickup_page_names_the_procedure_in_english():
    world = named(world_with_address())
    dossier = submitted(world)

    html = text(world.client("en").get(reverse("portal:pickup_request", args=[dossier.pk])))

    assert ENGLISH in html
    assert VIETNAMESE not in html


@pytest.mark.parametrize("page", ["apply", "apply_form", "apply_discard"])
@pytest.mark.parametrize(("language", "shown", "hidden"), IN_EACH_LANGUAGE)
def test_the_application_pages_name_the_procedure_in_the_page_language(page, language, shown, hidden):
    world = named(OnlineWorld())
    if page == "apply":  # the start page, before any draft (a draft's own page follows it)
        args = [world.procedure.code]
    else:
        draft = online_draft_start(
            by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="d"
        )
        args = [draft.pk]

    html = text(world.client(language).get(reverse(f"portal:{page}", args=args)))

    assert shown in html
    assert hidden not in html


@pytest.mark.parametrize(("language", "shown", "hidden"), IN_EACH_LANGUAGE)
def test_a_published_petition_names_its_procedure_in_the_page_language(client, language, shown, hidden):
    procedure = ProcedureFactory(name=VIETNAMESE, name_en=ENGLISH)
    shown_petition = published(agency_with_staff(), procedure=procedure)
    headers = {"accept-language": language}

    listed = text(client.get(reverse("portal:petition_list"), headers=headers))
    detail = text(client.get(reverse("portal:petition_detail", args=[shown_petition.code]), headers=headers))

    assert (shown in listed, hidden in listed, shown in detail, hidden in detail) == (True, False, True, False)
