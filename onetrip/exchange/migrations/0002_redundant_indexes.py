import django.db.models.deletion
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("datasets", "0003_redundant_indexes"),
        ("departments", "0002_redundant_indexes"),
        ("exchange", "0001_exchange_clients_grants"),
    ]

    operations = [
        drop_indexes(
            "exchange_exchangecallstat",
            {"exchange_exchangecallstat_grant_id_0811ad26": "grant_id"},
            migrations.AlterField(
                model_name="exchangecallstat",
                name="grant",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="call_stats",
                    to="exchange.grant",
                    verbose_name="grant",
                ),
            ),
        ),
        drop_indexes(
            "exchange_exchangeclient",
            {"exchange_exchangeclient_department_id_4671cf71": "department_id"},
            migrations.AlterField(
                model_name="exchangeclient",
                name="department",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="exchange_clients",
                    to="departments.department",
                    verbose_name="department",
                ),
            ),
        ),
        drop_indexes(
            "exchange_grant",
            {
                "exchange_grant_client_id_adf84679": "client_id",
                "exchange_grant_dataset_id_8eaafceb": "dataset_id",
            },
            migrations.AlterField(
                model_name="grant",
                name="client",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="grants",
                    to="exchange.exchangeclient",
                    verbose_name="client",
                ),
            ),
            migrations.AlterField(
                model_name="grant",
                name="dataset",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="exchange_grants",
                    to="datasets.dataset",
                    verbose_name="dataset",
                ),
            ),
        ),
        drop_indexes(
            "exchange_pulledmaterial",
            {"exchange_pulledmaterial_case_number_2fcc1757": "case_number"},
            migrations.AlterField(
                model_name="pulledmaterial",
                name="case_number",
                field=models.CharField(max_length=64, verbose_name="case number"),
            ),
        ),
    ]
