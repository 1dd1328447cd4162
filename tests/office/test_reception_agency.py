"""The counter a walk-in dossier is received at, for an officer at one counter and at two."""

import re

import pytest
from django.urls import reverse

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.postal.pickups import postal_pickup_order
from chinhquyen.workcal.engine import TZ
from tests.factories import AgencyFactory, CitizenFactory, UserFactory
from tests.postal.helpers import COMMUNE, applicant_make

from .helpers import Office, applicant_ref, office_make, received, reception_params

pytestmark = pytest.mark.django_db

CHOOSE = "Choose the receiving agency, then search among its procedures."


@pytest.fixture
def commune(db) -> Office:
    o = office_make(prefix="xa")
    o.agency.name = "UBND xã Tân Phú"
    o.agency.save()
    return o


@pytest.fixture
def department(db) -> Office:
    o = office_make(prefix="so")
    o.agency.name = "Sở Tư pháp"
    o.agency.save()
    return o


@pytest.fixture
def two_counters(commune, department) -> Office:
    """The commune's one-stop officer also staffs the department's counter."""
    staff_role_grant(user=commune.front_desk, agency=department.agency, role="front_desk")
    return commune


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _options(body: str) -> list[str]:
    select = re.search(r'<select name="agency"[^>]*>(.*?)</select>', body)
    assert select is not None
    return re.findall(r"<option [^>]*>[^<]*</option>", select.group(1))


# --- One counter ---------------------------------------------------------------------------------


def test_one_counter_is_preselected_and_its_procedures_listed(as_user, commune):
    applicant = CitizenFactory()
    client = as_user(commune.front_desk)

    body = _text(client.get(reverse("office:reception"), {"applicant": applicant_ref(commune.front_desk, applicant)}))

    assert _options(body) == [f'<option value="{commune.agency.pk}" selected>UBND xã Tân Phú</option>']
    assert '<label for="id_agency">Receiving agency</label>' in body
    assert "<caption>Procedures that UBND xã Tân Phú receives</caption>" in body
    assert commune.procedure.name in body
    assert f'<input type="hidden" name="agency" value="{commune.agency.pk}">' in body
    assert CHOOSE not in body


def test_one_counter_receives_a_dossier_posted_without_an_agency(as_user, commune):
    applicant = CitizenFactory()
    client = as_user(commune.front_desk)

    response = client.post(
        reverse("office:dossier_start"),
        {"applicant": applicant_ref(commune.front_desk, applicant), "procedure": commune.procedure.pk},
    )

    dossier = Dossier.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("office:reception_dossier", args=[dossier.pk]))
    assert dossier.receiving_agency_id == commune.agency.pk


# --- Two counters --------------------------------------------------------------------------------


def test_two_counters_ask_for_the_agency_before_listing_procedures(as_user, two_counters, department):
    applicant = CitizenFactory()
    client = as_user(two_counters.front_desk)

    body = _text(
        client.get(reverse("office:reception"), {"applicant": applicant_ref(two_counters.front_desk, applicant)})
    )

    assert _options(body) == [
        '<option value="" selected>Choose an agency</option>',
        f'<option value="{department.agency.pk}">Sở Tư pháp</option>',
        f'<option value="{two_counters.agency.pk}">UBND xã Tân Phú</option>',
    ]
    assert '<label for="id_agency">Receiving agency <span class="muted">(required)</span></label>' in body
    assert CHOOSE in body
    assert two_counters.procedure.name not in body
    assert department.procedure.name not in body
    assert 'id="id_agency_errors"' not in body


def test_two_counters_list_the_procedures_of_the_agency_chosen(as_user, two_counters, department):
    applicant = CitizenFactory()
    client = as_user(two_counters.front_desk)

    body = _text(
        client.get(
            reverse("office:reception"),
            {
                "applicant": applicant_ref(two_counters.front_desk, applicant),
                "agency": department.agency.pk,
                "query": "",
            },
        )
    )

    assert f'<option value="{department.agency.pk}" selected>Sở Tư pháp</option>' in _options(body)
    assert "<caption>Procedures that Sở Tư pháp receives</caption>" in body
    assert department.procedure.name in body
    assert two_counters.procedure.name not in body
    assert body.count(f'<input type="hidden" name="agency" value="{department.agency.pk}">') == 1


