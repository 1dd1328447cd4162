"""Counter dossiers refuse form data no database stores, as online drafts do, before anything is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierEvent
from chinhquyen.dossiers.services import Upload, dossier_create_at_counter, dossier_create_with_documents
from tests.dossiers.factories import World, pdf_bytes

pytestmark = pytest.mark.django_db

UNSTORABLE = "This value cannot be stored: a number too large or not a number, or a forbidden character."
UNSAFE = [
    pytest.param(float("nan"), id="nan"),
    pytest.param(float("-inf"), id="minus-infinity"),
    pytest.param("Trần\x00Bình", id="nul-character"),
    pytest.param("\udfff", id="lone-surrogate"),
    pytest.param([1, {"rooms": float("inf")}], id="nested-infinity"),
]


def nothing_written() -> tuple[int, int, int]:
    return (Dossier.objects.count(), DossierDocument.objects.count(), DossierEvent.objects.count())


@pytest.mark.parametrize("value", UNSAFE)
def test_a_counter_draft_refuses_form_data_no_database_stores(value):
    world = World()

    with pytest.raises(InvalidInput) as refused:
        dossier_create_at_counter(
            by=world.front_desk, procedure=world.procedure, applicant=world.applicant, form_data={"ok": 1, "x": value}
        )

    assert (refused.value.code, refused.value.field, refused.value.message) == ("form_data_invalid", "x", UNSTORABLE)
    assert nothing_written() == (0, 0, 0)


@pytest.mark.parametrize("value", UNSAFE)
def test_a_counter_dossier_with_documents_refuses_it_before_storing_any_file(value):
    world = World()
    uploads = [Upload(SimpleUploadedFile("to-khai.pdf", pdf_bytes()), "Tờ khai")]

    with pytest.raises(InvalidInput) as refused:
        dossier_create_with_documents(
            by=world.front_desk,
            procedure=world.procedure,
            applicant=world.applicant,
            uploads=uploads,
            form_data={"x": value},
        )

    assert (refused.value.code, refused.value.field) == ("form_data_invalid", "x")
    assert nothing_written() == (0, 0, 0)


def test_a_nul_in_a_field_name_is_refused_and_no_form_data_at_all_is_fine():
    world = World()

    with pytest.raises(InvalidInput) as refused:
        dossier_create_at_counter(
            by=world.front_desk, procedure=world.procedure, applicant=world.applicant, form_data={"\x00": 1}
        )
    dossier = dossier_create_at_counter(by=world.front_desk, procedure=world.procedure, applicant=world.applicant)

    assert (refused.value.code, refused.value.field) == ("form_data_invalid", "\x00")
    assert dossier.form_data == {}
