"""chinhquyen: e-government platform for a Vietnamese province (chính quyền điện tử cấp tỉnh)."""
