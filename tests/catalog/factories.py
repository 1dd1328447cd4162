"""factory_boy factories for the catalog; procedures are saved through procedure_save."""

from decimal import Decimal

import factory

from chinhquyen.catalog.models import Field, Procedure, RequiredDocument
from chinhquyen.catalog.services import procedure_save


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    level_commune = True
    time_limit_text = "5 Ngày làm việc"
    time_limit_value = Decimal(5)
    time_limit_unit = "working_days"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        agencies = kwargs.pop("agencies", None)
        procedure = procedure_save(procedure=model_class(*args, **kwargs))
        if agencies:
            procedure.agencies.set(agencies)
        return procedure


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    procedure = factory.SubFactory(ProcedureFactory)
    position = factory.Sequence(int)
    name = "Tờ khai"