def test_two_counters_open_the_dossier_at_the_agency_chosen_and_its_code_is_that_agencys(
    as_user, two_counters, department
):
    department.agency.code = "000.00.12.H37"
    department.agency.save()
    applicant = CitizenFactory()
    client = as_user(two_counters.front_desk)

    started = client.post(
        reverse("office:dossier_start"),
        {
            "applicant": applicant_ref(two_counters.front_desk, applicant),
            "procedure": department.procedure.pk,
            "agency": department.agency.pk,
            "query": "",
        },
    )
    dossier = Dossier.objects.get()
    page = _text(client.get(started["Location"]))
    received = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "receive"]), {"expected_version": dossier.version}
    )

    assert started["Location"] == reverse("office:reception_dossier", args=[dossier.pk])
    assert "<dt>Receiving agency</dt><dd>Sở Tư pháp</dd>" in page
    assert received["Location"] == reverse("office:reception_outcome", args=[dossier.pk])
    dossier.refresh_from_db()
    assert (dossier.status, dossier.receiving_agency_id) == (DossierStatus.RECEIVED, department.agency.pk)
    assert dossier.code == f"000.00.12.H37-{dossier.received_at.astimezone(TZ):%y%m%d}-0001"


def test_two_counters_refuse_a_dossier_posted_without_an_agency_and_keep_what_was_entered(as_user, two_counters):
    applicant = CitizenFactory(name="Lê Thị Hoa")
    client = as_user(two_counters.front_desk)

    response = client.post(
        reverse("office:dossier_start"),
        {
            "applicant": applicant_ref(two_counters.front_desk, applicant),
            "procedure": two_counters.procedure.pk,
            "agency": "",
            "query": "khai sinh",
        },
    )

    body = _text(response)
    assert response.status_code == 400
    assert Dossier.objects.count() == 0
    assert '<ul class="errorlist" id="id_agency_errors"><li>Choose the receiving agency.</li></ul>' in body
    assert 'aria-invalid="true" aria-describedby="id_agency_errors"' in body
    assert "<dd>Lê Thị Hoa</dd>" in body
    assert 'name="query" value="khai sinh"' in body


@pytest.mark.parametrize("role", [None, "specialist"], ids=["no-role", "specialist-only"])
def test_two_counters_refuse_an_agency_whose_counter_the_officer_does_not_staff(as_user, two_counters, role):
    foreign = AgencyFactory(name="Sở Tài chính")
    if role is not None:
        staff_role_grant(user=two_counters.front_desk, agency=foreign, role=role)
    two_counters.procedure.agencies.add(foreign)
    applicant = CitizenFactory(name="Lê Thị Hoa")
    client = as_user(two_counters.front_desk)

    response = client.post(
        reverse("office:dossier_start"),
        {
            "applicant": applicant_ref(two_counters.front_desk, applicant),
            "procedure": two_counters.procedure.pk,
            "agency": foreign.pk,
            "query": "khai sinh",
        },
    )

    body = _text(response)
    assert response.status_code == 400
    assert Dossier.objects.count() == 0
    assert (
        '<ul class="errorlist" id="id_agency_errors"><li>You do not staff the front desk of that agency: '
        "choose one of your counters.</li></ul>"
    ) in body
    assert "Sở Tài chính" not in body  # not offered either
    assert "<dd>Lê Thị Hoa</dd>" in body
    assert 'name="query" value="khai sinh"' in body
    assert CHOOSE in body


