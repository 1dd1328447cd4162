"""Limits published in hours ("3 Giờ", "24 Giờ") are working hours: store them in time_limit_hours."""

from django.db import migrations
from django.db.models import F


def hours_fill(apps, schema_editor):
    Procedure = apps.get_model("catalog", "Procedure")
    Procedure.objects.filter(time_limit_unit="hours", time_limit_value__isnull=False).update(
        time_limit_hours=F("time_limit_value")
    )


def hours_clear(apps, schema_editor):
    Procedure = apps.get_model("catalog", "Procedure")
    Procedure.objects.filter(time_limit_unit="hours").update(time_limit_hours=None)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_requireddocument_template_file"),
    ]

    operations = [
        migrations.RunPython(hours_fill, hours_clear, elidable=True),
    ]
