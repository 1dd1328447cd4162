"""Postal delivery of results (and later pickup of dossiers) through the public postal partner (bưu chính công ích)."""
