"""A dossier's time limit is its channel's when the catalog publishes one (cách thức thực hiện, spec §4)."""

from decimal import Decimal

import pytest

from chinhquyen.catalog.models import ProcedureChannel
from chinhquyen.catalog.selectors import TimeLimit, procedure_time_limit
from chinhquyen.dossiers.documents import slip_data_for
from chinhquyen.dossiers.models import Channel, Dossier, DossierEvent
from chinhquyen.dossiers.services import dossier_receive, dossier_submit_online
from tests.dossiers.factories import World, template_add, vn

pytestmark = pytest.mark.django_db


def channel_add(world: World, channel: str, value: int, unit: str, text: str, position: int) -> None:
    ProcedureChannel.objects.create(
        procedure=world.procedure,
        position=position,
        channel=channel,
        time_limit_text=text,
        time_limit_value=Decimal(value),
        time_limit_unit=unit,
    )


def world_with_channels() -> World:
    """Like 1.003867: 30 working days at the counter and by post, 20 online (here 5 and 3)."""
    world = World(days=5)
    world.procedure.time_limit_text = "5 Ngày làm việc"
    world.procedure.save(update_fields=["time_limit_text"])
    channel_add(world, "in_person", 5, "working_days", "5 Ngày làm việc", 0)
    channel_add(world, "online", 3, "working_days", "3 Ngày làm việc", 1)
    channel_add(world, "postal", 5, "working_days", "5 Ngày làm việc", 2)
    return world


def online_received(world: World, at) -> Dossier:
    dossier = dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )
    return dossier_receive(by=world.front_desk, dossier=dossier, at=at)


def test_an_online_dossier_is_due_by_the_online_limit():
    world = world_with_channels()

    dossier = online_received(world, vn(2026, 11, 30, 9, 0))  # Monday

    assert dossier.channel == Channel.ONLINE
    assert (dossier.due_at, dossier.original_due_at) == (vn(2026, 12, 3, 9, 0), vn(2026, 12, 3, 9, 0))
    assert dossier.time_limit_text == "3 Ngày làm việc"
    event = DossierEvent.objects.get(dossier=dossier, action="receive")
    assert event.data["time_limit"] == "3 Ngày làm việc"
    # The default flow shares the 24 hours: 70% examining, 20% approving, 10% returning.
    assert [(s.share_hours, s.due_at) for s in dossier.steps.order_by("order")] == [
        (Decimal("16.80"), vn(2026, 12, 2, 9, 48)),
        (Decimal("4.80"), vn(2026, 12, 2, 16, 6)),
        (Decimal("2.40"), vn(2026, 12, 3, 9, 0)),
    ]


def test_a_counter_dossier_of_the_same_procedure_keeps_the_counter_limit():
    world = world_with_channels()

    dossier = world.received(at=vn(2026, 11, 30, 9, 0))

    assert dossier.due_at == vn(2026, 12, 7, 9, 0)
    assert dossier.time_limit_text == "5 Ngày làm việc"


def test_the_receipt_prints_the_limit_that_gave_the_due_date():
    world = world_with_channels()
    dossier = online_received(world, vn(2026, 11, 30, 9, 0))

    data = slip_data_for(dossier=dossier, kind="01", lookup_url="https://portal.example/tra-cuu", number="1")

    assert (data["time_limit"], data["due_at"]) == ("3 Ngày làm việc", vn(2026, 12, 3, 9, 0))


def test_a_channel_with_several_limits_takes_the_procedures():
    # Like 1.000028: one row per stage (2 days to check the documents, 1 to decide), no single limit.
    world = World(days=1)
    channel_add(world, "online", 2, "working_days", "2 Ngày làm việc", 0)
    channel_add(world, "online", 1, "working_days", "1 Ngày làm việc", 1)

    limit = procedure_time_limit(procedure=world.procedure, channel="online")

    assert limit == TimeLimit("", Decimal(1), "working_days")


def test_a_channel_with_one_limit_written_twice_takes_it():
    world = World(days=5)
    channel_add(world, "online", 3, "working_days", "03 ngày làm việc", 0)
    channel_add(world, "online", 3, "working_days", "3 Ngày làm việc", 1)

    limit = procedure_time_limit(procedure=world.procedure, channel="online")

    assert (limit.text, limit.value, limit.unit, limit.hours) == ("03 ngày làm việc", Decimal(3), "working_days", 24)


