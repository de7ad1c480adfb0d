"""Query-string helpers: the whole state of a list lives in its URL."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

register = template.Library()


def _params(request) -> list[tuple[str, str]]:
    return [(key, value) for key, values in request.GET.lists() for value in values]


@register.simple_tag(takes_context=True)
def toggle_param(context, name, value):
    """The current query string with ``name=value`` added or removed, back on page 1."""
    value = str(value)
    params = [(k, v) for k, v in _params(context["request"]) if k != "page"]
    if (name, value) in params:
        params.remove((name, value))
    else:
        params.append((name, value))
    return "?" + urlencode(params) if params else "?"


@register.simple_tag(takes_context=True)
def replace_param(context, name, value):
    """The current query string with ``name`` set to ``value`` (removed when empty)."""
    params = [(k, v) for k, v in _params(context["request"]) if k != name]
    if name != "page":
        params = [(k, v) for k, v in params if k != "page"]
    if value not in ("", None):
        params.append((name, str(value)))
    return "?" + urlencode(params) if params else "?"


@register.simple_tag(takes_context=True)
def current_query(context):
    params = [(k, v) for k, v in _params(context["request"]) if k != "page"]
    return "?" + urlencode(params) if params else ""


@register.filter
def money(value, currency=""):
    if value is None:
        return ""
    return f"{currency} {value:,.0f}".strip()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def json_ld(data):
    """A schema.org JSON-LD script. ``<``, ``>`` and ``&`` are escaped so text in the data can
    never close the script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for char, escape in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
