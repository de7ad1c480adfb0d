"""Admin pieces shared by every publishable model: workflow actions, protected workflow fields,
full change history with revert (django-simple-history), and the branded admin site."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from simple_history.admin import SimpleHistoryAdmin

from . import files, revisions, services, shares
from .models import (
    WORKFLOW_FIELDS,
    Document,
    PublicationStatus,
    Revision,
    RevisionStatus,
    change_used_permission,
    used_by_public_content,
)

admin.site.site_header = _("Cities Alliance Portfolio — staff")
admin.site.site_title = _("Cities Alliance Portfolio")
admin.site.index_title = _("Portfolio administration")


# Classes of static/css/admin.css (the Content-Security-Policy allows no inline style).
STATUS_CLASSES = {
    PublicationStatus.DRAFT: "ca-muted",
    PublicationStatus.IN_REVIEW: "ca-warn",
    PublicationStatus.PUBLISHED: "ca-ok",
}


def iati_check_display(obj):
    """The IATI export's verdict on an item (its model's ``iati_problems()``)."""
    if obj is None or obj.pk is None:
        return "—"
    problems = obj.iati_problems()
    if not problems:
        return format_html('<span class="ca-ok">✓ {}</span>', _("exportable"))
    return format_html(
        '<span class="ca-warn" title="{}">⚠ {}</span>',
        _("Left out of the IATI export until this is fixed."),
        "; ".join(str(problem) for problem in problems),
    )


PROPOSE_SHARES = "propose_shares"  # the change form's query parameter: propose an even split


def iati_check_detail(obj):
    """The IATI verdict on the change form: as in the list, plus, when percentages are
    missing, the link that proposes an even split for the editor to confirm."""
    verdict = iati_check_display(obj)
    if obj is None or obj.pk is None:
        return verdict
    if not any("percentages" in str(problem) for problem in obj.iati_problems()):
        return verdict
    return format_html(
        '{} <a href="?{}=1">{}</a>',
        verdict,
        PROPOSE_SHARES,
        _("Propose an even split of the missing percentages"),
    )


class SharesFormSet(BaseInlineFormSet):
    """An inline of rows with percentages that follow the rule of shares (publishing.shares):
    refused unless each group (``share_group``, a field such as the vocabulary; one group when
    None) has every percentage or none, adding up to 100.

    With ``?propose_shares=1`` on a GET of the change form (``propose``), the rows of a group
    whose percentages are all empty show an even split as their initial values, and
    ``added_rows`` (such as the sectors of the themes) appear as new rows: nothing is saved
    until the editor saves the form, which is the confirmation."""

    share_group: str | None = None
    propose = False
    added_rows: list[dict] = []

    @staticmethod
    def share_label(group) -> str:
        return str(_("Percentages"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = self._proposal() if self.propose and not self.is_bound else {}

    def _group(self, values) -> object:
        return values.get(self.share_group) if self.share_group else None

    def _proposal(self) -> dict[int, dict]:
        """Initial values by form index: the added rows, and an even split of every group of
        several rows that has no percentage yet."""
        existing = list(self.get_queryset())
        proposal = {len(existing) + n: dict(values) for n, values in enumerate(self.added_rows)}
        groups: dict = {}
        for index, row in enumerate(existing):
            values = {self.share_group: getattr(row, self.share_group)} if self.share_group else {}
            groups.setdefault(self._group(values), []).append((index, row.percentage))
        for index, values in proposal.items():
            groups.setdefault(self._group(values), []).append((index, None))
        for members in groups.values():
            if len(members) < 2 or any(percentage is not None for _i, percentage in members):
                continue
            for (index, _none), share in zip(members, shares.even_split(len(members)), strict=True):
                proposal.setdefault(index, {})["percentage"] = share
        return proposal

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index in self.proposal:
            kwargs["initial"] = {**kwargs.get("initial", {}), **self.proposal[index]}
        return kwargs

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        items = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            items.append((self._group(data), data.get("percentage")))
        errors = shares.share_errors(items, label=self.share_label)
        if errors:
            raise ValidationError(errors)


class SharesInline(admin.TabularInline):
    """The inline of a ``SharesFormSet``. ``proposed_rows(obj)``: the values of rows to add
    when an even split is proposed (none by default)."""

    formset = SharesFormSet
    extra = 0

    def proposed_rows(self, obj) -> list[dict]:
        return []

    def get_formset(self, request, obj=None, **kwargs):
        propose = obj is not None and request.method == "GET" and PROPOSE_SHARES in request.GET
        added = self.proposed_rows(obj) if propose else []
        if added:
            kwargs["extra"] = len(added)
        formset = super().get_formset(request, obj, **kwargs)
        formset.propose, formset.added_rows = propose, added
        if propose and not getattr(request, "_shares_proposed", False):
            request._shares_proposed = True
            messages.info(
                request,
                _(
                    "Where percentages were missing, an even split is proposed. Check it, "
                    "change what you know better, and save to confirm: nothing is saved "
                    "until you do."
                ),
            )
        return formset


def admin_file_url(obj, field: str, name: str) -> str:
    """The admin's download of the stored file ``name`` of ``obj`` (its live file, one of a
    version in its history, or one a pending revision proposes)."""
    if obj is None or obj.pk is None or not name:
        return ""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_file", args=[quote(obj.pk), field])
    return f"{url}?{urlencode({'name': name})}"


class _FileLink:
    """What the admin's file input shows: the stored name, linked to the admin's download."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self):
        return self.name


