import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_application_withdrawal"),
        ("departments", "0002_redundant_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_indexes(
            "cases_application",
            {
                "cases_application_applicant_id_87e1c1d4": "applicant_id",
                "cases_application_department_id_f635ad93": "department_id",
            },
            migrations.AlterField(
                model_name="application",
                name="applicant",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="applications",
                    to=settings.AUTH_USER_MODEL,
                    verbose_name="applicant",
                ),
            ),
            migrations.AlterField(
                model_name="application",
                name="department",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="applications",
                    to="departments.department",
                    verbose_name="implementing department",
                ),
            ),
        ),
        drop_indexes(
            "cases_missingmaterial",
            {"cases_missingmaterial_application_id_d78e5794": "application_id"},
            migrations.AlterField(
                model_name="missingmaterial",
                name="application",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="missing_materials",
                    to="cases.application",
                    verbose_name="application",
                ),
            ),
        ),
    ]
