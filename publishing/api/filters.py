"""Filtering with an explicit allow-list: an unknown parameter or a malformed value is a 400
that names it, never silently ignored, never a 500. The filters themselves are the apps'
vocabularies (``programmes.filters``, ``jwp.filters``), shared with the site and the exports."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions

# Parameters every list understands, besides its FilterSet's.
COMMON_PARAMETERS = {"page", "page_size", "paginate", "cursor", "ordering", "format"}


def filter_parameters(request):
    """The query parameters that are filters (everything but paging and format)."""
    parameters = request.query_params.copy()
    for name in COMMON_PARAMETERS - {"ordering"}:
        parameters.pop(name, None)
    return parameters


class StrictFilterBackend(DjangoFilterBackend):
    """Refuses unknown parameters, then filters with the view's FilterSet, unless the view's
    own selector applies the vocabulary (``filtered_by_selector``)."""

    def filter_queryset(self, request, queryset, view):
        allowed = set(COMMON_PARAMETERS)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        allowed |= set(getattr(view, "extra_query_parameters", ()))
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise exceptions.ValidationError(
                {
                    name: [f"Unknown parameter. Allowed here: {', '.join(sorted(allowed))}."]
                    for name in unknown
                }
            )
        if getattr(view, "filtered_by_selector", False):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        # Slugs of related items are checked against what the caller may see.
        return {**super().get_filterset_kwargs(request, queryset, view), "viewer": request.user}
