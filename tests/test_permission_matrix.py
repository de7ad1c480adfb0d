"""The permission matrix: every route of the URL configuration, for each of anonymous, a
partner (an API token), an Editor, a Publisher and a superuser, and each of GET, POST, PUT,
PATCH and DELETE, answers the status the table below expects. A route the table does not
know fails the test: whoever adds one decides who may use it.

Each request runs in a savepoint that is rolled back, so one request's write never changes
what the next one sees. The bodies are empty: the matrix is about who gets in, not about
forms (a form that lets someone in answers 200 with its errors, or the view's success).
"""

import copy
import re
import uuid
from dataclasses import dataclass

import factory
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apitokens.models import APIToken
from jobs.models import ExportJob, ImportJob, PublicFile
from jwp.models import JointWorkProgramme, Lesson, Membership, Phase
from programmes.models import (
    Activity,
    City,
    Country,
    Dimension,
    Organisation,
    Programme,
    ProgrammePartner,
)
from publishing import version
from publishing.models import Document
from tests import factories
from windows.models import FundingWindow, Instrument, Theme

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "partner", "editor", "publisher", "superuser")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# -- the routes -----------------------------------------------------------------------------


def routes() -> list[str]:
    """Every route of the URL configuration, as Django writes it in ``ResolverMatch.route``."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                assert isinstance(pattern, URLPattern)
                found.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return found


NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
PLAIN_GROUP = re.compile(r"\(([^?)][^)]*)\)")


@dataclass
class World:
    """The objects the routes' parameters name: published, so that public routes answer."""

    slugs: dict
    objects: dict  # "app.model" -> an instance
    history: dict  # "app.model" -> the pk of one of its historical rows
    export_pk: uuid.UUID
    public_filename: str
    partner_token: str

    def value(self, route: str, name: str) -> str:
        if name == "format":
            return "json"
        if name == "slug":
            collection = re.search(r"(\w[\w-]*)/(?:\^)?\(\?P<slug>|(\w[\w-]*)/<slug:slug>", route)
            return self.slugs[collection.group(1) or collection.group(2)]
        if name == "iso2":
            return "UG"
        if name == "pk":
            if route.startswith("api/v1/^budgets/"):
                return str(self.objects["finances.budget"].pk)
            if route.startswith("api/v1/^transactions/"):
                return str(self.objects["finances.transaction"].pk)
            if route.startswith("api/v1/^planned-disbursements/"):
                return str(self.objects["finances.planneddisbursement"].pk)
            if "/totpdevice/" in route:
                return str(self.objects["otp_totp.totpdevice"].pk)
            return str(self.export_pk)
        if name == "filename":
            return self.public_filename
        if name == "section":
            return "programmes"
        if name == "app_label":
            return "programmes"
        if name == "url":
            return "no-such-page/"
        if name == "id":
            return str(self.objects["auth.user"].pk)
        if name == "content_type_id":
            return str(ContentType.objects.get_for_model(Programme).pk)
        if name == "object_id":
            if route.startswith("admin/r/"):
                return str(self.objects["programmes.programme"].pk)
            return str(self.admin_object(route).pk)
        if name == "field":
            return "file"
        if name == "path":
            return "nothing-here.pdf"
        raise AssertionError(f"{route}: no sample value for the parameter {name!r}")

    def admin_object(self, route: str):
        app, model = route.split("/")[1:3]
        return self.objects[f"{app}.{model}"]

    def path(self, route: str) -> str:
        """A concrete path that resolves to ``route``."""
        path = NAMED_GROUP.sub(lambda m: self.value(route, m.group(1)), route)
        path = CONVERTER.sub(
            lambda m: ".json" if m.group(1) == "drf_format_suffix" else self.value(route, m[2]),
            path,
        )
        if PLAIN_GROUP.search(path):  # simple-history's (object id)/history/(history id)
            obj_id = str(self.admin_object(route).pk)
            app, model = route.split("/")[1:3]
            history_id = str(self.history[f"{app}.{model}"])
            path = PLAIN_GROUP.sub("{}", path, count=2).format(obj_id, history_id)
        path = path.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")
        path = path.replace(".*", "no-such-endpoint/")
        path = "/" + path
        resolved = resolve(path).route.replace("^", "")
        assert resolved == route.replace("^", ""), f"{path} resolves to {resolved}, not {route}"
        return path


