"""An account whose ID number was only typed in (a local sign-up) holds only the dossiers it lodged itself."""

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.errors import DossierNotFound, TransitionRefused
from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.dossiers.selectors import applicant_dossiers, dossier_actions_for, dossier_get_for_applicant
from chinhquyen.dossiers.services import dossier_submit_online, dossier_withdraw
from chinhquyen.notifications.selectors import recipient_for
from tests.dossiers.factories import OwnedCitizenFactory, World, vn
from tests.factories import identity_verify

pytestmark = pytest.mark.django_db


def _world_with_an_unverified_claimant() -> World:
    """The world's citizen record is owned by a local account that typed the person's ID number."""
    world = World()
    world.applicant = OwnedCitizenFactory(verified=False, email="ke-mao-danh@example.vn", phone="0987654321")
    world.applicant.user.email = "ke-mao-danh@example.vn"
    world.applicant.user.save(update_fields=["email"])
    return world


def test_a_counter_dossier_is_not_the_unverified_accounts():
    world = _world_with_an_unverified_claimant()
    claimant = world.applicant.user
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(DossierNotFound):
        dossier_get_for_applicant(user=claimant, pk=dossier.pk)
    assert applicant_dossiers(user=claimant) == []
    assert dossier_actions_for(dossier=dossier, user=claimant) == []
    with pytest.raises(TransitionRefused) as refusal:
        dossier_withdraw(by=claimant, dossier=dossier, reason="Không cần nữa")
    assert refusal.value.code == "role_required"
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    # The record's addresses are the account's: nothing about the counter's dossier is sent to them.
    assert (recipient_for(dossier=dossier).email, recipient_for(dossier=dossier).phone) == ("", "")


def test_the_portal_does_not_show_or_act_on_it():
    world = _world_with_an_unverified_claimant()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    client = Client()
    client.force_login(world.applicant.user)

    page = client.get(reverse("portal:my_dossier", args=[dossier.pk]))
    listing = client.get(reverse("portal:my_dossiers"))
    withdraw = client.post(reverse("portal:dossier_withdraw", args=[dossier.pk]), {"reason": "x", "version": 1})

    assert (page.status_code, withdraw.status_code) == (404, 404)
    assert dossier.code not in listing.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


def test_what_the_account_lodged_online_is_its_own():
    world = _world_with_an_unverified_claimant()
    claimant = world.applicant.user
    mine = dossier_submit_online(
        by=claimant, applicant=world.applicant, procedure=world.procedure, receiving_agency=world.agency, form_data={}
    )

    assert dossier_get_for_applicant(user=claimant, pk=mine.pk) == mine
    assert [d.pk for d in applicant_dossiers(user=claimant)] == [mine.pk]
    assert "withdraw" in dossier_actions_for(dossier=mine, user=claimant)
    assert recipient_for(dossier=mine).email == "ke-mao-danh@example.vn"


def test_once_the_national_identity_verifies_the_account_it_holds_them_all():
    world = _world_with_an_unverified_claimant()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    identity_verify(world.applicant.user)
    owner = type(world.applicant.user).objects.get(pk=world.applicant.user.pk)  # a new request's user

    assert dossier_get_for_applicant(user=owner, pk=dossier.pk) == dossier
    assert "withdraw" in dossier_actions_for(dossier=dossier, user=owner)
    assert recipient_for(dossier=dossier).email == "ke-mao-danh@example.vn"  # the account's own now
