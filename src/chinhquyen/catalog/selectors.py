"""Reads for the procedure catalog."""


def procedure_count() -> int:
    from .models import Procedure

    return Procedure.objects.count()