def test_a_channel_without_a_readable_limit_takes_the_procedures():
    world = World(days=5)
    ProcedureChannel.objects.create(
        procedure=world.procedure, position=0, channel="online", time_limit_text="Theo quy định"
    )
    channel_add(world, "postal", 3, "working_days", "3 Ngày làm việc", 1)

    assert procedure_time_limit(procedure=world.procedure, channel="online").value == Decimal(5)
    assert procedure_time_limit(procedure=world.procedure, channel="in_person").value == Decimal(5)


def test_an_online_limit_in_calendar_days_counts_calendar_days():
    # Like 1.002025: 77 days at the counter, 35 online; here 5 working days and 10 calendar days.
    world = World(days=5)
    channel_add(world, "online", 10, "days", "10 Ngày", 0)

    dossier = online_received(world, vn(2026, 11, 30, 9, 0))

    assert dossier.due_at == vn(2026, 12, 10, 9, 0)
    assert dossier.time_limit_text == "10 Ngày"


def test_a_process_template_is_stretched_to_the_channels_limit():
    world = world_with_channels()
    template_add(
        world.procedure,
        [
            ("Thẩm định", "specialist", None, "24"),
            ("Kiểm tra", "specialist", None, "8"),
            ("Phê duyệt", "leader", None, "8"),
        ],
    )

    dossier = online_received(world, vn(2026, 11, 30, 9, 0))

    # 40 hours drawn for the counter's 5 days, 24 online: every step at 60%, the last one ending on the due date.
    assert [(s.share_hours, s.due_at) for s in dossier.steps.order_by("order")] == [
        (Decimal("14.40"), vn(2026, 12, 1, 16, 54)),
        (Decimal("4.80"), vn(2026, 12, 2, 13, 42)),
        (Decimal("4.80"), vn(2026, 12, 3, 9, 0)),
    ]
    assert dossier.due_at == vn(2026, 12, 3, 9, 0)


def test_the_receipt_of_a_dossier_received_before_the_limit_was_recorded_prints_the_procedures():
    world = world_with_channels()
    dossier = world.received(at=vn(2026, 11, 30, 9, 0))
    Dossier.objects.filter(pk=dossier.pk).update(time_limit_text="")
    dossier.refresh_from_db()

    data = slip_data_for(dossier=dossier, kind="01", lookup_url="https://portal.example/tra-cuu", number="1")

    assert data["time_limit"] == "5 Ngày làm việc"


def test_a_template_for_a_calendar_limit_is_stretched_to_the_channels_calendar_limit():
    # Like 1.002025 (77 days at the counter, 35 online): here 30 days, 10 online.
    world = World(days=30, unit="days")
    channel_add(world, "online", 10, "days", "10 Ngày", 0)
    template_add(
        world.procedure,
        [
            ("Thẩm định", "specialist", None, "128"),
            ("Kiểm tra", "specialist", None, "24"),
            ("Duyệt", "leader", None, "24"),
        ],
    )

    dossier = online_received(world, vn(2026, 11, 30, 9, 0))

    # 30 days from Monday 30 November hold 176 working hours (the template's 176), 10 days 64: each step at 4/11.
    steps = list(dossier.steps.order_by("order").values_list("share_hours", "due_at"))
    assert [share for share, _due in steps] == [Decimal("46.55"), Decimal("8.73"), Decimal("8.72")]
    assert steps[-1][1] == dossier.due_at == vn(2026, 12, 10, 9, 0)
    assert len({due for _share, due in steps}) == 3


def test_an_online_application_collected_by_post_keeps_the_online_limit():
    world = world_with_channels()
    ProcedureChannel.objects.filter(procedure=world.procedure, channel="postal").update(
        time_limit_value=4, time_limit_text="4 Ngày làm việc"
    )
    dossier = dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )
    Dossier.objects.filter(pk=dossier.pk).update(channel=Channel.POSTAL)  # as when the post collects the papers

    dossier = dossier_receive(
        by=world.front_desk, dossier=Dossier.objects.get(pk=dossier.pk), at=vn(2026, 11, 30, 9, 0)
    )

    assert (dossier.channel, dossier.time_limit_text) == (Channel.POSTAL, "3 Ngày làm việc")
    assert dossier.due_at == vn(2026, 12, 3, 9, 0)
