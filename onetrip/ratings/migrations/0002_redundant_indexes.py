import django.db.models.deletion
from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):

    dependencies = [
        ('departments', '0002_redundant_indexes'),
        ('ratings', '0001_initial'),
    ]

    operations = [
        drop_indexes(
            "ratings_ratingfollowup",
            {"ratings_ratingfollowup_department_id_35e4425d": "department_id"},
            migrations.AlterField(
                model_name='ratingfollowup',
                name='department',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='departments.department', verbose_name='implementing department'),
            ),
        ),
    ]
