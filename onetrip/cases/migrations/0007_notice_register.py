import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_notice_received"),
        ("departments", "0002_redundant_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The department's notice register (文书台账): its index starts with the department,
        # so the foreign key's own index goes.
        migrations.AddIndex(
            model_name="casenotice",
            index=models.Index(fields=["department", "-issued_at"], name="case_notice_register"),
        ),
        drop_indexes(
            "cases_casenotice",
            {"cases_casenotice_department_id_6a259296": "department_id"},
            migrations.AlterField(
                model_name="casenotice",
                name="department",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to="departments.department",
                    verbose_name="issued by",
                ),
            ),
        ),
    ]
