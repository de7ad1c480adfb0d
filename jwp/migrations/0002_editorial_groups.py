"""Creates the Editors and Publishers groups with their permissions (publishing/roles.py)."""

from django.db import migrations


def create_groups(apps, schema_editor):
    from publishing.roles import sync_editorial_groups

    sync_editorial_groups(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("jwp", "0001_initial"),
        ("programmes", "0001_initial"),
        ("publishing", "0001_initial"),
        ("windows", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
