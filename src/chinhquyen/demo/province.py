"""The demo province: Ninh Bình (division code 37), its agencies and staff.

Agency identifier codes follow the official shape (``000.00.00.H37``) but are demo values: no public
list of the real codes exists (see shared data README).
"""

from dataclasses import dataclass, replace

PROVINCE = "H37"


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    division: str
    slug: str
    # Where the post office collects from and delivers to (filled in below: demo values).
    address: str = ""
    address_division: str = ""
    phone: str = ""


def _c(n: str) -> str:
    return f"000.{n}.{PROVINCE}"


ROOT = _c("00.00")
CENTRE = _c("02.00")
JUSTICE = _c("03.00")
CONSTRUCTION = _c("04.00")
AGRI_ENV = _c("05.00")
FINANCE = _c("06.00")
POLICE = _c("07.00")
LAND_OFFICE = _c("05.01")
POLICE_ADMIN = _c("07.01")
TAX = _c("11.00")
SOCIAL_INSURANCE = _c("12.00")
CUSTOMS = _c("13.00")
STATE_BANK = _c("14.00")

AGENCIES: list[DemoAgency] = [
    DemoAgency(
        ROOT,
        "Ủy ban nhân dân tỉnh Ninh Bình",
        "Ninh Binh Provincial People's Committee",
        "province_committee",
        None,
        "37",
        "ubnd",
    ),
    DemoAgency(
        _c("01.00"),
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Office of the Provincial People's Committee",
        "department",
        ROOT,
        "37",
        "vanphong",
    ),
    DemoAgency(
        CENTRE,
        "Trung tâm Phục vụ hành chính công tỉnh",
        "Provincial Public Administrative Service Centre",
        "service_centre",
        ROOT,
        "37",
        "ttpvhcc",
    ),
    DemoAgency(JUSTICE, "Sở Tư pháp", "Department of Justice", "department", ROOT, "37", "tuphap"),
    DemoAgency(CONSTRUCTION, "Sở Xây dựng", "Department of Construction", "department", ROOT, "37", "xaydung"),
    DemoAgency(
        AGRI_ENV,
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
        "department",
        ROOT,
        "37",
        "nnmt",
    ),
    DemoAgency(FINANCE, "Sở Tài chính", "Department of Finance", "department", ROOT, "37", "taichinh"),
    DemoAgency(POLICE, "Công an tỉnh", "Provincial Police", "department", ROOT, "37", "congan"),
    DemoAgency(_c("08.00"), "Sở Nội vụ", "Department of Home Affairs", "department", ROOT, "37", "noivu"),
    DemoAgency(
        _c("09.00"), "Sở Công Thương", "Department of Industry and Trade", "department", ROOT, "37", "congthuong"
    ),
    DemoAgency(LAND_OFFICE, "Văn phòng đăng ký đất đai", "Land Registration Office", "unit", AGRI_ENV, "37", "vpdkdd"),
    DemoAgency(
        POLICE_ADMIN,
        "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
        "Administrative Police Division",
        "unit",
        POLICE,
        "37",
        "pc06",
    ),
    DemoAgency(TAX, "Thuế tỉnh Ninh Bình", "Ninh Binh Tax Department", "unit", None, "37", "thue"),
    DemoAgency(
        SOCIAL_INSURANCE, "Bảo hiểm xã hội tỉnh Ninh Bình", "Ninh Binh Social Insurance", "unit", None, "37", "bhxh"
    ),
    DemoAgency(CUSTOMS, "Chi cục Hải quan khu vực", "Regional Customs Sub-department", "unit", None, "37", "haiquan"),
    DemoAgency(STATE_BANK, "Ngân hàng Nhà nước khu vực", "State Bank Regional Branch", "unit", None, "37", "nhnn"),
]

COMMUNES: list[tuple[str, str, str]] = [
    ("14329", "Phường Hoa Lư", "hoalu"),
    ("14362", "Phường Tam Điệp", "tamdiep"),
    ("13666", "Phường Nam Định", "namdinh"),
    ("13291", "Phường Phủ Lý", "phuly"),
    ("14464", "Xã Gia Viễn", "giavien"),
    ("14428", "Xã Nho Quan", "nhoquan"),
    ("14638", "Xã Kim Sơn", "kimson"),
]
for _i, (_division, _name, _slug) in enumerate(COMMUNES, start=1):
    AGENCIES.append(
        DemoAgency(
            _c(f"00.{_i:02d}"),
            f"Ủy ban nhân dân {_name[0].lower()}{_name[1:]}",
            f"People's Committee of {_name}",
            "commune_committee",
            ROOT,
            _division,
            _slug,
        )
    )

