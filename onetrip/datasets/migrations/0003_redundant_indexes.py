import django.db.models.deletion
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("datasets", "0002_exchange_clients_grants"),
        ("departments", "0002_redundant_indexes"),
    ]

    operations = [
        drop_indexes(
            "datasets_dataset",
            {"datasets_dataset_owner_id_257d4f86": "owner_id"},
            migrations.AlterField(
                model_name="dataset",
                name="owner",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="datasets",
                    to="departments.department",
                    verbose_name="owner department",
                ),
            ),
        ),
        drop_indexes(
            "datasets_datasetfield",
            {"datasets_datasetfield_dataset_id_25d78dbf": "dataset_id"},
            migrations.AlterField(
                model_name="datasetfield",
                name="dataset",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="fields",
                    to="datasets.dataset",
                    verbose_name="dataset",
                ),
            ),
        ),
        drop_indexes(
            "datasets_datasetrecord",
            {"datasets_datasetrecord_dataset_id_c27dc56c": "dataset_id"},
            migrations.AlterField(
                model_name="datasetrecord",
                name="dataset",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="records",
                    to="datasets.dataset",
                    verbose_name="dataset",
                ),
            ),
        ),
    ]
