"""Keep the e-form's field order on PostgreSQL too (jsonb reorders keys): store it as ``x-order``.

Existing schemas get the order they hold now; on SQLite that is the order they were written in.
"""

import chinhquyen.catalog.eform
from django.db import migrations


def order_stamp(apps, schema_editor):
    Procedure = apps.get_model("catalog", "Procedure")
    changed = []
    for procedure in Procedure.objects.only("pk", "eform_schema").iterator(chunk_size=500):
        stamped = chinhquyen.catalog.eform.with_field_order(procedure.eform_schema)
        if stamped != procedure.eform_schema:
            procedure.eform_schema = stamped
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["eform_schema"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_time_limit_hours_for_hours"),
    ]

    operations = [
        migrations.AlterField(
            model_name="procedure",
            name="eform_schema",
            field=chinhquyen.catalog.eform.EFormSchemaField(
                default=chinhquyen.catalog.eform.default_eform_schema,
                help_text=(
                    "JSON Schema (draft 2020-12) of the online form. The fields are shown in the order x-order "
                    "lists; a field not listed comes after them, in the order written."
                ),
                validators=[chinhquyen.catalog.eform.validate_eform_schema],
                verbose_name="e-form schema",
            ),
        ),
        migrations.RunPython(order_stamp, migrations.RunPython.noop, elidable=True),
    ]
