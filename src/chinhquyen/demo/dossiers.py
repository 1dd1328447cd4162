"""A few dossiers in different states, so the demo's office is not empty on first sign-in."""

import typst
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.catalog.models import Procedure
from chinhquyen.directory.models import Agency, Applicant, User
from chinhquyen.dossiers import services as dossier_services
from chinhquyen.dossiers.models import Dossier

from . import province

COMMUNE = "hoalu"
ADDRESS = "Số 12 đường Trần Hưng Đạo, phường Hoa Lư, tỉnh Ninh Bình"
# Đăng ký khai sinh: Nguyễn Văn An registers his son's birth.
BIRTH_FORM = {
    "child_name": "Nguyễn Minh Khang",
    "child_birth_date": "2026-11-10",
    "child_sex": "Nam",
    "birth_place": "Bệnh viện Sản Nhi tỉnh Ninh Bình",
    "father_name": "Nguyễn Văn An",
    "mother_name": "Phạm Thị Hoa",
    "relationship": "Cha",
}
# Đăng ký tạm trú (the catalog's generic form): Trần Thị Bích, renting near her new workplace.
RESIDENCE_FORM = {
    "request": "Đăng ký tạm trú tại số 45 đường Lê Thái Tổ, phường Hoa Lư, từ ngày 01/12/2026 đến ngày 30/11/2027,"
    " ở thuê nhà của bà Đinh Thị Lan để làm việc tại Khu công nghiệp Gián Khẩu."
}
DEATH_EXTRACT = (
    "Đã đăng ký khai tử cho ông Nguyễn Văn Tư, sinh năm 1940, chết ngày 15/11/2026 tại nơi cư trú.\n"
    "Số đăng ký: 25/2026, quyển số 01/2026. Bản chính trích lục được trả cho người đi đăng ký."
)


SAMPLE_CODES = ("1.001193", "1.004194", "1.010041", "1.000656")
# The sample online applications: (applicant's index in province.CITIZENS, procedure, e-form fields).
ONLINE_SAMPLES = ((0, "1.001193", BIRTH_FORM), (1, "1.004194", RESIDENCE_FORM))
# A stand-in for the scan an applicant attaches: the document's name on a page (typst's sys.inputs, never
# pasted into the source, so no name can break it).
SCAN_SOURCE = """#set page(width: 148mm, height: 105mm, margin: 12mm)
#set text(lang: "vi", size: 11pt)
*Bản chụp mẫu (dữ liệu thử nghiệm)*

#sys.inputs.at("name")
""".encode()


def demo_dossiers_count() -> int:
    """The sample dossiers present: the demo citizens' dossiers of the sample procedures at the sample commune."""
    return Dossier.objects.filter(
        receiving_agency__code=_commune_code(),
        procedure__code__in=SAMPLE_CODES,
        applicant__personal_id__in=[c[2] for c in province.CITIZENS],
    ).count()


def _commune_code() -> str:
    return next(a.code for a in province.AGENCIES if a.slug == COMMUNE)


def demo_dossiers_ensure() -> int:
    """Create the sample dossiers (at Phường Hoa Lư) in a database without dossiers; return how many
    sample dossiers are present."""
    if Dossier.objects.exists():
        return demo_dossiers_count()
    agency = Agency.objects.get(code=_commune_code())
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    desk, specialist, leader = (users[f"{role}.{COMMUNE}"] for role in ("motcua", "chuyenvien", "lanhdao"))
    an = Applicant.objects.get(personal_id=province.CITIZENS[0][2])
    bich = Applicant.objects.get(personal_id=province.CITIZENS[1][2])
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=SAMPLE_CODES)}

    # Two online submissions waiting for the front desk (status 1), made as on the portal: the draft, its
    # e-form, a file for each mandatory document, then the submission (which checks both).
    for index, code, own_fields in ONLINE_SAMPLES:
        applicant = (an, bich)[index]
        _submit_online(applicant, procedures[code], agency, own_fields)
    # One received at the counter, claimed by the specialist (status 2, in the specialist's inbox).
    pending = dossier_services.dossier_create_at_counter(by=desk, procedure=procedures["1.010041"], applicant=bich)
    _tick_mandatory(desk, pending)
    dossier_services.dossier_receive(by=desk, dossier=pending)
    dossier_services.dossier_claim(by=specialist, dossier=pending)
    # One taken all the way to the returned result (status 10).
    done = dossier_services.dossier_create_at_counter(by=desk, procedure=procedures["1.000656"], applicant=an)
    _tick_mandatory(desk, done)
    dossier_services.dossier_receive(by=desk, dossier=done)
    dossier_services.dossier_forward(by=specialist, dossier=done)
    # The result written on the page, titled after the procedure's result (Trích lục khai tử), signed.
    dossier_services.dossier_issue_result(by=leader, dossier=done, text=DEATH_EXTRACT)
    dossier_services.dossier_return(by=desk, dossier=done, method="counter")
    return 4


def _submit_online(applicant: Applicant, procedure: Procedure, agency: Agency, own_fields: dict[str, str]) -> None:
    account = User.objects.get(applicant=applicant)
    draft = dossier_services.online_draft_start(
        by=account, procedure=procedure, receiving_agency=agency, client_key=f"demo-{procedure.code}"
    )
    form_data = {**_applicant_block(applicant), **own_fields}
    draft = dossier_services.online_draft_save(by=account, dossier=draft, form_data=form_data)
    for document in procedure.documents.filter(mandatory=True).order_by("position", "pk"):
        scan = typst.compile(SCAN_SOURCE, sys_inputs={"name": document.name})
        upload = SimpleUploadedFile(f"demo-{document.pk}.pdf", scan, content_type="application/pdf")
        dossier_services.dossier_document_add(
            by=account, dossier=draft, upload=upload, name=document.name, required_document=document
        )
    dossier_services.online_draft_submit(by=account, dossier=draft)


def _applicant_block(applicant: Applicant) -> dict[str, str]:
    """The e-form's applicant fields, as the portal fills them in from the profile (the address typed)."""
    return {
        "applicant_name": applicant.name,
        "applicant_id": applicant.personal_id,
        "applicant_birth_date": applicant.birth_date.isoformat() if applicant.birth_date else "",
        "applicant_address": ADDRESS,
        "applicant_phone": applicant.phone,
    }


def _tick_mandatory(desk: User, dossier: Dossier) -> None:
    """The front desk records the mandatory documents as handed in, as it does before receiving."""
    mandatory = dossier.procedure.documents.filter(mandatory=True).values_list("pk", flat=True)
    dossier_services.dossier_documents_mark_received(by=desk, dossier=dossier, required_document_ids=list(mandatory))
