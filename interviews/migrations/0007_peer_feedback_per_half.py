from django.db import migrations, models
from django.db.models import F


def feedback_by_the_interviewee_is_the_second_half(apps, schema_editor):
    # Until now one row per author: the booking's interviewer wrote on the first half.
    PeerFeedback = apps.get_model("interviews", "PeerFeedback")
    PeerFeedback.objects.filter(author_id=F("booking__interviewee_id")).update(half=2)


class Migration(migrations.Migration):

    dependencies = [
        ("interviews", "0006_peer_feedback"),
    ]

    operations = [
        migrations.AddField(
            model_name="peerfeedback",
            name="half",
            field=models.PositiveSmallIntegerField(choices=[(1, "First half"), (2, "Second half")], default=1),
            preserve_default=False,
        ),
        migrations.RunPython(feedback_by_the_interviewee_is_the_second_half, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="peerfeedback",
            name="peer_feedback_once_per_author",
        ),
        migrations.AddConstraint(
            model_name="peerfeedback",
            constraint=models.UniqueConstraint(fields=("booking", "half"), name="peer_feedback_once_per_half"),
        ),
    ]
