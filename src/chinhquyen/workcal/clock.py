"""The deadline clock of a dossier or a step: a due instant that a supplement request pauses."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from chinhquyen.core.errors import InvalidInput

from .engine import WorkingCalendar


@dataclass(frozen=True, slots=True)
class DeadlineClock:
    """A due instant (hạn giải quyết), paused while the applicant supplements the dossier (tạm dừng).

    On resume, the due instant moves later by the working time the clock was paused:
    new due = old due + (resume - request), in working time. ``counts_from`` is the instant counting started
    (tính từ): a clock paused before it (a same-day dossier received after 15:00, asked for documents that
    evening) has not run yet, so only the working time paused after it moves the due instant.
    """

    due_at: datetime
    paused_at: datetime | None = None
    counts_from: datetime | None = None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def pause(self, at: datetime) -> "DeadlineClock":
        """Return the clock paused at ``at``."""
        if self.paused_at is not None:
            raise InvalidInput(
                _("The deadline clock is already paused since %(at)s.") % {"at": self.paused_at.isoformat()},
                code="clock_already_paused",
            )
        if at.utcoffset() is None:
            raise ValueError(f"a naive datetime has no time zone; pass an aware datetime, not {at!r}")
        return replace(self, paused_at=at)

    def resume(self, at: datetime, *, calendar: WorkingCalendar) -> "DeadlineClock":
        """Return the running clock whose due instant is later by the working time paused until ``at``."""
        if self.paused_at is None:
            raise InvalidInput(
                _("The deadline clock is running: there is nothing to resume (due %(due)s).")
                % {"due": self.due_at.isoformat()},
                code="clock_not_paused",
            )
        if at < self.paused_at:
            raise InvalidInput(
                _("The clock cannot resume at %(at)s, before it was paused at %(paused)s.")
                % {"at": at.isoformat(), "paused": self.paused_at.isoformat()},
                code="clock_resume_before_pause",
            )
        paused = self.paused_seconds(at, calendar=calendar)
        # No working time paused keeps the due instant as it is (adding 0 would move it to the next
        # working instant, e.g. from 17:00 to the next morning).
        due = calendar.add_working_time(self.due_at, paused) if paused else self.due_at
        return DeadlineClock(due_at=due, counts_from=self.counts_from)

    def paused_seconds(self, at: datetime, *, calendar: WorkingCalendar) -> int:
        """The working seconds the clock has been paused until ``at``, counted from no earlier than its start."""
        if self.paused_at is None:
            return 0
        since = self.paused_at if self.counts_from is None else max(self.paused_at, self.counts_from)
        return max(calendar.working_seconds_between(since, at), 0)
