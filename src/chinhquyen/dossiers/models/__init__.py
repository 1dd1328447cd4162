"""Models of the dossiers app, split by entity."""

from .children import (
    HANDED_IN_KINDS,
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
    PAPERS_UNNEEDED_STATUSES,
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
    "HANDED_IN_KINDS",
    "OPEN_STATUSES",
    "PAPERS_UNNEEDED_STATUSES",
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
