"""Satisfaction ratings (đánh giá mức độ hài lòng) and citizens' petitions (phản ánh, kiến nghị)."""