# The offices' addresses and phones (demo values): results go by post from them, collected papers come to them.
# The provincial agencies sit in Phường Hoa Lư, each commune's committee in its own commune.
HOA_LU = "14329"
_OFFICES: dict[str, tuple[str, str]] = {
    "ubnd": ("Số 2 đường Lê Hồng Phong", "02293871001"),
    "vanphong": ("Số 2 đường Lê Hồng Phong", "02293871002"),
    "ttpvhcc": ("Số 5 đường Tràng An", "02293871003"),
    "tuphap": ("Số 9 đường Lê Thái Tổ", "02293871004"),
    "xaydung": ("Số 11 đường Lê Thái Tổ", "02293871005"),
    "nnmt": ("Số 15 đường Trần Hưng Đạo", "02293871006"),
    "taichinh": ("Số 18 đường Trần Hưng Đạo", "02293871007"),
    "congan": ("Số 1 đường Đinh Tiên Hoàng", "02293871008"),
    "noivu": ("Số 21 đường Trần Hưng Đạo", "02293871009"),
    "congthuong": ("Số 23 đường Trần Hưng Đạo", "02293871010"),
    "vpdkdd": ("Số 17 đường Trần Hưng Đạo", "02293871011"),
    "pc06": ("Số 3 đường Đinh Tiên Hoàng", "02293871012"),
    "thue": ("Số 30 đường Lương Văn Thăng", "02293871013"),
    "bhxh": ("Số 32 đường Lương Văn Thăng", "02293871014"),
    "haiquan": ("Số 40 đường Xuân Thành", "02293871015"),
    "nhnn": ("Số 42 đường Xuân Thành", "02293871016"),
}
AGENCIES = [
    replace(
        agency,
        address=_OFFICES[agency.slug][0] if agency.slug in _OFFICES else f"Trụ sở {agency.name}",
        address_division=agency.division if len(agency.division) == 5 else HOA_LU,
        phone=_OFFICES[agency.slug][1] if agency.slug in _OFFICES else f"0229387{2000 + i:04d}",
    )
    for i, agency in enumerate(AGENCIES)
]
COMMUNE_CODES = [a.code for a in AGENCIES if a.kind == "commune_committee"]

# Keywords of the catalog's "implementing agency" text (folded, no diacritics) -> demo agencies.
# Order matters: the first rule that matches wins for each agency name in the source list.
AGENCY_RULES: list[tuple[tuple[str, ...], list[str]]] = [
    (("bao hiem xa hoi",), [SOCIAL_INSURANCE]),
    (("cap xa", "xa, phuong", "cap co so", "ubnd xa"), COMMUNE_CODES),
    (("thue",), [TAX]),
    (("hai quan",), [CUSTOMS]),
    (("ngan hang",), [STATE_BANK]),
    (("van phong dang ky dat dai",), [LAND_OFFICE]),
    (("quan ly hanh chinh ve trat tu", "xuat nhap canh", "can cuoc"), [POLICE_ADMIN]),
    (("cong an", "canh sat"), [POLICE]),
    (("tu phap", "tro giup phap ly", "thi hanh an"), [JUSTICE]),
    (("xay dung", "nha o"), [CONSTRUCTION]),
    (("nong nghiep", "moi truong", "kiem lam", "thuy san", "dat dai"), [AGRI_ENV]),
    (("tai chinh", "kho bac"), [FINANCE]),
    (("uy ban nhan dan cap tinh", "ubnd cap tinh", "ubnd tinh"), [ROOT]),
]

# Demo accounts: (username, first name, last name, agency code, roles).
STAFF: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    ("quantri", "Quản trị", "Tỉnh", ROOT, ("province_admin",)),
    ("giamsat", "Thanh", "Tra Viên", ROOT, ("supervisor",)),
    ("motcua", "Lan", "Nguyễn Thị", CENTRE, ("front_desk",)),
    ("chuyenvien.tuphap", "Minh", "Trần Văn", JUSTICE, ("specialist",)),
    ("lanhdao.tuphap", "Hùng", "Phạm Quốc", JUSTICE, ("leader",)),
    ("quantri.tuphap", "Hà", "Lê Thu", JUSTICE, ("agency_admin",)),
    ("chuyenvien.xaydung", "Dũng", "Hoàng Anh", CONSTRUCTION, ("specialist",)),
    ("lanhdao.xaydung", "Sơn", "Vũ Đình", CONSTRUCTION, ("leader",)),
    ("chuyenvien.datdai", "Hoa", "Đỗ Thị", LAND_OFFICE, ("specialist",)),
    ("lanhdao.datdai", "Tuấn", "Bùi Minh", LAND_OFFICE, ("leader",)),
    ("chuyenvien.congan", "Nam", "Đặng Hải", POLICE_ADMIN, ("specialist",)),
    ("lanhdao.congan", "Quân", "Ngô Văn", POLICE_ADMIN, ("leader",)),
]
for _agency in AGENCIES:
    if _agency.kind == "commune_committee":
        STAFF += [
            (f"motcua.{_agency.slug}", "Mai", "Phan Thị", _agency.code, ("front_desk",)),
            (f"chuyenvien.{_agency.slug}", "Long", "Trịnh Văn", _agency.code, ("specialist",)),
            (f"lanhdao.{_agency.slug}", "Thắng", "Lương Văn", _agency.code, ("leader", "agency_admin")),
        ]

