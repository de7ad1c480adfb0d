"""The outputs' files move from MEDIA_ROOT, which a web server may serve, to private storage, under
the same names: every file the rows, their history and the revisions name, and anything else
in ``outputs/``."""

import publishing.files
import publishing.storage
import publishing.validators
from django.db import migrations

APP, MODEL, FOLDER = "jwp", "output", "outputs"

def _names(apps, app_label, model_name):
    """Every stored name the rows refer to: live, in the history, in revisions."""
    model = apps.get_model(app_label, model_name)
    history = apps.get_model(app_label, f"historical{model_name}")
    names = set(model.objects.values_list("file", flat=True))
    names |= set(history.objects.values_list("file", flat=True))
    content_type = (
        apps.get_model("contenttypes", "ContentType")
        .objects.filter(app_label=app_label, model=model_name)
        .first()
    )
    if content_type is not None:
        revision = apps.get_model("publishing", "Revision")
        for base, proposed in revision.objects.filter(content_type=content_type).values_list(
            "base", "proposed"
        ):
            names |= {state.get("fields", {}).get("file") or "" for state in (base, proposed)}
    return names


def _move(apps, *, to_private):
    from django.core.files.storage import default_storage

    from publishing.storage import files_move, private_storage

    source, target = (
        (default_storage, private_storage) if to_private else (private_storage, default_storage)
    )
    files_move(names=_names(apps, APP, MODEL), folders=[FOLDER], source=source, target=target)


def forwards(apps, schema_editor):
    _move(apps, to_private=True)


def backwards(apps, schema_editor):
    _move(apps, to_private=False)


class Migration(migrations.Migration):

    dependencies = [
        ('jwp', '0003_output_link_check'),
        ('publishing', '0003_revision'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='output',
            name='file',
            field=publishing.files.ContentFileField(blank=True, storage=publishing.storage.PrivateStorage(), upload_to='outputs/', validators=[publishing.validators.validate_upload], verbose_name='file'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
