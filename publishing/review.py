"""The review desk: what waits for a Publisher, as counts with a link to act on each, on the
admin index and at /admin/review/.

Generic over the apps (publishing names none of them): every publishable model's items in
review, the pending revisions, and whatever a model lists in its ``review_queues()``
classmethod (a programme's IATI problems, an output's broken links)."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Publishable, Revision, RevisionStatus


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str
    action: str


def _changelist(model, query: str) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + query


def review_queues(user) -> list[Queue]:
    """The queues ``user`` may see (the view permission of each model), in a fixed order: items
    in review, pending revisions, then the models' own queues."""
    models = [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable)
        and user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]
    queues = [
        Queue(
            _("%(kind)s in review") % {"kind": model._meta.verbose_name_plural.capitalize()},
            model._default_manager.in_review().count(),
            _changelist(model, "?status__exact=review"),
            _("Publish, or send back to draft"),
        )
        for model in models
    ]
    if user.has_perm("publishing.view_revision"):
        queues.append(
            Queue(
                _("Pending revisions of published items"),
                Revision.objects.filter(status=RevisionStatus.PENDING).count(),
                _changelist(Revision, "?status__exact=pending"),
                _("Approve, or reject with a comment"),
            )
        )
    for model in models:
        for label, queryset, query, action in getattr(model, "review_queues", lambda: [])():
            queues.append(Queue(label, queryset.count(), _changelist(model, query), action))
    return queues
