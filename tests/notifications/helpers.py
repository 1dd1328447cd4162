"""Builders for the notification tests: an applicant who can be reached, events, and the task queue."""

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_forward,
    dossier_issue_result,
    dossier_payment_confirmed,
    dossier_receive,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_return,
    dossier_send_back,
    dossier_stop,
    dossier_submit_online,
    dossier_supplement_accept,
    dossier_withdraw,
)
from tests.dossiers import outbox
from tests.dossiers.factories import World, supplement_send, vn
from tests.dossiers.outbox import DISPATCH, tasks_run

EMAIL = "binh.tran@example.vn"
PHONE = "0912345678"


def reachable_world(*, email: str = EMAIL, phone: str = PHONE) -> World:
    """A world whose applicant's account has an e-mail address and a mobile number."""
    world = World(days=5)
    user = world.applicant.user
    user.email, user.phone = email, phone
    user.save(update_fields=["email", "phone"])
    return world


def received(world: World) -> Dossier:
    return world.received(at=vn(2026, 3, 2, 8, 0))  # a Monday: due Monday 9 March 08:00


def submitted(world: World) -> Dossier:
    return dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )


def supplement_requested(world: World) -> Dossier:
    return dossier_request_supplement(
        by=world.specialist,
        dossier=received(world),
        items=["Bản sao Căn cước công dân", "Giấy khai sinh"],
        reason="Thiếu giấy tờ tùy thân",
        at=vn(2026, 3, 3, 9, 0),
    )


def supplement_accepted(world: World) -> Dossier:
    dossier = supplement_send(world, supplement_requested(world), at=vn(2026, 3, 4, 9, 0))
    return dossier_supplement_accept(by=world.specialist, dossier=dossier, at=vn(2026, 3, 4, 10, 0))


def payment_required(world: World) -> Dossier:
    dossier = dossier_forward(by=world.specialist, dossier=received(world), at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_send_back(by=world.leader, dossier=dossier, reason="Tính phí", at=vn(2026, 3, 3, 10, 0))
    return dossier_request_payment(
        by=world.specialist, dossier=dossier, amount=1250000, note="Lệ phí cấp giấy", at=vn(2026, 3, 3, 11, 0)
    )


def payment_confirmed(world: World) -> Dossier:
    return dossier_payment_confirmed(by=world.front_desk, dossier=payment_required(world), at=vn(2026, 3, 4, 9, 0))


def apology(world: World) -> Dossier:
    dossier = received(world)
    letter = apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Chờ ý kiến của Sở Tư pháp",
        new_due_at=vn(2026, 3, 12, 8, 0),
        at=vn(2026, 3, 5, 9, 0),
    )
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 5, 10, 0))
    apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 6, 8, 0))
    return Dossier.objects.get(pk=dossier.pk)


def result_ready(world: World) -> Dossier:
    dossier = dossier_forward(by=world.specialist, dossier=received(world), at=vn(2026, 3, 4, 9, 0))
    return dossier_issue_result(by=world.leader, dossier=dossier, at=vn(2026, 3, 5, 9, 0))


def receive_and_issue(world: World, dossier: Dossier) -> Dossier:
    dossier = dossier_receive(by=world.front_desk, dossier=dossier)
    dossier = dossier_forward(by=world.specialist, dossier=dossier)
    return dossier_issue_result(by=world.leader, dossier=dossier)


def returned(world: World) -> Dossier:
    return dossier_return(by=world.front_desk, dossier=result_ready(world), method="counter", at=vn(2026, 3, 9, 8, 0))


def refused(world: World) -> Dossier:
    return dossier_refuse(by=world.front_desk, dossier=submitted(world), reasons=["Sai thẩm quyền giải quyết"])


def withdrawn(world: World) -> Dossier:
    return dossier_withdraw(by=world.applicant.user, dossier=received(world), reason="Không còn nhu cầu")


def stopped(world: World) -> Dossier:
    return dossier_stop(by=world.leader, dossier=received(world), reason="Người yêu cầu đã chết")


# Commit transitions and let the worker run their event hooks: the notifications are then prepared.
committed = outbox.committed


def run_queued() -> list[object]:
    """Run the tasks that are due, as ``db_worker`` does, and return what the deliveries returned.

    Event dispatches (which prepare the notifications and queue their deliveries) run too, unreported.
    """
    return [returned for path, returned in tasks_run() if path != DISPATCH]


def make_due() -> None:
    """Bring the retries queued for later forward to now (instead of waiting for their back-off)."""
    DBTaskResult.objects.ready().model.objects.filter(status="READY").update(run_after=timezone.now())


def queued_delays() -> list[int]:
    """Seconds from now until each waiting task may run, rounded to the minute."""
    now = timezone.now()
    return [
        round((r.run_after - now).total_seconds() / 60) * 60
        for r in DBTaskResult.objects.filter(status="READY").order_by("run_after")
    ]
