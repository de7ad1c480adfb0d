from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from jwp.models import Output
from jwp.selectors import with_output_relations


class OutputFeed(Feed):
    """The newest published outputs, newest publication first."""

    feed_type = Atom1Feed
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
