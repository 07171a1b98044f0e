import django.db.models.deletion
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0001_initial"),
    ]

    operations = [
        drop_indexes(
            "departments_window",
            {"departments_window_hall_id_406b19e9": "hall_id"},
            migrations.AlterField(
                model_name="window",
                name="hall",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="windows",
                    to="departments.servicehall",
                    verbose_name="service hall",
                ),
            ),
        ),
    ]
