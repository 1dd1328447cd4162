"""The local postal partner: orders are kept in this database and never leave it (development and tests)."""
