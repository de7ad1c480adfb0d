"""The publication workflow every public piece of content shares, and site documents.

draft → in review → published. Only ``publishing.services`` moves content between states; the
admin, the API and the importers call it. "Public" is said here and nowhere else: every public
path reads through ``.published()``, or ``.public()`` for items whose owners must be published
too (outputs and lessons), and conditions across relations come from ``public_condition``.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .files import ContentFileField
from .storage import private_storage
from .validators import validate_upload


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


# The fields only publishing.services may change; forms and API writes never set them.
WORKFLOW_FIELDS = ("status", "published_at", "submitted_by", "submitted_at", "published_by")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


def published_condition(prefix: str = "") -> models.Q:
    """Published, with a publication time that has come; ``prefix`` reaches across a relation
    (``"jwp__"``)."""
    return models.Q(
        **{f"{prefix}status": PublicationStatus.PUBLISHED, f"{prefix}published_at__lte": Now()}
    )


def public_condition(model, prefix: str = "") -> models.Q:
    """What the public may see of ``model``: published (when it has a publication state of its
    own), and so is each owner the model names in ``public_owners`` (an owner that may be
    absent only counts when it is there): a budget is public with its programme or JWP."""
    condition = published_condition(prefix) if issubclass(model, Publishable) else models.Q()
    for owner in getattr(model, "public_owners", ()):
        owner_condition = published_condition(f"{prefix}{owner}__")
        if model._meta.get_field(owner).null:
            owner_condition |= models.Q(**{f"{prefix}{owner}__isnull": True})
        condition &= owner_condition
    return condition


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What the public may see of an item that stands on its own."""
        return self.filter(published_condition())

    def public(self):
        """What the public may see: published, with published owners (``public_owners``)."""
        return self.filter(public_condition(self.model))

    def drafts(self):
        return self.filter(status=PublicationStatus.DRAFT)

    def in_review(self):
        return self.filter(status=PublicationStatus.IN_REVIEW)


class Publishable(TimeStampedModel):
    """Fields of the workflow. Concrete models add ``permissions = [("publish_<model>", ...)]``,
    and ``public_owners``: the foreign keys to items that must be published for this one to be
    public (an output of a draft JWP is not public, whatever its own status)."""

    public_owners: tuple[str, ...] = ()

    status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Set when the item is first published."),
    )
    submitted_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=PublicationStatus.PUBLISHED)
                | models.Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
                violation_error_message=_("A published item needs a publication time."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PublicationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    @property
    def is_published(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED

    @classmethod
    def publish_permission(cls) -> str:
        return f"{cls._meta.app_label}.publish_{cls._meta.model_name}"


def used_by_public_content(obj: models.Model) -> bool:
    """Whether anything the public sees shows ``obj`` (a country, a city, an organisation):
    a public item related to it directly (a programme's countries), or through a row of its
    own (a programme's partners, a JWP's memberships)."""
    for relation in obj._meta.related_objects:
        related = relation.related_model
        name = relation.field.name
        if issubclass(related, Publishable):
            if related._default_manager.public().filter(**{name: obj}).exists():
                return True
            continue
        for field in related._meta.concrete_fields:
            owner = field.related_model if field.is_relation else None
            if owner is not None and isinstance(owner, type) and issubclass(owner, Publishable):
                condition = public_condition(owner, f"{field.name}__")
                if related._default_manager.filter(condition, **{name: obj}).exists():
                    return True
    return False


def change_used_permission(model) -> str:
    """The permission to change a row of reference data that public content uses."""
    return f"{model._meta.app_label}.change_used_{model._meta.model_name}"


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    ARABIC = "ar", _("Arabic")


class Document(Publishable):
    """A site-level download, such as the Standard Operating Procedures."""

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    # Private: served by the download view once the document is published (publishing.files).
    file = ContentFileField(
        _("file"),
        upload_to="documents/",
        storage=private_storage,
        validators=[validate_upload],
        help_text=_("PDF or office document, at most the configured upload size."),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default="en")

    history = HistoricalRecords()

    class Meta(Publishable.Meta):
        ordering = ["title"]
        verbose_name = _("site document")
        verbose_name_plural = _("site documents")
        permissions = [("publish_document", _("Can publish, unpublish and send back documents"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("document-download", kwargs={"slug": self.slug})

    def get_file_url(self):
        return self.get_absolute_url()  # a document is its file


class PublicationState(models.Model):
    """One row: the publication version, raised in the same transaction as any write to a
    table the public reads (database triggers; see ``publishing.version``). Cached public
    responses and aggregates are keyed by it, so a change is never served stale."""

    version = models.BigIntegerField(_("publication version"), default=1)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication state")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="publicationstate_singleton")
        ]

    def __str__(self):
        return f"v{self.version}"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Revision(models.Model):
    """An edit to a published item by someone who may not publish it: the state it proposes,
    kept apart from the live item until a Publisher approves it (``publishing.services``).

    Both states are serialized (``publishing.revisions``): ``base`` is the live item when the
    edit was made, ``proposed`` the item as the editor left it. Approval writes onto the live
    item only what changed between the two, so a change made to the live item meanwhile is not
    undone, and a part changed on both sides is a conflict the Publisher sees.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RevisionStatus.choices,
        default=RevisionStatus.PENDING,
        db_index=True,
    )
    base = models.JSONField(_("live state it started from"))
    proposed = models.JSONField(_("proposed state"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("pending revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(status="pending"),
                name="revision_one_pending_per_item",
                violation_error_message=_("This item already has a pending revision."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RevisionStatus.values),
                name="revision_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_at__isnull=False),
                name="revision_decided_has_date",
            ),
        ]

    def __str__(self):
        return _("Revision of %(item)s") % {"item": self.item or f"#{self.object_id}"}

    @property
    def model(self):
        return self.content_type.model_class()
