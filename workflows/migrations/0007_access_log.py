import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0006_dispatch"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessLogEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="kdy")),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="přihlašovací jméno")),
                ("object_type", models.CharField(db_index=True, max_length=100, verbose_name="druh záznamu")),
                ("object_id", models.CharField(max_length=64, verbose_name="id záznamu")),
                ("object_repr", models.CharField(max_length=300, verbose_name="záznam")),
                ("view", models.CharField(max_length=100, verbose_name="pohled")),
                ("path", models.CharField(blank=True, max_length=500, verbose_name="adresa")),
                ("address", models.GenericIPAddressField(blank=True, null=True, verbose_name="adresa klienta")),
                ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                           related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="uživatel")),
            ],
            options={
                "verbose_name": "záznam o přístupu k osobním údajům",
                "verbose_name_plural": "záznamy o přístupu k osobním údajům",
                "ordering": ["-at", "-pk"],
                "indexes": [models.Index(fields=["object_type", "object_id"], name="workflows_access_object")],
            },
        ),
    ]
