"""Sample petitions (some answered and published) and a rating of the returned sample dossier."""

from chinhquyen.catalog.models import Procedure
from chinhquyen.directory.models import Agency, User
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.feedback import services as feedback_services
from chinhquyen.feedback.models import Petition, Rating

from . import province

COMMUNE = "hoalu"

# subject, content, sender (name, address, phone, e-mail), account username or "", procedure code or "",
# agency slug, how far it goes: "received", "assigned" or "published"; the answer when answered.
PETITIONS: list[tuple[str, str, tuple[str, str, str, str], str, str, str, str, str]] = [
    (
        "Đề nghị cho nhận kết quả đăng ký khai sinh qua bưu điện",
        "Tôi đăng ký khai sinh cho con tại phường nhưng phải đến nhận kết quả trực tiếp. Đề nghị cho phép "
        "nhận kết quả qua bưu điện. Liên hệ: 0912 345 678.",
        ("Nguyễn Văn An", "Số 12 đường Trần Hưng Đạo, phường Hoa Lư", "0912345678", ""),
        "congdan",
        "1.001193",
        COMMUNE,
        "published",
        "Phường Hoa Lư đã triển khai trả kết quả qua dịch vụ bưu chính công ích. Khi nộp hồ sơ, ông/bà chọn "
        "hình thức nhận kết quả qua bưu điện và ghi địa chỉ nhận.",
    ),
    (
        "Thời gian chờ tại Bộ phận Một cửa buổi sáng quá lâu",
        "Sáng thứ Hai tôi phải chờ gần hai giờ mới được tiếp nhận hồ sơ. Đề nghị bố trí thêm cán bộ vào "
        "buổi sáng đầu tuần. Email của tôi: hanh.pham@example.vn",
        ("Phạm Thị Hạnh", "", "", "hanh.pham@example.vn"),
        "",
        "",
        COMMUNE,
        "published",
        "Từ tháng này, Bộ phận Một cửa phường bố trí thêm một công chức tiếp nhận vào sáng thứ Hai và cấp số "
        "thứ tự trực tuyến để người dân biết trước giờ đến.",
    ),
    (
        "Đề nghị bố trí thêm ghế chờ cho người cao tuổi",
        "Khu vực chờ của Bộ phận Một cửa còn ít ghế, người cao tuổi phải đứng chờ.",
        ("Trần Thị Bích", "", "0987654321", ""),
        "congdan2",
        "",
        COMMUNE,
        "assigned",
        "",
    ),
    (
        "Hướng dẫn thành phần hồ sơ cấp giấy phép xây dựng chưa rõ",
        "Trang hướng dẫn chưa nói rõ bản vẽ thiết kế cần bản chính hay bản sao có chứng thực.",
        ("Lê Minh Khoa", "Phường Tây Hoa Lư", "", "khoa.le@example.vn"),
        "",
        "",
        "",
        "received",
        "",
    ),
]


def _agency(slug: str) -> Agency | None:
    code = next((a.code for a in province.AGENCIES if a.slug == slug), None)
    return Agency.objects.filter(code=code).first() if code else None


def demo_feedback_ensure() -> int:
    """Create the sample petitions once and rate the returned sample dossier; return how many were created."""
    created = 0
    if not Petition.objects.exists():
        users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
        desk, leader, admin = (users[n] for n in (f"motcua.{COMMUNE}", f"lanhdao.{COMMUNE}", "quantri"))
        for subject, content, sender, account, code, slug, stage, answer in PETITIONS:
            name, address, phone, email = sender
            petition = feedback_services.petition_file(
                subject=subject,
                content=content,
                sender_name=name,
                sender_address=address,
                sender_phone=phone,
                sender_email=email,
                sender_user=users.get(account) if account else None,
                procedure=Procedure.objects.filter(code=code).first() if code else None,
                about_agency=_agency(slug) if slug else None,
            )
            created += 1
            if stage == "received" or petition.agency is None:
                continue
            feedback_services.petition_assign(petition=petition, by=admin, agency=petition.agency)
            if stage == "published":
                feedback_services.petition_answer(petition=petition, by=desk, answer=answer)
                feedback_services.petition_publish(petition=petition, by=leader)
    returned = (
        Dossier.objects.filter(status=DossierStatus.RETURNED, applicant__user__isnull=False, rating__isnull=True)
        .select_related("applicant__user")
        .first()
    )
    if returned is not None and not Rating.objects.exists():
        feedback_services.rating_submit(
            dossier=returned,
            by=returned.applicant.user,  # type: ignore[arg-type]
            scores={
                "total_time": 2,
                "agency_time": 2,
                "contacts": 2,
                "agencies_contacted": 2,
                "front_desk": 2,
                "publicity": 1,
                "attitude": 2,
                "complaints": 2,
                "online_progress": 1,
            },
            overall="very_satisfied",
            comment="Cán bộ hướng dẫn tận tình, nhận kết quả đúng hẹn.",
        )
        created += 1
    return created


def _usernames() -> list[str]:
    accounts = [p[3] for p in PETITIONS if p[3]]
    return [f"motcua.{COMMUNE}", f"lanhdao.{COMMUNE}", "quantri", *accounts]