def build_world(portfolio) -> World:
    programme = Programme.objects.published().order_by("slug").first()
    jwp = JointWorkProgramme.objects.published().order_by("slug").first()
    output = factories.OutputFactory(
        published=True,
        jwp=jwp,
        slug="matrix-output",
        file=factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4\n%%EOF\n"),
    )
    lesson = Lesson.objects.published().order_by("slug").first() or factories.LessonFactory(
        published=True
    )
    document = Document.objects.published().order_by("slug").first() or (
        factories.DocumentFactory(published=True)
    )
    editor = factories.EditorFactory(username="matrix-editor")
    partner = factories.UserFactory(username="matrix-partner", is_staff=False)
    token = factories.issue_token(partner)
    export = ExportJob.objects.create(format="csv", requested_by=editor)
    import_job = ImportJob.objects.create(
        target="programmes", format="csv", original_filename="rows.csv", requested_by=editor
    )
    public_file = PublicFile.objects.order_by("kind").first()
    if public_file is None:
        from jobs.tasks import regenerate_public_files

        regenerate_public_files()
        public_file = PublicFile.objects.order_by("kind").first()
    revision = factories.RevisionFactory(of=programme, created_by=editor)
    objects = {
        "auth.group": Group.objects.order_by("name").first(),
        "auth.user": editor,
        "apitokens.apitoken": APIToken.objects.get(user=partner),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="x", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="x"
        ),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="x", locked_out=False
        ),
        "otp_totp.totpdevice": TOTPDevice.objects.create(user=editor, name="phone"),
        "otp_static.staticdevice": StaticDevice.objects.create(user=editor, name="backup"),
        "publishing.document": document,
        "publishing.revision": revision,
        "windows.fundingwindow": FundingWindow.objects.order_by("code").first(),
        "windows.instrument": Instrument.objects.order_by("slug").first(),
        "windows.theme": Theme.objects.order_by("slug").first(),
        "programmes.country": Country.objects.get(iso2="UG"),
        "programmes.city": City.objects.order_by("pk").first(),
        "programmes.organisation": Organisation.objects.order_by("slug").first(),
        "programmes.dimension": Dimension.objects.order_by("pk").first(),
        "programmes.programme": programme,
        "programmes.programmepartner": ProgrammePartner.objects.order_by("pk").first(),
        "programmes.activity": Activity.objects.order_by("pk").first(),
        "jwp.jointworkprogramme": jwp,
        "jwp.phase": Phase.objects.order_by("pk").first(),
        "jwp.membership": Membership.objects.order_by("pk").first(),
        "jwp.lesson": lesson,
        "jwp.output": output,
        "jobs.exportjob": export,
        "jobs.importjob": import_job,
        "jobs.publicfile": public_file,
        "finances.budget": factories.BudgetFactory(programme=programme),
        "finances.transaction": factories.TransactionFactory(programme=programme),
        "finances.planneddisbursement": factories.PlannedDisbursementFactory(programme=programme),
    }
    history = {
        label: obj.history.order_by("history_id").first().history_id
        for label, obj in objects.items()
        if hasattr(obj, "history")
    }
    slugs = {
        "windows": objects["windows.fundingwindow"].slug,
        "instruments": objects["windows.instrument"].slug,
        "themes": objects["windows.theme"].slug,
        "organisations": objects["programmes.organisation"].slug,
        "programmes": programme.slug,
        "jwps": jwp.slug,
        "jwp": jwp.slug,
        "outputs": output.slug,
        "lessons": lesson.slug,
        "documents": document.slug,
    }
    return World(
        slugs=slugs,
        objects=objects,
        history=history,
        export_pk=export.pk,
        public_filename=public_file.filename,
        partner_token=token,
    )


