import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("bundles", "0002_counter_intake_and_withdrawal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_indexes(
            "bundles_bundleapplication",
            {"bundles_bundleapplication_applicant_id_a7d9f20f": "applicant_id"},
            migrations.AlterField(
                model_name="bundleapplication",
                name="applicant",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="bundles",
                    to=settings.AUTH_USER_MODEL,
                    verbose_name="applicant",
                ),
            ),
        ),
    ]
