"""The office search finds an applicant's name however it is typed, filters by any procedure of the agency's
dossiers (one withdrawn since, or past the 500th), and pages through every result with the true count."""

import importlib
import unicodedata

import pytest
from django.apps import apps
from django.urls import reverse

from chinhquyen.catalog.models import Procedure
from chinhquyen.directory.models import Applicant
from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.office.views import search as search_view
from tests.catalog.factories import ProcedureFactory
from tests.factories import CitizenFactory

from .helpers import draft, received

pytestmark = pytest.mark.django_db

migration = importlib.import_module("chinhquyen.directory.migrations.0003_applicant_search_name")


def _received_for(office, applicant, procedure=None):
    dossier = services.dossier_create_at_counter(
        by=office.front_desk, procedure=procedure or office.procedure, applicant=applicant
    )
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=dossier, required_document_ids=[d.pk for d in office.documents]
    )
    return services.dossier_receive(by=office.front_desk, dossier=dossier)


def _found(officer, **search):
    return [d.pk for d in selectors.dossier_search(officer=officer, **search)]


@pytest.mark.parametrize(
    "query",
    [
        "Đặng Thị Hồng",
        "đặng thị hồng",
        "ĐẶNG THỊ HỒNG",
        "Dang Thi Hong",
        "dang thi hong",
        unicodedata.normalize("NFD", "Đặng Thị Hồng"),
        "Đặng  Thị\u00a0 Hồng ",
        "hong dang",  # words in any order
        "Hồng",  # one word of the name
        "đặng th",  # the start of a word
    ],
    ids=["exact", "lower", "upper", "unaccented", "unaccented-lower", "nfd", "spaces", "order", "word", "prefix"],
)
def test_an_applicants_name_is_found_however_it_is_typed(as_user, office, query):
    dossier = _received_for(office, CitizenFactory(name="Đặng Thị Hồng"))
    other = _received_for(office, CitizenFactory(name="Đặng Văn Hùng"))

    page = as_user(office.front_desk).get(reverse("office:search"), {"applicant": query}).content.decode()

    assert "1 dossier found" in page
    assert dossier.code in page
    assert other.code not in page


@pytest.mark.parametrize(
    ("query", "found"),
    [("hong", False), ("ong", False), ("Đặng Hoàng", False), ("Hùng", True)],
    ids=["not-in-name", "inside-a-word", "one-word-missing", "other-name"],
)
def test_every_word_must_start_a_word_of_the_name(office, query, found):
    dossier = _received_for(office, CitizenFactory(name="Đặng Văn Hùng"))

    assert _found(office.front_desk, applicant=query) == ([dossier.pk] if found else [])


def test_an_id_number_or_a_tax_code_is_still_matched_whole(office):
    citizen = CitizenFactory(name="Lê Văn Tám", personal_id="037190012345")
    dossier = _received_for(office, citizen)

    assert _found(office.front_desk, applicant="037190012345") == [dossier.pk]
    assert _found(office.front_desk, applicant="0371900") == []


def test_the_folded_name_follows_a_renamed_applicant():
    citizen = CitizenFactory(name="Trần Thị Bình")
    citizen.name = "Nguyễn Thị Bích Ngọc"
    citizen.save(update_fields=["name"])

    assert Applicant.objects.get(pk=citizen.pk).search_name == "nguyen thi bich ngoc"


def test_the_migration_folds_the_names_already_stored():
    first = CitizenFactory(name="ĐẶNG Thị  Hồng")
    second = CitizenFactory(name="Công ty TNHH Minh-Anh")
    Applicant.objects.update(search_name="")  # as they were before the column existed

    migration.fill_search_name(apps, None)

    rows = Applicant.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk").values_list("search_name", flat=True)
    assert list(rows) == ["dang thi hong", "cong ty tnhh minh anh"]


def test_a_withdrawn_procedure_of_the_agencys_dossiers_can_still_be_chosen(as_user, office):
    dossier = received(office)
    Procedure.objects.filter(pk=office.procedure.pk).update(is_active=False)

    page = as_user(office.front_desk).get(reverse("office:search"), {"procedure": office.procedure.pk})

    body = page.content.decode()
    assert "Select a valid choice" not in body
    assert "1 dossier found" in body
    assert dossier.code in body


def test_every_procedure_the_agency_handles_is_offered_past_the_500th(as_user, office):
    extra = ProcedureFactory.create_batch(500, agencies=[office.agency])
    withdrawn_unused = ProcedureFactory(agencies=[office.agency], is_active=False)
    elsewhere = ProcedureFactory()

    offered = {p.pk for p in selectors.dossier_search_procedures(officer=office.front_desk)}
    page = as_user(office.front_desk).get(reverse("office:search")).content.decode()

    assert offered == {office.procedure.pk, *(p.pk for p in extra)}
    assert page.count('<option value="') == 1 + 501 + 1 + len(DossierStatus.choices)  # "any" options too
    assert f'<option value="{withdrawn_unused.pk}"' not in page
    assert f'<option value="{elsewhere.pk}"' not in page


def test_a_procedure_of_a_dossier_the_agency_was_consulted_on_is_offered(office, other_office):
    dossier = received(other_office)
    services.dossier_consult_agency(
        by=other_office.specialist, dossier=dossier, agency=office.agency, question="Ý kiến?"
    )

    offered = {p.pk for p in selectors.dossier_search_procedures(officer=office.specialist)}

    assert offered == {office.procedure.pk, other_office.procedure.pk}


def test_results_are_paged_with_the_true_count_and_the_query_kept(as_user, office, monkeypatch):
    monkeypatch.setattr(search_view, "PAGE_SIZE", 2)
    dossiers = [draft(office) for _ in range(5)]
    client = as_user(office.front_desk)

    first = client.get(reverse("office:search"), {"status": 0}).content.decode()
    last = client.get(reverse("office:search"), {"status": 0, "page": 3}).content.decode()

    assert "5 dossiers found" in first
    assert "Page 1 of 3" in first
    assert 'href="?status=0&amp;page=2" rel="next"' in first
    assert 'href="?status=0&amp;page=3">Last page' in first
    assert "Page 3 of 3" in last
    assert f'href="{reverse("office:dossier", args=[dossiers[0].pk])}"' in last  # the oldest, on the last page
    assert 'href="?status=0&amp;page=1">First page' in last


def test_a_search_page_reads_a_fixed_number_of_queries(as_user, office, django_assert_max_num_queries):
    for _ in range(30):
        draft(office)
    client = as_user(office.front_desk)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("office:search"), {"status": 0, "applicant": "Bình"})

    assert "30 dossiers found" in response.content.decode()
