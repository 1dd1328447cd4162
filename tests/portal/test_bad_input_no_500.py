"""Input no form would send (a NUL byte, a superscript digit) is refused with a page, never a server error."""

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.core.text import clean, code_plausible, whole_number
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.services import (
    dossier_claim,
    dossier_receive,
    dossier_request_supplement,
    online_draft_start,
)
from tests.portal.apply_world import FORM, OnlineWorld, pdf_upload
from tests.portal.test_my_dossiers import submitted

pytestmark = pytest.mark.django_db


def supplement_asked(world: OnlineWorld) -> Dossier:
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_claim(by=world.specialist, dossier=dossier)
    return dossier_request_supplement(by=world.specialist, dossier=dossier, items=["Bản sao"], reason="Thiếu")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Đã bổ sung\x00", "Đã bổ sung", id="nul"),
        pytest.param("a\x01b\x1fc\x7fd", "abcd", id="other-controls"),
        pytest.param("a\tb\nc", "a b c", id="tab-and-newline-fold-to-spaces"),
    ],
)
def test_clean_drops_control_characters(value, expected):
    assert clean(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("0", 0), ("²", None), ("١٢", None), ("-1", None), ("1" * 19, None), ("", None), (" 1", None)],
    ids=["digits", "zero", "superscript", "arabic-indic", "negative", "too-long", "empty", "space"],
)
def test_whole_number(value, expected):
    assert whole_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.001193", True), ("000.00.01.H37", True), ("ho-tich", True), ("\x00", False), ("a b", False), ("", False)],
    ids=["procedure", "agency", "slug", "nul", "space", "empty"],
)
def test_code_plausible(value, expected):
    assert code_plausible(value) is expected


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [
        pytest.param("/thu-tuc/%00/", False, id="procedure"),
        pytest.param("/thu-tuc/%00/mau/1/", False, id="template"),
        pytest.param("/phan-anh-kien-nghi/%00/", False, id="petition"),
        pytest.param("/nop-truc-tuyen/%00/", True, id="apply"),
        pytest.param("/api/v1/catalog/procedures/%00", False, id="api-procedure"),
        pytest.param("/api/v1/directory/agencies/%00", False, id="api-agency"),
        pytest.param("/api/v1/petitions/%00", False, id="api-petition"),
    ],
)
def test_a_nul_in_a_code_of_the_path_is_not_found(url, signed_in):
    world = OnlineWorld()
    client = world.client() if signed_in else Client()
    client.raise_request_exception = False

    assert client.get(url).status_code == 404


def test_a_nul_in_the_supplement_note_is_dropped():
    world = OnlineWorld()
    client = world.client()
    dossier = supplement_asked(world)
    client.post(
        reverse("portal:supplement_upload", args=[dossier.pk]), {"required_document": "", "upload": pdf_upload()}
    )
    dossier.refresh_from_db()

    response = client.post(
        reverse("portal:supplement_send", args=[dossier.pk]), {"version": dossier.version, "note": "Đã bổ sung\x00"}
    )

    dossier.refresh_from_db()
    assert response.status_code == 302
    assert dossier.status == DossierStatus.RECEIVED
    assert DossierEvent.objects.get(dossier=dossier, action="supplement_provided").reason == "Đã bổ sung"


@pytest.mark.parametrize("name", ["apply_form", "apply_agency", "apply_documents"])
def test_a_version_in_superscript_digits_is_refused_as_stale(name):
    world = OnlineWorld()
    client = world.client()
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )
    data = {
        "apply_form": {**FORM, "version": "²", "save": "1"},
        "apply_agency": {"agency": world.agency.pk, "version": "²"},
        "apply_documents": {"remove": "²", "version": "²"},
    }[name]

    response = client.post(reverse(f"portal:{name}", args=[draft.pk]), data)

    draft.refresh_from_db()
    assert response.status_code in (302, 409)
    assert draft.form_data == {}


def test_a_supplement_sent_with_a_superscript_version_is_refused_as_stale():
    world = OnlineWorld()
    client = world.client()
    dossier = supplement_asked(world)

    response = client.post(reverse("portal:supplement_send", args=[dossier.pk]), {"version": "²"}, follow=True)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert [str(m) for m in response.context["messages"]] == [
        "This dossier changed while this page was open. The page now shows it as it is: check it, then send again."
    ]
