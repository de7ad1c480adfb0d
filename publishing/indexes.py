"""An index in the order of a list's ``ORDER BY ... NULLS LAST``."""

from django.db import models
from django.db.models.expressions import OrderBy


class OrderingIndex(models.Index):
    """``models.Index`` whose expressions may say where NULLs go (``F("budget").desc(
    nulls_last=True)``), so that PostgreSQL reads a list's ordering straight from the index.
    SQLite (the zero-setup database of ``make run``) cannot say it in ``CREATE INDEX``: there
    the same index is made without the NULLs' place."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        _path, expressions, options = self.deconstruct()
        plain = [
            OrderBy(expression.expression, descending=expression.descending)
            if isinstance(expression, OrderBy)
            else expression
            for expression in expressions
        ]
        return models.Index(*plain, **options).create_sql(
            model, schema_editor, using=using, **kwargs
        )
