from django.db import migrations, models

from onetrip.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
    ]

    operations = [
        drop_indexes(
            "identity_onetimecode",
            {"identity_onetimecode_phone_718bbd62": "phone"},
            migrations.AlterField(
                model_name="onetimecode",
                name="phone",
                field=models.CharField(max_length=20, verbose_name="mobile phone"),
            ),
        ),
    ]