def clients(world: World) -> dict[str, Client]:
    partner = Client(HTTP_AUTHORIZATION=f"Token {world.partner_token}")
    editor, publisher, superuser = Client(), Client(), Client()
    editor.force_login(world.objects["auth.user"])
    publisher.force_login(factories.PublisherFactory(username="matrix-publisher"))
    superuser.force_login(factories.UserFactory(username="matrix-root", is_superuser=True))
    return {
        "anonymous": Client(),
        "partner": partner,
        "editor": editor,
        "publisher": publisher,
        "superuser": superuser,
    }


def status(client: Client, method: str, path: str) -> int:
    """One request, undone: its writes rolled back, the client's cookies as they were (a
    logout does not log the role out for the next route), the throttles' counts forgotten."""
    cookies = copy.deepcopy(client.cookies)
    if path.startswith("/api/"):  # the API's throttles count in the cache
        cache.clear()
        version.refresh()
    with transaction.atomic():
        response = getattr(client, method.lower())(path)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response.status_code


def observed(world: World, route: str, by_role: dict[str, Client]) -> dict[str, tuple]:
    path = world.path(route)
    return {
        method: tuple(status(by_role[role], method, path) for role in ROLES) for method in METHODS
    }


# -- the table ------------------------------------------------------------------------------


def every(status: int) -> tuple:
    return (status,) * len(ROLES)


def methods(get, post=None, put=None, patch=None, delete=None, *, others=None) -> dict:
    """Statuses per method, each a tuple in the order of ROLES."""
    others = others or every(405)
    return {
        "GET": get,
        "POST": post or others,
        "PUT": put or others,
        "PATCH": patch or others,
        "DELETE": delete or others,
    }


# The public site reads: GET for everyone, any other method refused before a view runs.
PAGE = methods(every(200))
# The admin's own pages: anonymous visitors and partners are sent to the login; the admin
# takes GET and POST only.
OUT = (302, 302)


def staff(get: tuple, post: tuple | None = None) -> dict:
    """An admin page: (editor, publisher, superuser) statuses for GET and POST."""
    return methods((*OUT, *get), (*OUT, *(post or get)))


def staff_reads(get: tuple) -> dict:
    """An admin page that takes no POST (the login comes first)."""
    return staff(get, (405, 405, 405))


# API viewsets: reads for everyone; writes refused to anonymous (401) and partners (403),
# then to staff without the model permission (403), then by the view's methods (405).
STRUCTURE_API = methods(every(200), others=(401, 403, 403, 405, 405))
REFERENCE_API = methods(
    every(200), others=(401, 403, 405, 405, 405), delete=(401, 403, 403, 405, 405)
)
API_READ = methods(every(200))
# Editors may add and change the rows (in the admin): the API refuses the method; delete is
# the Publishers'.
MONEY_API = REFERENCE_API
WORKFLOW_LIST_API = methods(
    every(200),
    post=(401, 403, 400, 400, 400),
    others=(401, 403, 405, 405, 405),
    delete=(401, 403, 403, 405, 405),
)
WORKFLOW_DETAIL_API = methods(
    every(200),
    put=(401, 403, 400, 400, 400),
    patch=(401, 403, 200, 200, 200),
    others=(401, 403, 405, 405, 405),
    delete=(401, 403, 403, 405, 405),
)


def workflow_action(post: tuple) -> dict:
    return methods(
        every(405),
        post=(401, 403, *post),
        others=(401, 403, 405, 405, 405),
        delete=(401, 403, 403, 405, 405),
    )


def with_format(table: dict) -> dict:
    """A router's routes, each also with a format suffix (``.json``, ``.csv``)."""
    expanded = {}
    for route, expected in table.items():
        expanded[route] = expected
        if route.endswith("/$"):
            expanded[route[: -len("/$")] + r"\.(?P<format>[a-z0-9]+)/?$"] = expected
    return expanded


