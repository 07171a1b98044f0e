import django.db.models.deletion
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        drop_indexes(
            "accounts_representation",
            {"accounts_representation_person_id_c8a9da31": "person_id"},
            migrations.AlterField(
                model_name="representation",
                name="person",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="representations",
                    to="accounts.person",
                    verbose_name="person",
                ),
            ),
        ),
        drop_indexes(
            "accounts_staffroleassignment",
            {"accounts_staffroleassignment_staff_id_d4599939": "staff_id"},
            migrations.AlterField(
                model_name="staffroleassignment",
                name="staff",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="role_assignments",
                    to="accounts.staff",
                    verbose_name="staff member",
                ),
            ),
        ),
    ]
