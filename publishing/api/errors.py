"""Error bodies that say what went wrong: ``{"detail": ..., "errors": {parameter: [...]}}``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_400_BAD_REQUEST and not (
        isinstance(response.data, dict) and "detail" in response.data
    ):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        errors = {name: _messages(value) for name, value in errors.items()}
        names = ", ".join(errors)
        response.data = {"detail": f"Invalid request: {names}.", "errors": errors}
    return Response(response.data, status=response.status_code, headers=_headers(response))


def _messages(value, path: str = "") -> list[str]:
    """The messages of one parameter as a flat list; those of nested items (the rows of a
    list, the fields of a row) say where: ``[0].country: This field is required.``"""
    if isinstance(value, dict):
        return [m for key, item in value.items() for m in _messages(item, f"{path}.{key}")]
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return [f"{path.lstrip('.')}: {item}" if path else str(item) for item in value]
        return [
            m
            for index, item in enumerate(value)
            if item
            for m in _messages(item, f"{path}[{index}]")
        ]
    return [f"{path.lstrip('.')}: {value}" if path else str(value)]


def _headers(response):
    return {key: value for key, value in response.items() if key.lower() != "content-type"}
