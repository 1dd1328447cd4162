"""Once the real person takes over a record a stranger had claimed, the contact details given with the
counter's dossiers before then (the stranger's) no longer reach anyone; those given after do."""

import pytest

from chinhquyen.identity.claims import IdentityClaims
from chinhquyen.identity.services import identity_sign_in
from chinhquyen.notifications.selectors import recipient_for
from tests.dossiers.factories import OwnedCitizenFactory, World, vn

pytestmark = pytest.mark.django_db

ISSUER = "http://testserver/idp-sim"
STRANGER = ("ke-mao-danh@example.vn", "0987654321")


def _claimed_by_a_stranger() -> World:
    world = World()
    world.applicant = OwnedCitizenFactory(verified=False, email=STRANGER[0], phone=STRANGER[1])
    user = world.applicant.user
    user.email, user.phone = STRANGER
    user.save(update_fields=["email", "phone"])
    return world


def _real_person_signs_in(world: World, **contact: str) -> None:
    a = world.applicant
    claims = IdentityClaims(
        issuer=ISSUER,
        subject="sub-real",
        personal_id=a.personal_id,
        name="Người Thật",
        birth_date=a.birth_date,
        **contact,
    )
    identity_sign_in(claims=claims)


def test_a_counter_dossier_received_before_the_takeover_reaches_nobody_without_the_persons_details():
    world = _claimed_by_a_stranger()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    assert dossier.applicant_snapshot["email"] == STRANGER[0]

    _real_person_signs_in(world)  # the provider gives no e-mail or phone
    dossier.refresh_from_db()

    recipient = recipient_for(dossier=dossier)
    assert (recipient.email, recipient.phone) == ("", "")


def test_it_reaches_the_details_the_identity_gave():
    world = _claimed_by_a_stranger()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    _real_person_signs_in(world, email="nguoi.that@example.vn", phone="0912345678")
    dossier.refresh_from_db()

    recipient = recipient_for(dossier=dossier)
    assert (recipient.email, recipient.phone) == ("nguoi.that@example.vn", "0912345678")


def test_details_given_at_the_counter_after_the_takeover_are_used():
    world = _claimed_by_a_stranger()
    _real_person_signs_in(world)
    world.applicant.refresh_from_db()
    world.applicant.email, world.applicant.phone = "quay@example.vn", "0912000111"
    world.applicant.save(update_fields=["email", "phone"])

    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    recipient = recipient_for(dossier=dossier)
    assert (recipient.email, recipient.phone) == ("quay@example.vn", "0912000111")
