"""The inbox lists what is the officer's to act on, with due marks in words."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chinhquyen.dossiers.models import Dossier

from .helpers import draft, received

pytestmark = pytest.mark.django_db


def test_front_desk_sees_its_draft_linking_to_the_reception_page(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.get(reverse("office:inbox"))

    assert response.status_code == 200
    assert reverse("office:reception_dossier", args=[dossier.pk]) in response.content.decode()


def test_specialist_sees_the_received_dossier_with_its_code(as_user, office):
    dossier = received(office)
    client = as_user(office.specialist)

    response = client.get(reverse("office:inbox"))

    body = response.content.decode()
    assert dossier.code in body
    assert reverse("office:dossier", args=[dossier.pk]) in body


def test_overdue_dossier_is_marked_in_words(as_user, office):
    dossier = received(office)
    past = timezone.now() - dt.timedelta(days=3)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=past)
    dossier.steps.filter(state="active").update(due_at=past)
    client = as_user(office.specialist)

    response = client.get(reverse("office:inbox"))

    assert "Overdue" in response.content.decode()


def test_empty_inbox_says_so(as_user, office):
    client = as_user(office.leader)

    response = client.get(reverse("office:inbox"))

    assert "Nothing waits for you now." in response.content.decode()


def test_online_dossier_waits_in_the_front_desk_queue_and_leads_to_reception(as_user, office):
    from chinhquyen.dossiers import services
    from tests.factories import CitizenFactory, UserFactory

    citizen = CitizenFactory(user=UserFactory(username="congdan"))
    dossier = services.dossier_submit_online(
        by=citizen.user, applicant=citizen, procedure=office.procedure, receiving_agency=office.agency, form_data={}
    )
    client = as_user(office.front_desk)

    inbox = client.get(reverse("office:inbox")).content.decode()
    reception = client.get(reverse("office:reception_dossier", args=[dossier.pk]))

    assert reverse("office:reception_dossier", args=[dossier.pk]) in inbox
    assert "Submitted (Mới đăng ký)" in inbox
    assert reception.status_code == 200
    assert reverse("office:dossier_action", args=[dossier.pk, "receive"]) in reception.content.decode()


def test_inbox_query_count_does_not_grow_with_the_rows(as_user, office, django_assert_max_num_queries):
    for _ in range(10):
        received(office)
    client = as_user(office.specialist)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("office:inbox"))

    assert response.content.decode().count("<tr>") == 11


def test_reception_link_is_shown_only_to_the_front_desk(as_user, office):
    desk = as_user(office.front_desk).get(reverse("office:inbox")).content.decode()
    specialist = as_user(office.specialist).get(reverse("office:inbox")).content.decode()

    assert f'href="{reverse("office:reception")}"' in desk
    assert f'href="{reverse("office:reception")}"' not in specialist


def test_office_header_shows_the_name_in_vietnamese_order(as_user, office):
    office.front_desk.first_name, office.front_desk.last_name = "Lan", "Nguyễn Thị"
    office.front_desk.save()

    page = as_user(office.front_desk).get(reverse("office:inbox")).content.decode()

    assert ">Nguyễn Thị Lan</a>" in page


def test_a_result_waiting_for_collection_is_not_marked_overdue(as_user, office):
    from chinhquyen.dossiers import services

    dossier = services.dossier_forward(by=office.specialist, dossier=received(office))
    dossier = services.dossier_approve(by=office.leader, dossier=dossier)
    dossier = services.dossier_issue_result(by=office.front_desk, dossier=dossier)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() - dt.timedelta(days=3))

    page = as_user(office.front_desk).get(reverse("office:inbox")).content.decode()

    assert dossier.code in page
    assert "Overdue" not in page
