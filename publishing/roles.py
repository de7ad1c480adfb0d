"""The two editorial groups and what each may do. Data migrations call ``sync_editorial_groups``.

Editors create and edit content and submit it for review; they cannot publish, unpublish or
delete, and they only read the structure (windows, instruments, themes). Publishers may also
publish, unpublish, send back, delete, and edit the structure.
"""

EDITORS = "Editors"
PUBLISHERS = "Publishers"

STRUCTURE_MODELS = [("windows", "fundingwindow"), ("windows", "instrument"), ("windows", "theme")]
CONTENT_MODELS = [
    ("programmes", "country"),
    ("programmes", "city"),
    ("programmes", "organisation"),
    ("programmes", "dimension"),
    ("programmes", "programme"),
    ("programmes", "programmepartner"),
    ("programmes", "programmecountry"),
    ("programmes", "activity"),
    ("jwp", "jointworkprogramme"),
    ("jwp", "membership"),
    ("jwp", "phase"),
    ("jwp", "output"),
    ("jwp", "lesson"),
    ("publishing", "document"),
    ("classifications", "sector"),
    ("classifications", "policymarker"),
    ("classifications", "contact"),
    ("finances", "budget"),
    ("finances", "planneddisbursement"),
    ("finances", "transaction"),
]
# Reference data that public pages show as it is: a row in use changes only through Publishers.
REFERENCE_MODELS = [
    ("programmes", "country"),
    ("programmes", "city"),
    ("programmes", "organisation"),
]
EDITOR_DELETABLE_ROWS = [("programmes", "programmecountry")]
PUBLISHABLE_MODELS = [
    ("programmes", "programme"),
    ("jwp", "jointworkprogramme"),
    ("jwp", "output"),
    ("jwp", "lesson"),
    ("publishing", "document"),
]


def role_permissions() -> dict[str, set[tuple[str, str]]]:
    """Group name -> {(app_label, codename)}."""
    editors = {(app, f"view_{model}") for app, model in STRUCTURE_MODELS}
    for app, model in CONTENT_MODELS:
        editors |= {(app, f"{action}_{model}") for action in ("add", "change", "view")}
    # A recipient country row is how a programme's countries are stored: removing one is an
    # edit, as it was when they were a plain relation (the review rule still applies).
    editors |= {(app, f"delete_{model}") for app, model in EDITOR_DELETABLE_ROWS}
    publishers = set(editors)
    for app, model in STRUCTURE_MODELS:
        publishers |= {(app, f"{action}_{model}") for action in ("add", "change", "delete")}
    publishers |= {(app, f"delete_{model}") for app, model in CONTENT_MODELS}
    publishers |= {(app, f"publish_{model}") for app, model in PUBLISHABLE_MODELS}
    publishers |= {(app, f"change_used_{model}") for app, model in REFERENCE_MODELS}
    # Jobs: both start exports and imports and see their own; publishers see (and may delete)
    # everyone's. Importing itself needs the add permission of what is imported.
    editors |= {
        ("jobs", "add_exportjob"),
        ("jobs", "view_exportjob"),
        ("jobs", "view_importjob"),
        ("jobs", "view_publicfile"),
    }
    # Revisions: editors read theirs and others' (the admin shows the diff); deciding needs the
    # publish permission of the revised item, not a permission on revisions.
    editors |= {("publishing", "view_revision")}
    publishers |= editors | {("jobs", "delete_exportjob"), ("jobs", "delete_importjob")}
    return {EDITORS: editors, PUBLISHERS: publishers}


def sync_editorial_groups_after_migrate(sender, **kwargs) -> None:
    """post_migrate: keeps both groups as this module defines them, after every migrate and
    every flush (a flush empties the groups the data migration made)."""
    from django.apps import apps as global_apps

    sync_editorial_groups(kwargs.get("apps") or global_apps)


def sync_editorial_groups(apps) -> None:
    """Create both groups and set exactly their permissions (historical ``apps`` or the real)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions may not exist yet: Django creates them after migrate (and after a flush),
    # app by app. Creating them here is idempotent.
    historical = apps is not global_apps
    for app_config in apps.get_app_configs():
        if historical:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if historical:
            app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, wanted in role_permissions().items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = []
        for app_label, codename in sorted(wanted):
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None and historical:
                continue  # an app migrated later; post_migrate completes the group
            if permission is None:
                raise LookupError(f"permission {app_label}.{codename} does not exist")
            permissions.append(permission)
        group.permissions.set(permissions)