API = {
    "api/v1/stats/": API_READ,
    "api/v1/iati/activities.xml": REFERENCE_API,
    "api/v1/iati/organisation.xml": REFERENCE_API,
    # Without ?since= the changes feed says what it needs, to everyone alike.
    "api/v1/changes/": methods(every(400)),
    "api/v1/schema/": API_READ,
    "api/v1/docs/": API_READ,
    "api/v1/": API_READ,
    "api/v1/<drf_format_suffix:format>": API_READ,
    "api/v1/^.*$": methods(every(404), others=every(404)),
    **with_format(
        {
            "api/v1/^windows/$": STRUCTURE_API,
            "api/v1/^windows/(?P<slug>[^/.]+)/$": STRUCTURE_API,
            "api/v1/^instruments/$": STRUCTURE_API,
            "api/v1/^instruments/(?P<slug>[^/.]+)/$": STRUCTURE_API,
            "api/v1/^themes/$": STRUCTURE_API,
            "api/v1/^themes/(?P<slug>[^/.]+)/$": STRUCTURE_API,
            "api/v1/^countries/$": REFERENCE_API,
            "api/v1/^countries/(?P<iso2>[A-Za-z]{2})/$": REFERENCE_API,
            "api/v1/^organisations/$": REFERENCE_API,
            "api/v1/^organisations/(?P<slug>[^/.]+)/$": REFERENCE_API,
            "api/v1/^jwps/$": REFERENCE_API,
            "api/v1/^jwps/(?P<slug>[^/.]+)/$": REFERENCE_API,
            "api/v1/^lessons/$": REFERENCE_API,
            "api/v1/^lessons/(?P<slug>[^/.]+)/$": REFERENCE_API,
            # Money rows: read-only lists and details for everyone.
            "api/v1/^budgets/$": MONEY_API,
            "api/v1/^budgets/(?P<pk>[^/.]+)/$": MONEY_API,
            "api/v1/^transactions/$": MONEY_API,
            "api/v1/^transactions/(?P<pk>[^/.]+)/$": MONEY_API,
            "api/v1/^planned-disbursements/$": MONEY_API,
            "api/v1/^planned-disbursements/(?P<pk>[^/.]+)/$": MONEY_API,
            "api/v1/^documents/$": REFERENCE_API,
            "api/v1/^documents/(?P<slug>[^/.]+)/$": REFERENCE_API,
            **{
                f"api/v1/^{kind}/{route}": expected
                for kind in ("programmes", "outputs")
                for route, expected in {
                    "$": WORKFLOW_LIST_API,
                    "(?P<slug>[^/.]+)/$": WORKFLOW_DETAIL_API,
                    # The sample item is published: it cannot be submitted or published again.
                    "(?P<slug>[^/.]+)/submit/$": workflow_action((400, 400, 400)),
                    "(?P<slug>[^/.]+)/publish/$": workflow_action((403, 400, 400)),
                    "(?P<slug>[^/.]+)/send-back/$": workflow_action((403, 400, 400)),
                    "(?P<slug>[^/.]+)/unpublish/$": workflow_action((403, 200, 200)),
                }.items()
            },
            # Exports: partners and staff, each their own (the sample job is the Editor's; it
            # has no file yet).
            "api/v1/^exports/$": methods(
                (401, 200, 200, 200, 200), (401, 400, 400, 400, 400), others=(401, *every(405)[1:])
            ),
            "api/v1/^exports/(?P<pk>[^/.]+)/$": methods(
                (401, 404, 200, 404, 404), others=(401, *every(405)[1:])
            ),
            "api/v1/^exports/(?P<pk>[^/.]+)/download/$": methods(
                (401, 404, 409, 404, 404), others=(401, *every(405)[1:])
            ),
        }
    ),
}

SITE = dict.fromkeys(
    (
        "",
        "how-we-work/",
        "windows/<slug:slug>/",
        "instruments/<slug:slug>/",
        "themes/<slug:slug>/",
        "programmes/",
        "programmes/<slug:slug>/",
        "programmes/export.csv",
        "countries/",
        "countries/<str:iso2>/",
        "jwp/",
        "jwp/<slug:slug>/",
        "outputs/",
        "outputs/<slug:slug>/",
        "outputs/<slug:slug>/download/",
        "documents/<slug:slug>/",
        "feeds/outputs/",
        "sitemap.xml",
        "sitemap-<section>.xml",
        "robots.txt",
        "downloads/<str:filename>",
    ),
    PAGE,
)

