"""Models of the dossiers app, split by entity."""

from .children import (
    ApologyLetter,
    DocumentKind,
    DossierDocument,
    DossierEvent,
    DossierStep,
    EventDispatchFailure,
    LetterState,
    StepState,
    document_path,
)
from .dossier import (
    OPEN_STATUSES,
    Channel,
    Digitisation,
    Dossier,
    DossierCodeSequence,
    DossierStatus,
    Outcome,
    ReturnMethod,
    Substatus,
)

__all__ = [
    "OPEN_STATUSES",
    "ApologyLetter",
    "Channel",
    "Digitisation",
    "DocumentKind",
    "Dossier",
    "DossierCodeSequence",
    "DossierDocument",
    "DossierEvent",
    "DossierStatus",
    "DossierStep",
    "EventDispatchFailure",
    "LetterState",
    "Outcome",
    "ReturnMethod",
    "StepState",
    "Substatus",
    "document_path",
]
