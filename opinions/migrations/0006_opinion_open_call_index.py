"""Open opinions per call (the head's dashboard tile, workflows.agendas → opinions.selectors
.opinions_due_per_call): a partial index holding only the open ones, so the count reads a small
index instead of every opinion."""

from django.db import migrations, models

OPEN = ["drafting", "waiting", "returned", "approved"]


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0005_ip_answer_reason"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opinion",
            index=models.Index(fields=["call", "status"], condition=models.Q(status__in=OPEN), name="opinion_open_call"),
        ),
    ]