STAFF_PAGES = {
    # The login wizard: an empty POST lacks its step, for everyone.
    "admin/login/": methods(every(200), every(400)),
    "admin/account/two_factor/setup/": staff((200, 200, 200), (400, 400, 400)),
    # The QR code exists only during set-up.
    "admin/account/two_factor/qrcode/": staff_reads((404, 404, 404)),
    # Pages that need a session verified by a second factor: the login for these sessions.
    "admin/account/two_factor/setup/complete/": staff((302, 302, 302)),
    "admin/account/two_factor/backup/tokens/": staff((302, 302, 302)),
    "admin/account/two_factor/disable/": staff((302, 302, 302)),
    "admin/account/two_factor/": staff_reads((200, 200, 200)),
    "admin/review/": staff((200, 200, 200)),
    "admin/": staff((200, 200, 200)),
    "admin/logout/": staff((405, 405, 405), (200, 200, 200)),
    "admin/password_change/": staff((200, 200, 200)),
    "admin/password_change/done/": staff_reads((200, 200, 200)),
    "admin/autocomplete/": staff_reads((403, 403, 403)),
    "admin/jsi18n/": staff_reads((200, 200, 200)),
    "admin/r/<path:content_type_id>/<path:object_id>/": staff((302, 302, 302)),
    "admin/^(?P<app_label>auth|axes|otp_totp|otp_static|apitokens|publishing|windows|"
    "programmes|jwp|jobs|finances)/$": staff((200, 200, 200)),
    "admin/(?P<url>.*)$": staff((404, 404, 404)),
    # Views of their own in the admin.
    "admin/auth/user/<id>/password/": staff((403, 403, 200)),
    "admin/otp_totp/totpdevice/<int:pk>/config/": staff((403, 403, 200)),
    "admin/otp_totp/totpdevice/<int:pk>/qrcode/": staff((403, 403, 200)),
    "admin/jobs/exportjob/<uuid:pk>/download/": staff((404, 404, 404)),  # no file yet
    "admin/programmes/programme/import/": staff((200, 200, 200)),
    "admin/programmes/programme/process_import/": staff((405, 405, 405), (200, 200, 200)),
    "admin/jwp/output/import/": staff((200, 200, 200)),
    "admin/jwp/output/process_import/": staff((405, 405, 405), (200, 200, 200)),
    "admin/finances/transaction/import/": staff((200, 200, 200)),
    "admin/finances/transaction/process_import/": staff((405, 405, 405), (200, 200, 200)),
    # The header row of each import as a CSV file, for whoever may import.
    "admin/programmes/programme/import/template/": staff_reads((200, 200, 200)),
    "admin/jwp/output/import/template/": staff_reads((200, 200, 200)),
    "admin/finances/transaction/import/template/": staff_reads((200, 200, 200)),
    # An item's file (live, an old version's, a pending revision's), for whoever may view it.
    "admin/jwp/output/<path:object_id>/file/<str:field>/": staff_reads((200, 200, 200)),
    "admin/publishing/document/<path:object_id>/file/<str:field>/": staff_reads((200, 200, 200)),
}

