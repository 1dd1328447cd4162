"""What the public reads of a petition: its texts with the sender's personal data masked."""

from dataclasses import dataclass

from chinhquyen.core.text import fold

from .masking import mask_personal
from .models import Petition


@dataclass(frozen=True)
class PublishedTexts:
    subject: str
    content: str
    answer: str

    @property
    def search(self) -> str:
        """Diacritic-free text searched by the public list: only what is published, never the original."""
        return fold(f"{self.subject} {self.content} {self.answer}")


def petition_masked(*, petition: Petition) -> PublishedTexts:
    """The subject, content and answer as they will be published."""
    sender = {
        "known": (petition.sender_email,),
        "names": (petition.sender_name,),
        "phones": (petition.sender_phone,),
        "addresses": (petition.sender_address,),
    }
    return PublishedTexts(
        subject=mask_personal(petition.subject, **sender),
        content=mask_personal(petition.content, **sender),
        answer=mask_personal(petition.answer, **sender),
    )
