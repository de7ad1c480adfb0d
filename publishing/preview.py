"""Who sees content before the public does: one rule for the site's preview pages and the API.

Staff who may view a kind of content in the admin see its drafts and items in review on the
site (with a "Preview" banner) and in the API. Everyone else sees what ``.public()`` gives.
"""

from django.db.models import QuerySet


def may_preview(user, model) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_staff
        and user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    )


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` as ``user`` may see it: everything for who may preview, else the public
    part (reference data without a workflow is public as it is)."""
    if not hasattr(queryset, "public") or may_preview(user, queryset.model):
        return queryset
    return queryset.public()