# Who may do what in each model's admin, for the Editor, the Publisher and the superuser, on
# the sample row (published, or used by published content): v view, a add, c change (an
# empty form comes back with its errors), C change (the form has nothing required: saved),
# d delete, r revert refused (the row is published: Editors edit it, as a revision).
ADMIN_RIGHTS = {
    "auth.group": ("", "", "vacd"),
    "auth.user": ("", "", "vacd"),
    # Tokens are issued and revoked, never edited; only superusers delete one.
    "apitokens.apitoken": ("", "", "vad"),
    "axes.accessattempt": ("", "", "vCd"),
    "axes.accesslog": ("", "", "vCd"),
    "axes.accessfailurelog": ("", "", "vCd"),
    "otp_totp.totpdevice": ("", "", "vacd"),
    "otp_static.staticdevice": ("", "", "vacd"),
    "publishing.document": ("vacr", "vacd", "vacd"),
    "publishing.revision": ("v", "vC", "vC"),
    "windows.fundingwindow": ("v", "vacd", "vacd"),
    "windows.instrument": ("v", "vacd", "vacd"),
    "windows.theme": ("v", "vacd", "vacd"),
    # Reference data: Editors add rows; those that published content uses are the
    # Publishers' to change.
    "programmes.country": ("va", "vacd", "vacd"),
    "programmes.city": ("va", "vacd", "vacd"),
    "programmes.organisation": ("va", "vacd", "vacd"),
    "programmes.dimension": ("vac", "vacd", "vacd"),
    "programmes.programme": ("vacr", "vacd", "vacd"),
    # Rows of a published item: in the item's form only, for Editors.
    "programmes.programmepartner": ("va", "vacd", "vacd"),
    "programmes.activity": ("va", "vacd", "vacd"),
    "jwp.jointworkprogramme": ("vacr", "vacd", "vacd"),
    "jwp.phase": ("va", "vacd", "vacd"),
    "jwp.membership": ("va", "vacd", "vacd"),
    "jwp.lesson": ("vacr", "vacd", "vacd"),
    "jwp.output": ("vacr", "vacd", "vacd"),
    # A transaction of a published programme: in the programme's form only, for Editors.
    "finances.transaction": ("va", "vacd", "vacd"),
    # Jobs are made elsewhere (the export form, the import preview) and only read here.
    "jobs.exportjob": ("v", "vd", "vd"),
    "jobs.importjob": ("v", "vd", "vd"),
    "jobs.publicfile": ("v", "v", "vd"),
}


def admin_model_routes(label: str, rights: tuple[str, str, str]) -> dict:
    app, model = label.split(".")
    base = f"admin/{app}/{model}/"

    def status(letters: str, needs: str, ok: int = 200) -> int:
        return ok if any(letter in letters for letter in needs) else 403

    def change_post(letters: str) -> int:
        return 302 if "C" in letters else 200 if "c" in letters else 403

    def revert_post(letters: str) -> int:
        return 302 if "r" in letters else change_post(letters)

    def per_role(rule) -> tuple:
        return tuple(rule(letters) for letters in rights)

    view = per_role(lambda r: status(r, "vcC"))
    routes = {
        base: staff(view),
        f"{base}add/": staff(per_role(lambda r: status(r, "a"))),
        f"{base}<path:object_id>/history/": staff(view),
        f"{base}<path:object_id>/delete/": staff(per_role(lambda r: status(r, "d"))),
        f"{base}<path:object_id>/change/": staff(view, per_role(change_post)),
        # The old admin address of a row: a redirect to its change page, for anyone.
        f"{base}<path:object_id>/": methods(every(302), every(302)),
    }
    if hasattr(apps.get_model(label), "history"):  # simple-history's revert form
        routes[f"{base}^([^/]+)/history/([^/]+)/$"] = staff(view, per_role(revert_post))
    return routes


EXPECTED = {
    **SITE,
    **API,
    **STAFF_PAGES,
    **{
        route: expected
        for label, rights in ADMIN_RIGHTS.items()
        for route, expected in admin_model_routes(label, rights).items()
    },
}


def test_every_route_answers_each_role_and_method_as_the_table_says(portfolio_once, settings):
    settings.STAFF_2FA_REQUIRED = False  # two-factor has tests of its own
    world = build_world(portfolio_once)
    by_role = clients(world)
    found = routes()

    unknown = [route for route in found if route not in EXPECTED]
    assert not unknown, "Routes without an entry in the permission matrix:\n" + "\n".join(unknown)
    gone = sorted(set(EXPECTED) - set(found))
    assert not gone, "Entries of the permission matrix without a route:\n" + "\n".join(gone)

    wrong = []
    for route in found:
        actual = observed(world, route, by_role)
        for method in METHODS:
            if actual[method] != EXPECTED[route][method]:
                wrong.append(
                    f"{method} {world.path(route)} ({route}): expected "
                    f"{dict(zip(ROLES, EXPECTED[route][method], strict=True))}, got "
                    f"{dict(zip(ROLES, actual[method], strict=True))}"
                )
    assert not wrong, f"{len(wrong)} answers differ from the table:\n" + "\n".join(wrong)
