import django.db.models.deletion
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0004_postgresql_search_texts_apart"),
    ]

    operations = [
        drop_indexes(
            "opendata_downloadcount",
            {"opendata_downloadcount_open_dataset_id_72ef26c8": "open_dataset_id"},
            migrations.AlterField(
                model_name="downloadcount",
                name="open_dataset",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="download_counts",
                    to="opendata.opendataset",
                    verbose_name="published dataset",
                ),
            ),
        ),
    ]
