"""Issuing the result: an uploaded PDF the agency's signature cannot be added to is refused for what it is."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext
from pypdf import PdfWriter

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.models import DocumentKind, DossierStatus
from chinhquyen.dossiers.services import dossier_approve, dossier_forward, dossier_issue_result
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

PROTECTED = (
    "This PDF is protected against changes, so the agency's signature cannot be added to it: upload a copy "
    "without protection."
)


def _approved(world: World):
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    return dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 4, 9, 0))


def _protected_pdf() -> bytes:
    """A PDF that opens without a password but is encrypted with a permissions (owner) password."""
    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_result_pdf_protected_against_changes_is_refused_as_such_and_nothing_is_stored():
    world = World()
    dossier = _approved(world)
    version = dossier.version
    upload = SimpleUploadedFile("ket-qua.pdf", _protected_pdf(), content_type="application/pdf")

    with pytest.raises(InvalidInput) as refused:
        dossier_issue_result(by=world.front_desk, dossier=dossier, upload=upload, at=vn(2026, 3, 4, 10, 0))

    assert (refused.value.code, refused.value.field) == ("pdf_protected", "upload")
    assert refused.value.message == gettext(PROTECTED)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.resolved_at) == (DossierStatus.PROCESSING, version, None)
    assert not dossier.documents.filter(kind=DocumentKind.RESULT).exists()
    assert not dossier.events.filter(action="issue_result").exists()
