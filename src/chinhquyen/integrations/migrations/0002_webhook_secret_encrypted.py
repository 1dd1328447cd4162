# Webhook signing secrets encrypted at rest (FIELD_ENCRYPTION_KEY); reversing decrypts them again.

from django.db import migrations

import chinhquyen.core.crypto


def _rewrite(schema_editor, change):
    # Raw SQL: the historical model's field would decrypt the plain rows on reading, and fail.
    table = schema_editor.quote_name("integrations_webhooksubscription")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {table}")
        for pk, secret in cursor.fetchall():
            cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", [change(secret), pk])


def encrypt_secrets(apps, schema_editor):
    _rewrite(schema_editor, chinhquyen.core.crypto.encrypt)


def decrypt_secrets(apps, schema_editor):
    _rewrite(schema_editor, chinhquyen.core.crypto.decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='webhooksubscription',
            name='secret',
            field=chinhquyen.core.crypto.EncryptedTextField(editable=False, verbose_name='signing secret'),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
