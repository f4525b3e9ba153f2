import datetime

from django.db import migrations, models


def expire_existing_tokens(apps, schema_editor):
    """Tokens created before expiry existed live 90 days from now, with the rights they had."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=90)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=until, scope="write")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_security_event_admin_kinds")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expire le"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "lecture seule"), ("write", "lecture et écriture")],
                default="read",
                max_length=5,
                verbose_name="droits",
            ),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expire le"),
        ),
    ]