class ContentFileWidget(AdminFileWidget):
    """The file input of a content file: "Currently: <name>" links to that very file through the
    admin (a draft's, or an old version's on a history page), never to a storage address."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            url = admin_file_url(value.instance, value.field.name, value.name)
            context["widget"]["value"] = _FileLink(value.name, url)
        return context


class HistoryAdmin(SimpleHistoryAdmin):
    """Every model admin: change history with who, when and what changed, and revert."""

    history_list_display = ["changed_fields"]
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        files.ContentFileField: {"widget": ContentFileWidget},
    }

    def content_owner(self, obj):
        """The publishable item ``obj`` is a row of, if any (see ``OwnedRowAdmin``)."""
        return None

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting is a change: refused to whoever may not change the row (simple-history
        asks only for the permission to view it)."""
        if request.method == "POST" and not self.has_change_permission(
            request, self.get_object(request, object_id)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    # Every save and delete, of the item and of its inline rows, goes through the services
    # (the form has validated it already): the same permission and review rules, and the same
    # history, as the API and the importers.
    def save_model(self, request, obj, form, change):
        services.content_save(obj, user=request.user, owner=self.content_owner(obj), clean=False)

    def delete_model(self, request, obj):
        services.content_delete(obj, user=request.user, owner=self.content_owner(obj))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        owner = form.instance
        for obj in formset.save(commit=False):
            services.content_save(obj, user=request.user, owner=owner, clean=False)
        for obj in formset.deleted_objects:
            services.content_delete(obj, user=request.user, owner=owner)
        formset.save_m2m()

    @admin.display(description=_("fields changed"))
    def changed_fields(self, historical_record):
        previous = historical_record.prev_record
        if previous is None:
            return _("created")
        delta = historical_record.diff_against(previous)
        return ", ".join(change.field for change in delta.changes) or "—"


class ReferenceAdmin(HistoryAdmin):
    """Reference data without a workflow (countries, cities, organisations), shown on public
    pages as it is: Editors add rows and change those nothing public uses yet; a row that
    published content uses is read-only but for whoever has ``change_used_<model>``
    (Publishers)."""

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.has_perm(change_used_permission(type(obj))):
            return True
        return not used_by_public_content(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None and not self.has_change_permission(request, obj):
            self.message_user(
                request,
                _(
                    "Published content shows this %(kind)s: only a Publisher may change it. "
                    "Ask one, or add a new %(kind)s."
                )
                % {"kind": obj._meta.verbose_name},
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)


class OwnedRowAdmin(HistoryAdmin):
    """Rows that belong to a publishable item (a programme's partners and activities, a JWP's
    members and phases), in lists of their own. A row of a published item is part of what the
    public sees: whoever may not publish the item reads it here, and changes it in the item's
    own form, where the change becomes a revision for review."""

    owner_field: str

    def content_owner(self, obj):
        return getattr(obj, self.owner_field, None)

    def form_owner(self, cleaned_data):
        """The owner a form's data names (the row is not built from it yet)."""
        return cleaned_data.get(self.owner_field)

    def _owner_needs_review(self, request, obj) -> bool:
        owner = self.content_owner(obj) if obj is not None else None
        return owner is not None and services.needs_review(obj=owner, user=request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._owner_needs_review(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._owner_needs_review(
            request, obj
        )

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        form_owner = self.form_owner

        class OwnerChecked(form_class):
            def clean(self):
                cleaned = super().clean()
                owner = form_owner(cleaned)
                if owner is not None and services.needs_review(obj=owner, user=request.user):
                    raise ValidationError(
                        _(
                            "“%(owner)s” is published: add or change its rows in its own form, "
                            "where the change goes to a Publisher for review."
                        )
                        % {"owner": owner}
                    )
                return cleaned

        return OwnerChecked


class PublishableAdmin(HistoryAdmin):
    """Workflow state is read-only in forms: only the actions (and so the services) change it.

    That includes a revert from the history page, which saves an old version through the
    change form: it restores the content, never the old publication state.
    """

    actions = ["submit_for_review", "publish", "unpublish", "send_back"]
    workflow_fieldset = (
        _("Publication"),
        {"fields": WORKFLOW_FIELDS, "classes": ("collapse",)},
    )

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *WORKFLOW_FIELDS)

    def get_urls(self):
        if not self._file_fields():
            return super().get_urls()
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/file/<str:field>/",
                self.admin_site.admin_view(require_safe(self.file_view)),
                name=f"{opts.app_label}_{opts.model_name}_file",
            ),
            *super().get_urls(),
        ]

    def _file_fields(self) -> set[str]:
        return {name for model, name in files.content_file_fields() if model is self.model}

    def file_view(self, request, object_id, field):
        """A file of the item to whoever may view the item here, published or not: the live
        one, or (``?name=``) one of a version in its history or of a pending revision."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or field not in self._file_fields():
            raise Http404
        if not self.has_view_permission(request, obj):
            raise Http404  # as for an item that does not exist: nothing said about it
        name = request.GET.get("name") or getattr(obj, field).name
        if not files.item_refers_to(obj, field, name):
            raise Http404
        model_field = obj._meta.get_field(field)
        stored = model_field.attr_class(obj, model_field, name)
        return files.file_response(stored, title=str(obj), public=False)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self.fieldsets is None:
            # Django's default single fieldset already lists the read-only workflow fields.
            return fieldsets
        return [*fieldsets, self.workflow_fieldset]

    def save_model(self, request, obj, form, change):
        if change and services.needs_review(obj=obj, user=request.user):
            # Written in save_related, with the inlines, as a pending revision.
            request._propose_revision = True
            return
        self._save_content(request, obj, form, change)

    def _save_content(self, request, obj, form, change):
        if change:
            columns = [obj._meta.get_field(name).attname for name in WORKFLOW_FIELDS]
            current = type(obj).objects.filter(pk=obj.pk).values(*columns).first() or {}
            for column, value in current.items():
                setattr(obj, column, value)
        else:
            obj.status = PublicationStatus.DRAFT
            obj.published_at = None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not getattr(request, "_propose_revision", False):
            return super().save_related(request, form, formsets, change)
        obj = form.instance

        def write():
            self._save_content(request, obj, form, change)
            super(PublishableAdmin, self).save_related(request, form, formsets, change)

        request._revision = services.revision_propose(obj=obj, user=request.user, write=write)

    def log_change(self, request, obj, message):
        if getattr(request, "_propose_revision", False):
            message = [{"changed": {"fields": ["(proposed as a revision for review)"]}}]
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if not getattr(request, "_propose_revision", False):
            return super().response_change(request, obj)
        revision = getattr(request, "_revision", None)
        if revision is None:
            self.message_user(request, _("Nothing changed."), messages.INFO)
            return HttpResponseRedirect(request.path)
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _(
                    "This item is published: your change is a pending revision. The public "
                    "sees the live version until a Publisher approves it."
                ),
                reverse("admin:publishing_revision_change", args=[revision.pk]),
                _("See the revision"),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(request.path)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting a published item would change it at once (simple-history saves the old
        version straight onto it): refused to whoever may not publish it."""
        obj = self.get_object(request, object_id)
        if (
            request.method == "POST"
            and obj is not None
            and services.needs_review(obj=obj, user=request.user)
        ):
            self.message_user(
                request,
                _(
                    "This item is published: only a Publisher may revert it. Edit it instead, "
                    "and your change goes to a Publisher for review."
                ),
                messages.ERROR,
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and object_id:
            obj = self.get_object(request, object_id)
            revision = services.pending_revision(obj) if obj is not None else None
            if revision is not None:
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _(
                            "A change proposed by %(author)s waits for review; the form shows "
                            "the live version, and saving it replaces that proposal."
                        )
                        % {"author": revision.created_by or _("someone")},
                        reverse("admin:publishing_revision_change", args=[revision.pk]),
                        _("See the proposed change"),
                    ),
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm(self.model.publish_permission()):
            for name in ("publish", "unpublish", "send_back"):
                actions.pop(name, None)
        return actions

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="{} ca-strong">{}</span>',
            STATUS_CLASSES[obj.status],
            obj.get_status_display(),
        )

    def _transition(self, request, queryset, service, done_message):
        done = 0
        for obj in queryset:
            try:
                service(obj=obj, user=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{obj}: {error}", messages.ERROR)
                return
            except ValidationError as error:
                self.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Submit selected items for review"))
    def submit_for_review(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.publication_submit,
            lambda n: (
                ngettext("%d item submitted for review.", "%d items submitted for review.", n) % n
            ),
        )

    @admin.action(description=_("Publish selected items"))
    def publish(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.publication_publish,
            lambda n: ngettext("%d item published.", "%d items published.", n) % n,
        )

    @admin.action(description=_("Unpublish selected items"))
    def unpublish(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.publication_unpublish,
            lambda n: ngettext("%d item unpublished.", "%d items unpublished.", n) % n,
        )

    @admin.action(description=_("Send selected items back to draft"))
    def send_back(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.publication_send_back,
            lambda n: (
                ngettext("%d item sent back to draft.", "%d items sent back to draft.", n) % n
            ),
        )


@admin.register(Document)
class DocumentAdmin(PublishableAdmin):
    list_display = ["title", "language", "status_badge", "published_at", "updated_at"]
    list_filter = ["status", "language"]
    search_fields = ["title", "summary"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [(None, {"fields": ["title", "slug", "summary", "file", "language"]})]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Pending revisions: the change against the live item, field by field and row by row, with
    Approve and Reject for whoever may publish the item. Nobody adds, edits or deletes one
    here: revisions come from edits of published items."""

    list_display = ["item_title", "kind", "status", "created_by", "updated_at", "decided_by"]
    list_filter = ["status", "content_type"]
    list_select_related = ["content_type", "created_by", "decided_by"]
    date_hierarchy = "updated_at"
    change_form_template = "admin/publishing/revision/review.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided with the buttons of the review page, not through a form

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("item")

    @admin.display(description=_("item"))
    def item_title(self, obj):
        return str(obj.item) if obj.item is not None else f"#{obj.object_id}"

    @admin.display(description=_("kind"), ordering="content_type")
    def kind(self, obj):
        model = obj.content_type.model_class()
        return model._meta.verbose_name if model else obj.content_type.model

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, object_id)
        if revision is None or not self.has_view_permission(request, revision):
            return super().change_view(request, object_id, form_url, extra_context)
        may_decide = request.user.has_perm(revision.model.publish_permission())
        if request.method == "POST":
            return self._decide(request, revision, may_decide=may_decide)
        live = revision.item
        conflicts = (
            services.revision_conflicts(revision)
            if live is not None and revision.status == RevisionStatus.PENDING
            else set()
        )
        changes = revisions.describe(revision.model, revision.base, revision.proposed)
        self._link_files(live, revision, changes)
        opts = revision.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": str(revision),
            "opts": self.model._meta,
            "revision": revision,
            "live": live,
            "live_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[live.pk])
            if live is not None
            else "",
            "changes": changes,
            "conflicts": conflicts,
            "may_decide": may_decide and revision.status == RevisionStatus.PENDING,
            "has_view_permission": True,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.change_form_template, context)

    @staticmethod
    def _link_files(live, revision, changes) -> None:
        """A changed file, live and proposed, links to the admin's download of it: the
        Publisher sees the new file before approving it."""
        if live is None:
            return
        fields = {name for model, name in files.content_file_fields() if model is revision.model}
        for change in changes:
            field = change.part.removeprefix("fields.")
            if field not in fields:
                continue
            before = revision.base["fields"].get(field) or ""
            after = revision.proposed["fields"].get(field) or ""
            if files.item_refers_to(live, field, before):
                change.before_url = admin_file_url(live, field, before)
            if files.item_refers_to(live, field, after):
                change.after_url = admin_file_url(live, field, after)

    def _decide(self, request, revision, *, may_decide: bool):
        if not may_decide:
            raise PermissionDenied
        try:
            if "_approve" in request.POST:
                services.revision_approve(revision=revision, user=request.user)
                self.message_user(request, _("Approved: the change is live."), messages.SUCCESS)
            elif "_reject" in request.POST:
                services.revision_reject(
                    revision=revision, user=request.user, comment=request.POST.get("comment", "")
                )
                self.message_user(
                    request, _("Rejected: the editor has your comment."), messages.SUCCESS
                )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(request.path)


def review_desk(request):
    """/admin/review/: every queue of the review desk, with its count and its action."""
    from .review import review_queues

    context = {
        **admin.site.each_context(request),
        "title": _("Review desk"),
        "queues": review_queues(request.user),
    }
    return TemplateResponse(request, "admin/review_desk.html", context)
