from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from publishing.files import file_response
from publishing.paging import ListPaginator
from publishing.preview import may_preview

from . import selectors
from .filters import OutputFilter
from .models import JointWorkProgramme, Output

LABELS = {
    "search": gettext_lazy("Search"),
    "kind": gettext_lazy("Kind"),
    "theme": gettext_lazy("Theme"),
    "year": gettext_lazy("Year"),
    "jwp": gettext_lazy("Joint Work Programme"),
    "programme": gettext_lazy("Programme"),
}


def jwp_list(request):
    return render(request, "jwp/jointworkprogramme_list.html", {"jwps": selectors.jwp_list()})


def jwp_detail(request, slug):
    try:
        jwp = selectors.jwp_detail(
            slug=slug, public=not may_preview(request.user, JointWorkProgramme)
        )
    except JointWorkProgramme.DoesNotExist:
        raise Http404(_("No published Joint Work Programme here.")) from None
    members = list(jwp.memberships.all())
    return render(
        request,
        "jwp/jointworkprogramme_detail.html",
        {
            "jwp": jwp,
            "lead": next((m.organisation for m in members if m.is_lead), None),
            "members": [m.organisation for m in members if not m.is_lead],
            "outputs_without_phase": [o for o in jwp.published_outputs if o.phase_id is None],
            "preview": not jwp.is_published,
            "structured_data": {
                "@context": "https://schema.org",
                "@type": "Project",
                "name": jwp.title,
                "description": jwp.summary,
                "url": request.build_absolute_uri(jwp.get_absolute_url()),
                "identifier": jwp.iati_identifier,
                "member": [{"@type": "Organization", "name": m.organisation.name} for m in members],
            },
        },
    )


def _output_filters(request) -> QueryDict:
    """The knowledge library's filters (``q`` is the site's name for ``search``); the bad ones
    are named in a message and left out."""
    data = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        target = "search" if name == "q" else name
        if target in OutputFilter.base_filters and target != "ordering":
            data.setlist(target, values)
    try:
        selectors.output_vocabulary(data)
    except ValidationError as error:
        messages.warning(
            request,
            _("Some filters could not be used and were ignored: %(fields)s.")
            % {"fields": ", ".join(str(LABELS.get(name, name)) for name in error.message_dict)},
        )
        for name in error.message_dict:
            data.pop(name, None)
    return data


def output_list(request):
    data = _output_filters(request)
    queryset = selectors.output_list(filters=data)
    page = ListPaginator(queryset, 24).get_page(request.GET.get("page"))
    selected = {
        name: [item for value in data.getlist(name) for item in value.split(",")] for name in data
    }
    return render(
        request,
        "jwp/output_list.html",
        {
            "page": page,
            "facets": selectors.output_facets(filters=data, selected=selected),
            "facet_labels": LABELS,
            "query": data.get("search", ""),
            "is_filtered": bool(data),
        },
    )


def _get_output(slug, *, public: bool) -> Output:
    try:
        return selectors.output_detail(slug=slug, public=public)
    except Output.DoesNotExist:
        raise Http404(_("No published output here.")) from None


def output_detail(request, slug):
    output = _get_output(slug, public=not may_preview(request.user, Output))
    return render(
        request, "jwp/output_detail.html", {"output": output, "preview": not output.is_published}
    )


@require_safe
def output_download(request, slug):
    """The output's file, when the output is public (or to staff who may preview it)."""
    public = not may_preview(request.user, Output)
    output = _get_output(slug, public=public)
    return file_response(output.file, title=output.title, public=public)
