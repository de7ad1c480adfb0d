"""Staff writes on publishable content through the API, shared by the programme and output
endpoints.

- ``StaffWriteMixin``: POST on the list creates, PUT/PATCH on the detail update. The body goes
  through a plain ``WriteSerializer`` into the app's service; the answer is the item as the
  read detail serializer shows it. There is no DELETE.
- ``WorkflowActionsMixin``: POST ``submit/``, ``publish/``, ``unpublish/``, ``send-back/`` on the
  detail, calling ``publishing.services``, the only code that changes the publication state.

Writes never set the workflow fields: a body that contains ``status`` (or any other key the
serializer cannot write) is a 400 naming it, rather than a change silently dropped.
"""

from collections.abc import Callable, Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from publishing import revisions, services
from publishing.models import WORKFLOW_FIELDS, Revision
from publishing.roles import EDITORS, PUBLISHERS

from .permissions import ReadOnlyOrStaffWrite

WORKFLOW_MESSAGE = (
    "Read-only: the publication state changes only through the actions submit/, publish/, "
    "unpublish/ and send-back/ of this item."
)


class WriteSerializer(serializers.Serializer):
    """A plain serializer for a service's ``data``, strict about keys: each key it cannot
    write is an error naming it, so a client learns that a field was not saved.

    ``refused_fields`` gives a better message for keys a client is likely to send."""

    refused_fields: Mapping[str, str] = {}

    def to_internal_value(self, data):
        refused = self._refused_keys(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if refused and isinstance(error.detail, Mapping):
                raise serializers.ValidationError({**error.detail, **refused}) from None
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def _refused_keys(self, data: Mapping) -> dict[str, list[str]]:
        writable = [name for name, field in self.fields.items() if not field.read_only]
        refused = {}
        for key in data:
            if key in writable:
                continue
            if key in WORKFLOW_FIELDS:
                refused[key] = [WORKFLOW_MESSAGE]
            elif key in self.refused_fields:
                refused[key] = [self.refused_fields[key]]
            else:
                refused[key] = [
                    f"Unknown or read-only field. Writable fields: {', '.join(writable)}."
                ]
        return refused


class APIErrorSerializer(serializers.Serializer):
    """The body of every error answer (documentation only)."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="400 only: the messages for each field or parameter, by name.",
    )


class _RowChangeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["added", "removed", "changed"])
    row = serializers.CharField()
    fields = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="[label, before, after] for each field of the row that differs.",
    )


class _ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()
    rows = _RowChangeSerializer(many=True)


class _RevisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    proposed_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField()
    review_url = serializers.URLField()
    changes = _ChangeSerializer(many=True)


class PendingRevisionSerializer(serializers.Serializer):
    """The answer to an edit of a published item by someone who may not publish it
    (documentation only)."""

    detail = serializers.CharField()
    revision = _RevisionSerializer()


def api_errors(error: DjangoValidationError, *, names: Mapping[str, str] | None = None) -> dict:
    """A service's ValidationError as ``{field: [messages]}``, with the API's field names
    (``names`` maps model field -> API field) and DRF's key for non-field errors."""
    names = {NON_FIELD_ERRORS: api_settings.NON_FIELD_ERRORS_KEY, **(names or {})}
    detail = serializers.as_serializer_error(error)
    return {names.get(key, key): value for key, value in detail.items()}


class StaffWriteMixin:
    """Create and update through a service. The viewset sets ``write_serializer_class`` and
    implements ``create_item(data)`` and ``update_item(instance, data)``."""

    write_serializer_class: type[WriteSerializer] | None = None

    def create_item(self, data: dict):
        raise NotImplementedError

    def update_item(self, instance, data: dict):
        raise NotImplementedError

    def get_serializer_class(self):
        # By method as well as action: the browsable API and OPTIONS build their forms for
        # POST/PUT/PATCH from a "list" or "retrieve" view.
        method = getattr(self.request, "method", None)
        if method in ("POST", "PUT", "PATCH") and self.action not in WORKFLOW_ACTIONS:
            return self.write_serializer_class
        return super().get_serializer_class()

    @property
    def writing(self) -> bool:
        """A write has passed the permission check: the writer finds and reads back what
        they write, drafts included, even without the view permission."""
        return self.request.method not in permissions.SAFE_METHODS

    def visible(self, queryset):
        return queryset if self.writing else super().visible(queryset)

    def read_back(self, obj) -> dict:
        """``obj`` as the read detail serializer shows it, read again with its prefetches."""
        obj = self.get_queryset().get(pk=obj.pk)
        serializer_class = self.detail_serializer_class or self.serializer_class
        return serializer_class(obj, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self._call_service(serializer, self.create_item, serializer.validated_data)
        data = self.read_back(obj)
        # A plain str: the URL field gives a str subclass, which WSGI servers (runserver's
        # wsgiref among them) refuse as a header value.
        headers = {"Location": str(data[api_settings.URL_FIELD_NAME])}
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        result = services.edit(
            obj=instance,
            user=request.user,
            write=lambda: self._call_service(
                serializer, self.update_item, instance, serializer.validated_data
            ),
        )
        if result is None:  # an edit of a published item that changes nothing
            return Response(self.read_back(instance))
        if isinstance(result, Revision):
            # The live item stays as it is until a Publisher approves the change.
            return Response(revision_body(result, request=request), status=status.HTTP_202_ACCEPTED)
        return Response(self.read_back(result))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def _call_service(self, serializer, service: Callable, *args):
        try:
            return service(*args)
        except DjangoValidationError as error:
            names = {
                field.source: name
                for name, field in serializer.fields.items()
                if field.source not in ("*", name)
            }
            raise exceptions.ValidationError(api_errors(error, names=names)) from None


def revision_body(revision: Revision, *, request) -> dict:
    """A pending revision as the API answers an Editor's edit of a published item: what it
    changes, field by field, and where a Publisher reviews it."""
    changes = revisions.describe(revision.model, revision.base, revision.proposed)
    return {
        "detail": (
            "Saved as a pending revision: the published item stays as it is until a "
            "Publisher approves the change."
        ),
        "revision": {
            "id": revision.pk,
            "status": revision.status,
            "proposed_by": revision.created_by.get_username() if revision.created_by else None,
            "updated_at": revision.updated_at.isoformat(),
            "review_url": request.build_absolute_uri(
                reverse("admin:publishing_revision_change", args=[revision.pk])
            ),
            "changes": [
                {
                    "field": change.part.partition(".")[2],
                    "label": change.label,
                    "before": change.before,
                    "after": change.after,
                    "rows": [
                        {"action": row.action, "row": row.label, "fields": row.fields}
                        for row in change.rows
                    ],
                }
                for change in changes
            ],
        },
    }


class WorkflowActionPermission(ReadOnlyOrStaffWrite):
    """Staff with the permission the transition needs: the change permission to submit, the
    model's publish permission for the others. Refused before the item is looked up, with a
    message that names the permission."""

    perms_map = {**ReadOnlyOrStaffWrite.perms_map, "POST": []}

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if view.action not in TRANSITIONS:  # a GET on an action's URL: 405 follows
            return True
        if request.user.has_perm(_required_permission(view.action, view.model)):
            return True
        self.message = _refusal(view.action, view.model)
        return False


# action -> (service, verb: "may not <verb> this item", doing: "<doing> needs the permission")
TRANSITIONS = {
    "submit": (services.publication_submit, "submit", "Submitting for review"),
    "publish": (services.publication_publish, "publish", "Publishing"),
    "unpublish": (services.publication_unpublish, "unpublish", "Unpublishing"),
    "send_back": (services.publication_send_back, "send back", "Sending back to draft"),
}
WORKFLOW_ACTIONS = frozenset(TRANSITIONS)


class WorkflowActionsMixin:
    """POST on the detail moves the item through the workflow; the answer is the item.

    403 says which permission the transition needs (an Editor may submit but not publish);
    400 names the transition that is not possible from the item's current state. Goes with
    ``StaffWriteMixin``, for its ``read_back`` and its lookup that finds drafts."""

    @action(detail=True, methods=["post"], permission_classes=[WorkflowActionPermission])
    def submit(self, request, *args, **kwargs):
        return self._transition("submit")

    @action(detail=True, methods=["post"], permission_classes=[WorkflowActionPermission])
    def publish(self, request, *args, **kwargs):
        return self._transition("publish")

    @action(detail=True, methods=["post"], permission_classes=[WorkflowActionPermission])
    def unpublish(self, request, *args, **kwargs):
        return self._transition("unpublish")

    @action(
        detail=True,
        methods=["post"],
        url_path="send-back",
        permission_classes=[WorkflowActionPermission],
    )
    def send_back(self, request, *args, **kwargs):
        return self._transition("send_back")

    def _transition(self, name: str) -> Response:
        service, verb, _doing = TRANSITIONS[name]
        obj = self.get_object()
        noun = obj._meta.verbose_name
        try:
            service(obj=obj, user=self.request.user)
        except DjangoPermissionDenied:
            raise exceptions.PermissionDenied(_refusal(name, type(obj))) from None
        except DjangoValidationError as error:
            # A transition the current state does not allow is a non-field error; it is
            # reported under "status". Invalid content (publishing runs full_clean) keeps
            # its field names.
            errors = api_errors(error) if hasattr(error, "error_dict") else {}
            errors = errors or {"status": error.messages}
            raise exceptions.ValidationError(
                {
                    "detail": f"Cannot {verb} this {noun}: {' '.join(error.messages)}",
                    "errors": errors,
                }
            ) from None
        return Response(self.read_back(obj))


def _required_permission(name: str, model) -> str:
    if name == "submit":
        return f"{model._meta.app_label}.change_{model._meta.model_name}"
    return model.publish_permission()


def _refusal(name: str, model) -> str:
    _service, verb, doing = TRANSITIONS[name]
    groups = (
        f"the {EDITORS} and {PUBLISHERS} groups have"
        if name == "submit"
        else (f"the {PUBLISHERS} group has")
    )
    return (
        f"Your account may not {verb} this {model._meta.verbose_name}: {doing.lower()} needs "
        f"the permission “{_required_permission(name, model)}”, which {groups}."
    )


def staff_write_schemas(*, noun: str, write_serializer, detail_serializer, notes: str = "") -> dict:
    """``extend_schema_view`` arguments documenting the writes and the workflow actions of an
    endpoint: ``@extend_schema_view(**staff_write_schemas(...))``."""
    auth = (
        "Staff only: a token (`Authorization: Token <key>`) or a session of a staff account "
        f"with the permission to add or change {noun}s."
    )
    action_auth = (
        "Staff only: a token or a session of a staff account; each transition checks its own "
        "permission."
    )
    errors = {
        401: OpenApiResponse(APIErrorSerializer, description="No credentials or a bad token."),
        403: OpenApiResponse(APIErrorSerializer, description="Not allowed, and why."),
    }
    invalid = OpenApiResponse(
        APIErrorSerializer, description="Invalid body: `errors` names each field."
    )
    not_found = OpenApiResponse(APIErrorSerializer, description=f"No such {noun}.")
    writing = (
        f"{auth} Related items are given by slug. Any key that cannot be written, such as "
        "`status`, is a 400 naming it: the publication state changes only through the "
        f"workflow actions. An edit of a published {noun} by someone without the publish "
        "permission changes nothing live: it is answered 202 with the pending revision a "
        f"Publisher approves or rejects. {notes}"
    ).strip()
    pending = OpenApiResponse(
        PendingRevisionSerializer,
        description=f"The {noun} is published: the edit waits for a Publisher's review.",
    )
    schemas = {
        "create": extend_schema(
            summary=f"Create a {noun}",
            description=f"The new {noun} is a draft. {writing}",
            request=write_serializer,
            responses={201: detail_serializer, 400: invalid, **errors},
        ),
        "update": extend_schema(
            summary=f"Replace a {noun}",
            description=(
                f"Fields left out take their default (empty lists, blank text, null). {writing}"
            ),
            request=write_serializer,
            responses={
                200: detail_serializer,
                202: pending,
                400: invalid,
                **errors,
                404: not_found,
            },
        ),
        "partial_update": extend_schema(
            summary=f"Change some fields of a {noun}",
            description=f"Fields left out, lists included, stay as they are. {writing}",
            request=write_serializer,
            responses={
                200: detail_serializer,
                202: pending,
                400: invalid,
                **errors,
                404: not_found,
            },
        ),
    }
    descriptions = {
        "submit": "Draft → in review. Needs the permission to change the item (Editors).",
        "publish": ("Draft or in review → published. Needs the publish permission (Publishers)."),
        "unpublish": "Published → draft. Needs the publish permission (Publishers).",
        "send_back": "In review → draft. Needs the publish permission (Publishers).",
    }
    for name, description in descriptions.items():
        _service, verb, _doing = TRANSITIONS[name]
        schemas[name] = extend_schema(
            operation_id=f"{noun}s_{name}",
            summary=f"{verb.capitalize()} a {noun}",
            description=f"{description} {action_auth}",
            request=None,
            responses={
                200: detail_serializer,
                400: OpenApiResponse(
                    APIErrorSerializer,
                    description="Not possible from the current state; `detail` names the "
                    "transition.",
                ),
                **errors,
                404: not_found,
            },
        )
    return schemas