CITIZENS: list[tuple[str, str, str, str]] = [
    # username, full name, personal identification number, birth date
    ("congdan", "Nguyễn Văn An", "037090001234", "1990-03-15"),
    ("congdan2", "Trần Thị Bích", "037195004321", "1995-08-02"),
]
ORGANISATIONS: list[tuple[str, str, str]] = [("doanhnghiep", "Công ty TNHH Tràng An Xanh", "2700123459")]

# The demo province's published list of its most common procedures (code, time limit it publishes when the
# national record gives none, online level). A real province sets these by a decision of its People's
# Committee; the national catalog often shows only a bare number ("1") with no unit, which the importer
# never guesses. Limits are (value, unit) of the catalog's TimeUnit; None keeps the imported limit.
WD = "working_days"
COMMON_PROCEDURES: list[tuple[str, tuple[int, str] | None, str]] = [
    # Civil status (hộ tịch), commune level
    ("1.001193", (1, WD), "full"),  # Đăng ký khai sinh
    ("1.000894", (1, WD), "partial"),  # Đăng ký kết hôn (both parties sign in person)
    ("1.000656", (1, WD), "full"),  # Đăng ký khai tử
    ("1.004873", (3, WD), "full"),  # Cấp Giấy xác nhận tình trạng hôn nhân
    ("1.001022", (3, WD), "partial"),  # Đăng ký nhận cha, mẹ, con
    ("1.000689", (3, WD), "partial"),  # Khai sinh kết hợp nhận cha, mẹ, con
    ("1.004884", (5, WD), "full"),  # Đăng ký lại khai sinh
    ("2.000635", (1, WD), "full"),  # Cấp bản sao trích lục hộ tịch
    ("1.004837", None, "partial"),  # Đăng ký giám hộ
    # Residence (cư trú) and identity
    ("1.004222", None, "full"),  # Đăng ký thường trú
    ("1.004194", None, "full"),  # Đăng ký tạm trú
    ("1.003197", None, "full"),  # Xóa đăng ký thường trú
    ("1.010028", None, "full"),  # Xóa đăng ký tạm trú
    ("1.002755", None, "full"),  # Gia hạn tạm trú
    ("1.003677", None, "full"),  # Khai báo tạm vắng
    ("1.010041", None, "full"),  # Xác nhận thông tin về cư trú
    ("1.014061", None, "partial"),  # Cấp thẻ căn cước (từ đủ 14 tuổi)
    # Certification (chứng thực): the signer appears in person
    ("2.000815", (1, WD), "partial"),  # Chứng thực bản sao từ bản chính
    ("2.000884", (1, WD), "partial"),  # Chứng thực chữ ký
    # Land (đất đai)
    ("1.012753", None, "partial"),  # Đăng ký đất đai, cấp GCN lần đầu
    ("1.012783", None, "partial"),  # Cấp đổi Giấy chứng nhận
    ("1.013992", None, "partial"),  # Đăng ký biến động chuyển mục đích sử dụng đất
    ("1.013833", None, "full"),  # Đăng ký biến động: đổi tên, thay đổi thông tin
    # Construction (xây dựng)
    ("1.013225", None, "full"),  # Cấp giấy phép xây dựng mới, công trình cấp III, IV
    ("1.013227", None, "full"),  # Gia hạn giấy phép xây dựng
    # Business households (hộ kinh doanh)
    ("1.001612", (3, WD), "full"),  # Đăng ký thành lập hộ kinh doanh
    ("2.000720", (3, WD), "full"),  # Đăng ký thay đổi nội dung đăng ký hộ kinh doanh
    ("1.001570", (3, WD), "full"),  # Tạm ngừng kinh doanh của hộ kinh doanh
    ("1.001266", (3, WD), "full"),  # Chấm dứt hoạt động hộ kinh doanh
    # Judicial records (lý lịch tư pháp)
    ("3.000333", None, "full"),  # Cấp Phiếu lý lịch tư pháp
]
