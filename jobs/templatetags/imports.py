"""Template filters of the bulk-import pages."""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# What diff-match-patch (import-export's preview) writes around a change; the text inside is
# escaped by it, so an attribute cannot come from a cell.
_DIFF_STYLE = re.compile(r'<(ins|del) style="background:#[0-9a-f]{6};">')


@register.filter
def without_inline_style(html: str) -> str:
    """A preview cell without the inline styles the Content-Security-Policy refuses; the admin
    stylesheet colours ``ins`` and ``del`` instead."""
    return mark_safe(_DIFF_STYLE.sub(r"<\1>", str(html)))  # noqa: S308 - see _DIFF_STYLE
