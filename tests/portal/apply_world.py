"""A procedure that can be done online, with an e-form and two documents, and a signed-in citizen."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chinhquyen.catalog.models import RequiredDocument
from chinhquyen.catalog.services import procedure_save
from chinhquyen.demo.eforms import eform_for
from tests.dossiers.factories import World, pdf_bytes

BIRTH_REGISTRATION = "1.001193"


class OnlineWorld(World):
    def __init__(self) -> None:
        super().__init__(days=3)
        self.procedure.online_level = "full"
        self.procedure.eform_schema = eform_for(BIRTH_REGISTRATION)
        procedure_save(procedure=self.procedure)
        self.procedure.agencies.set([self.agency])
        self.declaration = RequiredDocument.objects.create(
            procedure=self.procedure, position=1, name="Tờ khai đăng ký khai sinh", mandatory=True
        )
        self.certificate = RequiredDocument.objects.create(
            procedure=self.procedure, position=2, name="Giấy chứng sinh", mandatory=True
        )
        applicant = self.applicant
        applicant.name, applicant.phone, applicant.address = "Nguyễn Văn An", "0912345678", "Phường Hoa Lư"
        applicant.birth_date = applicant.birth_date or date(1990, 1, 1)
        applicant.save()

    def client(self, language: str = "en") -> Client:
        client = Client(headers={"accept-language": language})
        client.force_login(self.applicant.user)
        return client


FORM = {
    "applicant_name": "Nguyễn Văn An",
    "applicant_id": "",  # filled by the test from the citizen
    "applicant_address": "Phường Hoa Lư, Ninh Bình",
    "applicant_phone": "0912345678",
    "child_name": "Nguyễn Minh Khang",
    "child_birth_date": "2026-11-01",
    "child_sex": "Nam",
    "birth_place": "Bệnh viện Sản Nhi Ninh Bình",
    "mother_name": "Trần Thị Bích",
    "relationship": "Cha",
}


def pdf_upload(name: str = "giay-chung-sinh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")
