from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from jwp.models import Output
from jwp.selectors import with_output_relations


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose summaries are ``type="text"``: an editor's summary is plain text, and sent as
    ``type="html"`` a feed reader would render markup in it (``<img onerror=...>``)."""

    def add_item_elements(self, handler, item):
        description = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if description:
            handler.addQuickElement("summary", description, {"type": "text"})


class OutputFeed(Feed):
    """The newest published outputs, newest publication first."""

    feed_type = PlainTextAtomFeed
    title = _("Cities Alliance Portfolio: new outputs")
    subtitle = _("Knowledge products from the Cities Alliance portfolio as they are published.")
    link = reverse_lazy("output-list")

    def items(self):
        return with_output_relations(Output.objects.public()).order_by("-published_at")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
