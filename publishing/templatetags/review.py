"""``{% review_queues_for user as queues %}``: the review desk's counts (publishing.review)."""

from django import template

from publishing.review import review_queues

register = template.Library()


@register.simple_tag
def review_queues_for(user):
    return review_queues(user)