def test_a_procedure_the_chosen_agency_does_not_receive_cannot_be_opened(as_user, two_counters, department):
    applicant = CitizenFactory()
    client = as_user(two_counters.front_desk)

    response = client.post(
        reverse("office:dossier_start"),
        {
            "applicant": applicant_ref(two_counters.front_desk, applicant),
            "procedure": two_counters.procedure.pk,
            "agency": department.agency.pk,
        },
        follow=True,
    )

    [(url, status)] = response.redirect_chain
    assert (reception_params(url, two_counters.front_desk), status) == (
        {"applicant": applicant.pk, "agency": str(department.agency.pk)},
        302,
    )
    assert "This agency does not handle this procedure; choose one of those listed." in response.content.decode()
    assert Dossier.objects.count() == 0


def test_a_refusal_by_the_service_returns_to_the_procedures_with_the_agency_and_words(
    as_user, two_counters, department, monkeypatch
):
    def refuse(**kwargs):
        raise TransitionRefused("Refused by the service.", code="role_required")

    monkeypatch.setattr(services, "dossier_create_at_counter", refuse)
    applicant = CitizenFactory()
    client = as_user(two_counters.front_desk)

    response = client.post(
        reverse("office:dossier_start"),
        {
            "applicant": applicant_ref(two_counters.front_desk, applicant),
            "procedure": department.procedure.pk,
            "agency": department.agency.pk,
            "query": "hộ",
        },
    )

    assert response.status_code == 302
    assert reception_params(response["Location"], two_counters.front_desk) == {
        "applicant": applicant.pk,
        "agency": str(department.agency.pk),
        "query": "hộ",
    }


# --- The other pages of an officer of several agencies ----------------------------------------------


def _submitted(o: Office):
    applicant = CitizenFactory(user=UserFactory())
    return services.dossier_submit_online(
        by=applicant.user, applicant=applicant, procedure=o.procedure, receiving_agency=o.agency, form_data={}
    )


def test_the_inbox_of_two_counters_shows_both_queues_with_their_agency(as_user, two_counters, department):
    at_commune, at_department = _submitted(two_counters), _submitted(department)

    body = _text(as_user(two_counters.front_desk).get(reverse("office:inbox")))

    assert '<th scope="col">Agency</th>' in body
    for dossier, name in ((at_commune, "UBND xã Tân Phú"), (at_department, "Sở Tư pháp")):
        row = re.search(rf'<tr> <td><a href="{reverse("office:reception_dossier", args=[dossier.pk])}">.*?</tr>', body)
        assert row is not None
        assert f"<td>{name}</td>" in row.group(0)


def test_the_inbox_of_one_counter_has_no_agency_column(as_user, commune):
    _submitted(commune)

    body = _text(as_user(commune.front_desk).get(reverse("office:inbox")))

    assert "<td>UBND xã Tân Phú</td>" not in body
    assert '<th scope="col">Agency</th>' not in body


def test_search_by_an_officer_of_two_agencies_names_the_receiving_agency(as_user, two_counters, department):
    dossier = received(department)

    body = _text(as_user(two_counters.front_desk).get(reverse("office:search"), {"code": dossier.code}))

    assert '<th scope="col">Receiving agency</th>' in body
    cells = f"<td>{department.procedure.name}</td><td>{dossier.applicant.name}</td> <td>Sở Tư pháp</td>"
    assert f"{dossier.code}</a></td>{cells}" in body


def test_pickups_for_two_counters_say_which_counter_each_item_goes_to(as_user, two_counters, department):
    for o in (two_counters, department):
        applicant = applicant_make(user=UserFactory())
        dossier = services.dossier_submit_online(
            by=applicant.user, applicant=applicant, procedure=o.procedure, receiving_agency=o.agency, form_data={}
        )
        postal_pickup_order(
            by=applicant.user,
            dossier=dossier,
            pickup_name="Trần Thị Bình",
            pickup_phone="0912 345 678",
            pickup_address="Số 5, thôn Đông",
            pickup_division_code=COMMUNE,
        )

    several = _text(as_user(two_counters.front_desk).get(reverse("office:postal_pickups")))
    one = _text(as_user(department.front_desk).get(reverse("office:postal_pickups")))

    assert several.count("<br>UBND xã Tân Phú") == 1
    assert several.count("<br>Sở Tư pháp") == 1
    assert "<br>Sở Tư pháp" not in one
