"""A supervisor (giám sát) reads the dossiers, petitions and ratings of its agency and of every agency below
it, and takes no action; every other role keeps exactly its own agencies."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chinhquyen.directory.models import Role
from chinhquyen.directory.selectors import agencies_subtree_ids, agency_subtree_ids, roles_agency_ids
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.errors import DossierNotFound
from chinhquyen.dossiers.transitions import TRANSITIONS, transition_actions
from chinhquyen.feedback import selectors as feedback_selectors
from tests.dossiers.factories import AgencyFactory, World, officer
from tests.feedback.helpers import petition
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """A province committee above a department above one of its units, and a sibling department; one
    received dossier in the unit, one in the sibling."""
    province = AgencyFactory(name="UBND tỉnh")
    department = AgencyFactory(name="Sở", parent=province)
    unit = World()
    unit.agency.parent = department
    unit.agency.save(update_fields=["parent"])
    sibling = World()
    sibling.agency.parent = province
    sibling.agency.save(update_fields=["parent"])
    return province, department, unit, sibling, unit.received(), sibling.received()


def _visible(user) -> set[int]:
    return set(selectors.dossier_visible_to(officer=user).values_list("pk", flat=True))


def test_a_supervisor_of_the_province_sees_every_dossier_below_it(tree):
    province, department, unit, sibling, in_unit, in_sibling = tree
    governor = officer(province, Role.SUPERVISOR)
    of_department = officer(department, Role.SUPERVISOR)

    assert _visible(governor) == {in_unit.pk, in_sibling.pk}
    assert _visible(of_department) == {in_unit.pk}
    assert selectors.dossier_get_for_officer(officer=governor, code_or_pk=in_sibling.code).pk == in_sibling.pk
    assert selectors.dossier_read_for_officer(officer=of_department, pk=in_unit.pk).dossier.pk == in_unit.pk
    with pytest.raises(DossierNotFound):
        selectors.dossier_read_for_officer(officer=of_department, pk=in_sibling.pk)
    assert {p.pk for p in selectors.dossier_search_procedures(officer=governor)} == {
        unit.procedure.pk,
        sibling.procedure.pk,
    }


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.SPECIALIST, Role.LEADER, Role.AGENCY_ADMIN])
def test_other_roles_above_keep_exactly_their_own_agency(tree, role):
    province, department, _unit, _sibling, _in_unit, _in_sibling = tree

    assert _visible(officer(province, role)) == set()
    assert _visible(officer(department, role)) == set()


def test_a_supervisor_takes_no_action():
    world = World()
    dossier = world.received()
    supervisor = officer(world.agency, Role.SUPERVISOR)

    assert [row.action for row in TRANSITIONS if Role.SUPERVISOR in row.roles] == []
    assert transition_actions(dossier=dossier, user=supervisor) == []
    assert "claim" in transition_actions(dossier=dossier, user=world.specialist)


def test_the_subtree_is_one_query_however_deep(tree, django_assert_num_queries):
    province, department, unit, sibling, _in_unit, _in_sibling = tree
    below = AgencyFactory(parent=unit.agency)

    with django_assert_num_queries(1):
        ids = agency_subtree_ids(agency=province)
    with django_assert_num_queries(1):
        several = agencies_subtree_ids(agency_ids=[department.pk, sibling.agency.pk])
    with django_assert_num_queries(0):
        assert agencies_subtree_ids(agency_ids=[]) == set()

    assert ids == {province.pk, department.pk, unit.agency.pk, below.pk, sibling.agency.pk}
    assert several == {department.pk, unit.agency.pk, below.pk, sibling.agency.pk}


def test_roles_other_than_supervisor_cost_no_query(tree, django_assert_num_queries):
    province, department, _unit, _sibling, _in_unit, _in_sibling = tree

    with django_assert_num_queries(0):
        own = roles_agency_ids(roles=frozenset({(province.pk, Role.LEADER), (department.pk, Role.FRONT_DESK)}))

    assert own == {province.pk, department.pk}


def test_visibility_costs_a_non_supervisor_no_more_statements(tree):
    _province, _department, unit, _sibling, in_unit, _in_sibling = tree

    with CaptureQueriesContext(connection) as queries:
        found = list(selectors.dossier_visible_to(officer=unit.specialist))

    assert [d.pk for d in found] == [in_unit.pk]
    assert len(queries) == 2  # the roles, the dossiers


def test_a_supervisor_reads_the_petitions_below_it(tree):
    province, department, unit, sibling, _in_unit, _in_sibling = tree
    in_unit = petition(about=unit.agency)
    in_sibling = petition(about=sibling.agency)

    of_department = officer(department, Role.SUPERVISOR)
    leader_above = officer(department, Role.LEADER)

    assert (in_unit.agency_id, in_sibling.agency_id) == (unit.agency.pk, sibling.agency.pk)
    assert list(feedback_selectors.petitions_visible_to(officer=of_department)) == [in_unit]
    assert set(feedback_selectors.petitions_visible_to(officer=officer(province, Role.SUPERVISOR))) == {
        in_unit,
        in_sibling,
    }
    assert list(feedback_selectors.petitions_visible_to(officer=leader_above)) == []
    assert feedback_selectors.officer_feedback_agency_ids(officer=of_department) == sorted(
        [department.pk, unit.agency.pk]
    )
    assert feedback_selectors.officer_feedback_agency_ids(officer=officer(province, Role.PROVINCE_ADMIN)) is None
    assert feedback_selectors.officer_feedback_agency_ids(officer=unit.leader) == [unit.agency.pk]


def test_the_office_detail_page_opens_for_a_supervisor_above_and_offers_nothing(tree):
    province, _department, _unit, _sibling, in_unit, _in_sibling = tree
    client = Client(headers={"Accept-Language": "en"})
    officer_login(client, officer(province, Role.SUPERVISOR))

    detail = client.get(f"/office/dossiers/{in_unit.pk}/")
    action = client.get(f"/office/dossiers/{in_unit.pk}/actions/claim/")

    assert detail.status_code == 200
    assert "No action is open to you on this dossier now." in detail.content.decode()
    assert action.status_code == 403


def test_a_supervisors_search_says_which_agency_received_each_dossier(tree):
    province, _department, unit, sibling, in_unit, in_sibling = tree
    client = Client(headers={"Accept-Language": "en"})
    officer_login(client, officer(province, Role.SUPERVISOR))

    html = client.get("/office/search/", {"status": "2"}).content.decode()

    assert '<th scope="col">Receiving agency</th>' in html
    assert in_unit.code in html
    assert in_sibling.code in html
    assert f"<td>{unit.agency.name}</td>" in html
    assert f"<td>{sibling.agency.name}</td>" in html
