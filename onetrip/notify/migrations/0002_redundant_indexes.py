import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_notification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_indexes(
            "notify_notification",
            {"notify_notification_user_id_51ff9cec": "user_id"},
            migrations.AlterField(
                model_name="notification",
                name="user",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="notifications",
                    to=settings.AUTH_USER_MODEL,
                    verbose_name="user",
                ),
            ),
        ),
    ]
