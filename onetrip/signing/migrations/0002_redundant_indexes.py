import django.db.models.deletion
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0002_redundant_indexes"),
        ("signing", "0001_initial"),
    ]

    operations = [
        drop_indexes(
            "signing_signingkey",
            {"signing_signingkey_department_id_adac8e84": "department_id"},
            migrations.AlterField(
                model_name="signingkey",
                name="department",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="signing_keys",
                    to="departments.department",
                    verbose_name="department",
                ),
            ),
        ),
    ]
