"""Cells of a bulk-import spreadsheet to values (django-import-export widgets): each with an
error that says what is wrong with the cell and how to write it, and keys people know (a slug,
an ISO code, a code or its label) instead of database ids.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from import_export import widgets

from jwp.models import Phase

LIST_SEPARATOR = re.compile(r"[;,]")


class IsoDateWidget(widgets.DateWidget):
    """A date as YYYY-MM-DD, or a date cell of a spreadsheet."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": value}
            ) from None


class AmountWidget(widgets.DecimalWidget):
    """A plain number such as ``1500000.50``: no currency sign, no thousands separator (a
    comma could be either a thousands or a decimal separator, so none is guessed)."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ValueError(
                _("“%(value)s” is not a number: write it as 1500000.50.") % {"value": value}
            )
        return amount


class ChoiceWidget(widgets.CharWidget):
    """One of a field's choices, by its code (``2``) or its label (``Implementation``), in any
    case; stored as the code."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return text
        wanted = text.casefold()
        for code, label in self.choices:
            if wanted in (str(code).casefold(), str(label).casefold()):
                return code
        codes = [str(code) for code, _label in self.choices]
        allowed = ", ".join(codes) if len(codes) <= 12 else _("a code such as %s") % codes[0]
        raise ValueError(
            _("“%(value)s” is not allowed here. Use %(allowed)s.")
            % {"value": text, "allowed": allowed}
        )


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """One related item by a key people know, such as an instrument's slug."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(self.not_found(value, row)) from None

    def not_found(self, value, row) -> str:
        return _("No %(model)s has the %(key)s “%(value)s”.") % {
            "model": self.model._meta.verbose_name,
            "key": self.model._meta.get_field(self.field).verbose_name,
            "value": value,
        }


class PhaseWidget(NaturalKeyWidget):
    """A phase by its number within the row's JWP (the ``jwp`` column)."""

    def __init__(self, **kwargs):
        super().__init__(Phase, "number", **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return Phase.objects.filter(jwp__slug=(row or {}).get("jwp") or "")

    def not_found(self, value, row) -> str:
        return _("The JWP “%(jwp)s” has no phase %(number)s.") % {
            "jwp": (row or {}).get("jwp") or "",
            "number": value,
        }


class NaturalKeyListWidget(widgets.ManyToManyWidget):
    """Several related items by their keys, separated by ``;`` (or ``,``). Every key must
    exist: an unknown one is an error that names it, never silently dropped."""

    def __init__(self, model, field, *, upper=False, **kwargs):
        super().__init__(model, separator=";", field=field, **kwargs)
        self.upper = upper

    def keys(self, value) -> list[str]:
        if value in (None, ""):
            return []
        keys = [key.strip() for key in LIST_SEPARATOR.split(str(value))]
        return list(dict.fromkeys(key.upper() if self.upper else key for key in keys if key))

    def clean(self, value, row=None, **kwargs):
        keys = self.keys(value)
        found = {
            getattr(item, self.field): item
            for item in self.model.objects.filter(**{f"{self.field}__in": keys})
        }
        unknown = [key for key in keys if key not in found]
        if unknown:
            raise ValueError(
                _("Unknown %(model)s: %(keys)s.")
                % {"model": self.model._meta.verbose_name_plural, "keys": ", ".join(unknown)}
            )
        return [found[key] for key in keys]


def normalised(value):
    """Cell values as people mean them: text without surrounding spaces, and whole numbers
    that a spreadsheet stores as floats (2.0) as whole numbers."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def header_name(value) -> str:
    return "" if value is None else str(value).strip().lower()
