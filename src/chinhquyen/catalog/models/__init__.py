"""Models of the procedure catalog, split by entity."""

from .children import (
    Channel,
    Currency,
    Fee,
    LegalBasis,
    ProcedureChannel,
    ProcedureResult,
    Registry,
    RequiredDocument,
)
from .procedure import (
    LEVEL_ALIASES,
    LEVEL_FLAGS,
    ONLINE_LEVELS,
    WORKING_HOURS_PER_DAY,
    Field,
    OnlineLevel,
    Procedure,
    TimeUnit,
    procedure_search_text,
    search_words,
    time_limit_in_working_hours,
)
from .process import ProcessStep, ProcessTemplate

__all__ = [
    "LEVEL_ALIASES",
    "LEVEL_FLAGS",
    "ONLINE_LEVELS",
    "WORKING_HOURS_PER_DAY",
    "Channel",
    "Currency",
    "Fee",
    "Field",
    "LegalBasis",
    "OnlineLevel",
    "Procedure",
    "ProcedureChannel",
    "ProcedureResult",
    "ProcessStep",
    "ProcessTemplate",
    "Registry",
    "RequiredDocument",
    "TimeUnit",
    "procedure_search_text",
    "search_words",
    "time_limit_in_working_hours",
]
