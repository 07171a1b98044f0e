import django.db.models.deletion
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
    ]

    operations = [
        drop_indexes(
            "catalogue_matterversion",
            {"catalogue_matterversion_matter_id_3ec02968": "matter_id"},
            migrations.AlterField(
                model_name="matterversion",
                name="matter",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="versions",
                    to="catalogue.matter",
                    verbose_name="matter",
                ),
            ),
        ),
    ]
