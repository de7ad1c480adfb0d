import mimetypes
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from programmes.views import can_preview

from . import selectors
from .models import JointWorkProgramme, Output


def jwp_list(request):
    return render(request, "jwp/jointworkprogramme_list.html", {"jwps": selectors.jwp_list()})


def jwp_detail(request, slug):
    try:
        jwp = selectors.jwp_detail(
            slug=slug, include_unpublished=can_preview(request, JointWorkProgramme)
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


def output_list(request):
    form = selectors.OutputFilterForm(request.GET)
    if form.is_valid():
        filters = form.cleaned_data
    else:
        messages.warning(
            request,
            _("Some filters could not be used and were ignored: %(fields)s.")
            % {"fields": ", ".join(str(form.fields[name].label) for name in form.errors)},
        )
        filters = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    page = Paginator(selectors.output_list(filters=filters), 24).get_page(request.GET.get("page"))
    selected = {name: request.GET.getlist(name) for name in form.FACETS}
    return render(
        request,
        "jwp/output_list.html",
        {
            "form": form,
            "page": page,
            "facets": selectors.output_facets(selected=selected),
            "facet_labels": {name: form.fields[name].label for name in form.FACETS},
            "query": filters.get("q", ""),
            "is_filtered": any(filters.get(name) for name in (*form.FACETS, "q")),
        },
    )


def _get_output(request, slug) -> Output:
    try:
        return selectors.output_detail(slug=slug, include_unpublished=can_preview(request, Output))
    except Output.DoesNotExist:
        raise Http404(_("No published output here.")) from None


def output_detail(request, slug):
    output = _get_output(request, slug)
    return render(
        request, "jwp/output_detail.html", {"output": output, "preview": not output.is_published}
    )


def file_download(file_field, title: str) -> FileResponse:
    """The stored file, with its content type and a readable file name."""
    if not file_field:
        raise Http404(_("There is no file to download."))
    extension = Path(file_field.name).suffix.lower()
    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    content_type = mimetypes.guess_type(file_field.name)[0] or "application/octet-stream"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(title)[:80] or 'download'}{extension}",
        content_type=content_type,
    )


def output_download(request, slug):
    output = _get_output(request, slug)
    return file_download(output.file, output.title)
