"""The weekly link check of outputs: what counts as working or broken, that a redirect never
takes the check to another host, that storing a result is invisible to editors' history and to
the partner change feed, the Celery tasks, and the admin column, filter and action.

Links are checked against small HTTP servers on 127.0.0.1, started for this module."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from citiesalliance.celery import app as celery_app
from jwp.links import is_same_host, output_check_link, output_check_links
from jwp.models import LINK_CHECK_FIELDS, LinkStatus, Output
from jwp.tasks import check_output_link, check_output_links
from portal.api.changes import changes_since
from tests import factories

pytestmark = pytest.mark.django_db

SLOW = 2.0  # seconds the /slow path waits before answering
SHORT_TIMEOUT = 0.3


class Handler(BaseHTTPRequestHandler):
    """Answers by path; ``/moved-to?<url>`` redirects to ``<url>``."""

    def do_HEAD(self):
        self.answer()

    def do_GET(self):
        self.answer()

    def answer(self):
        self.server.requests.append(
            (self.command, self.path, self.headers["Range"], self.headers["User-Agent"])
        )
        path, _, query = self.path.partition("?")
        head = self.command == "HEAD"
        if path == "/ok":
            self.send(200)
        elif path == "/no-head":
            self.send(405 if head else 206)
        elif path == "/head-not-implemented":
            self.send(501 if head else 206)
        elif path == "/no-head-and-gone":
            self.send(405 if head else 404)
        elif path == "/server-error":
            self.send(500)
        elif path == "/moved":
            self.send(301, location=self.server.url("/ok"))
        elif path == "/moved-relative":
            self.send(302, location="/ok")
        elif path == "/moved-to":
            self.send(302, location=unquote(query))
        elif path == "/loop":
            self.send(302, location="/loop")
        elif path == "/slow":
            time.sleep(SLOW)
            self.send(200)
        else:
            self.send(404)

    def send(self, code, location=None):
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host_name):
        super().__init__(("127.0.0.1", 0), Handler)
        self.host_name = host_name
        self.requests = []

    def url(self, path):
        return f"http://{self.host_name}:{self.server_port}{path}"

    def handle_error(self, request, client_address):
        pass  # the client of /slow has gone by the time it answers


@pytest.fixture(scope="module")
def servers():
    """Two servers that are different hosts to a client: 127.0.0.1 and localhost."""
    started = [Server("127.0.0.1"), Server("localhost")]
    for server in started:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield started
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _local_servers_allowed(settings):
    """The servers here are on 127.0.0.1, which the check refuses unless told otherwise."""
    settings.LINK_CHECK_ALLOW_PRIVATE = True


@pytest.fixture
def site(servers):
    servers[0].requests.clear()
    return servers[0]


@pytest.fixture
def other_host(servers):
    servers[1].requests.clear()
    return servers[1]


def check(output, **kwargs):
    status = output_check_link(output_id=output.pk, **kwargs)
    output.refresh_from_db()
    assert output.link_status == status
    return output


def stored_file(name="report.pdf"):
    return ContentFile(b"%PDF-1.4\n%%EOF\n", name=name)


# --- links ---------------------------------------------------------------------------------


def test_a_working_link_is_ok_after_one_head_request_naming_the_portal(site):
    output = check(factories.OutputFactory(url=site.url("/ok")))

    assert output.link_status == LinkStatus.OK
    assert output.link_error == ""
    assert output.link_checked_at is not None
    [(method, path, _, user_agent)] = site.requests
    assert (method, path) == ("HEAD", "/ok")
    assert "CitiesAlliancePortfolio" in user_agent


@pytest.mark.parametrize(("path", "error"), [("/gone", "HTTP 404"), ("/server-error", "HTTP 500")])
def test_an_error_status_is_broken_with_its_code(site, path, error):
    output = check(factories.OutputFactory(url=site.url(path)))

    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error == error


def test_a_server_slower_than_the_timeout_is_broken(site):
    started = time.monotonic()
    output = check(factories.OutputFactory(url=site.url("/slow")), timeout=SHORT_TIMEOUT)

    assert time.monotonic() - started < SLOW
    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error == "timed out"


def test_a_server_that_refuses_connections_is_broken():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    output = check(factories.OutputFactory(url=f"http://127.0.0.1:{port}/report.pdf"))

    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error.startswith("cannot connect")


def test_a_link_that_is_not_http_is_broken_without_a_request():
    output = check(factories.OutputFactory(url="ftp://example.org/report.pdf"))

    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error == "not an http or https link"


@pytest.mark.parametrize("path", ["/moved", "/moved-relative"])
def test_a_redirect_on_the_same_host_is_followed_with_head(site, path):
    output = check(factories.OutputFactory(url=site.url(path)))

    assert output.link_status == LinkStatus.OK
    assert [(method, path) for method, path, *_ in site.requests] == [
        ("HEAD", path),
        ("HEAD", "/ok"),
    ]


def test_a_redirect_to_another_host_is_broken_and_that_host_is_never_contacted(site, other_host):
    away = other_host.url("/ok")
    output = check(factories.OutputFactory(url=site.url(f"/moved-to?{away}")))

    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error == "refused: redirect to another host (localhost)"
    assert other_host.requests == []
    # The other host does answer when asked directly: its silence above was the check's doing.
    assert check(factories.OutputFactory(url=away)).link_status == LinkStatus.OK
    assert len(other_host.requests) == 1


def test_a_redirect_to_another_port_of_the_same_host_is_refused(site, other_host):
    elsewhere = f"http://127.0.0.1:{other_host.server_port}/ok"
    output = check(factories.OutputFactory(url=site.url(f"/moved-to?{elsewhere}")))

    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error.startswith("refused: redirect to another host")
    assert other_host.requests == []


def test_a_redirect_loop_is_broken(site):
    output = check(factories.OutputFactory(url=site.url("/loop")))

    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error.startswith("HTTP 302")
    assert len(site.requests) < 20


@pytest.mark.parametrize(
    ("url", "target", "same"),
    [
        ("http://example.org/a", "https://example.org/b", True),
        ("https://example.org/a", "https://EXAMPLE.org:443/b", True),
        ("https://example.org/a", "https://www.example.org/a", False),
        ("http://example.org:8000/a", "http://example.org:9000/a", False),
        ("http://example.org:8000/a", "https://example.org/a", False),
        ("https://example.org/a", "ftp://example.org/a", False),
    ],
)
def test_same_host_means_same_host_name_and_port_or_an_upgrade_to_https(url, target, same):
    assert is_same_host(url, target) is same


@pytest.mark.parametrize("path", ["/no-head", "/head-not-implemented"])
def test_a_server_that_refuses_head_is_asked_once_for_the_first_byte(site, path):
    output = check(factories.OutputFactory(url=site.url(path)))

    assert output.link_status == LinkStatus.OK
    assert [request[:3] for request in site.requests] == [
        ("HEAD", path, None),
        ("GET", path, "bytes=0-0"),
    ]


def test_a_server_that_refuses_head_and_lacks_the_document_is_broken(site):
    output = check(factories.OutputFactory(url=site.url("/no-head-and-gone")))

    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error == "HTTP 404"
    assert len(site.requests) == 2


# --- files ---------------------------------------------------------------------------------


def test_a_file_in_storage_is_ok(settings):
    output = factories.OutputFactory(file=stored_file())
    assert (settings.PRIVATE_MEDIA_ROOT / output.file.name).exists()

    assert check(output).link_status == LinkStatus.OK


def test_a_file_missing_from_storage_is_broken():
    output = factories.OutputFactory(file=stored_file())
    output.file.storage.delete(output.file.name)

    output = check(output)

    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error == "file missing from storage"


@pytest.mark.parametrize(
    ("path", "file_stored", "status", "error"),
    [
        ("/ok", True, LinkStatus.OK, ""),
        ("/ok", False, LinkStatus.BROKEN, "file missing from storage"),
        ("/gone", True, LinkStatus.BROKEN, "HTTP 404"),
        ("/gone", False, LinkStatus.BROKEN, "HTTP 404; file missing from storage"),
    ],
)
def test_an_output_with_a_link_and_a_file_is_broken_if_either_is(
    site, path, file_stored, status, error
):
    output = factories.OutputFactory(url=site.url(path), file=stored_file())
    if not file_stored:
        output.file.storage.delete(output.file.name)

    output = check(output)

    assert (output.link_status, output.link_error) == (status, error)


def test_an_output_with_neither_goes_back_to_unchecked():
    output = factories.OutputFactory(link_status=LinkStatus.BROKEN, link_error="HTTP 404")

    output = check(output)

    assert (output.link_status, output.link_error, output.link_checked_at) == (
        LinkStatus.UNCHECKED,
        "",
        None,
    )


def test_checking_every_output_counts_them_drafts_and_published_alike(site):
    working = factories.OutputFactory(url=site.url("/ok"), published=True)
    draft_broken = factories.OutputFactory(url=site.url("/gone"))
    file_only = factories.OutputFactory(file=stored_file())
    stale = factories.OutputFactory(link_status=LinkStatus.BROKEN, link_error="HTTP 404")
    never = factories.OutputFactory()

    assert output_check_links() == {"ok": 2, "broken": 1}

    statuses = dict(Output.objects.values_list("pk", "link_status"))
    assert statuses == {
        working.pk: LinkStatus.OK,
        draft_broken.pk: LinkStatus.BROKEN,
        file_only.pk: LinkStatus.OK,
        stale.pk: LinkStatus.UNCHECKED,
        never.pk: LinkStatus.UNCHECKED,
    }
    assert Output.objects.get(pk=never.pk).link_checked_at is None


# --- what a stored result does not touch ---------------------------------------------------


def test_a_check_changes_neither_updated_at_nor_the_history(site):
    output = factories.OutputFactory(url=site.url("/gone"), published=True)
    output.refresh_from_db()
    updated_at = output.updated_at
    history_before = list(output.history.values_list("history_id", flat=True))

    check(output)

    assert output.link_status == LinkStatus.BROKEN
    assert output.updated_at == updated_at
    assert list(output.history.values_list("history_id", flat=True)) == history_before


def test_the_history_leaves_out_the_check_so_an_edit_does_not_seem_to_change_it(site):
    output = factories.OutputFactory(url=site.url("/gone"))
    check(output)

    output.title = "Edited by an editor"
    output.save()

    history_fields = {field.name for field in Output.history.model._meta.get_fields()}
    assert history_fields.isdisjoint(LINK_CHECK_FIELDS)
    latest, previous = output.history.all()[:2]
    changed = {change.field for change in latest.diff_against(previous).changes}
    assert "title" in changed
    assert changed.isdisjoint(LINK_CHECK_FIELDS)
    assert latest.instance.link_status == LinkStatus.BROKEN  # a revert keeps the live result


def test_partners_change_feed_does_not_list_checked_outputs(site):
    owner = factories.JointWorkProgrammeFactory(published=True)
    output = factories.OutputFactory(url=site.url("/gone"), jwp=owner, published=True)
    since = timezone.now()

    output_check_links()

    assert Output.objects.get(pk=output.pk).link_status == LinkStatus.BROKEN
    assert [entry for entry in changes_since(since) if entry[1] == "output"] == []
    output.save()  # whereas an edit is listed
    assert [entry[1:] for entry in changes_since(since) if entry[1] == "output"] == [
        ("output", output.slug, "changed")
    ]


def test_the_public_api_does_not_show_the_check(site):
    owner = factories.JointWorkProgrammeFactory(published=True)
    output = factories.OutputFactory(url=site.url("/gone"), jwp=owner, published=True)
    check(output)

    response = APIClient().get(f"/api/v1/outputs/{output.slug}/")

    assert response.status_code == 200
    assert set(response.json()).isdisjoint(LINK_CHECK_FIELDS)


# --- tasks ---------------------------------------------------------------------------------


@pytest.fixture
def eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_the_weekly_task_has_the_name_beat_schedules(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert check_output_links.name == "jwp.tasks.check_output_links"
    assert check_output_links.name in scheduled


def test_the_weekly_task_checks_every_output_and_can_run_twice(site, eager_celery):
    working = factories.OutputFactory(url=site.url("/ok"))
    broken = factories.OutputFactory(url=site.url("/gone"), published=True)
    factories.OutputFactory()

    assert check_output_links.delay().get() == 2
    assert check_output_links.apply().get() == 2

    statuses = dict(Output.objects.values_list("pk", "link_status"))
    assert statuses[working.pk] == LinkStatus.OK
    assert statuses[broken.pk] == LinkStatus.BROKEN
    assert len(site.requests) == 4


def test_checking_a_deleted_output_does_nothing(eager_celery):
    output = factories.OutputFactory(url="https://example.org/report.pdf")
    output_id = output.pk
    output.delete()

    assert check_output_link.delay(output_id).get() is None


# --- admin ---------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    client.force_login(factories.EditorFactory())
    return client


def test_the_changelist_filters_broken_links_and_shows_the_error(editor_client):
    broken = factories.OutputFactory(link_status=LinkStatus.BROKEN, link_error="HTTP 404")
    factories.OutputFactory(link_status=LinkStatus.OK)

    response = editor_client.get(
        reverse("admin:jwp_output_changelist"), {"link_status__exact": "broken"}
    )

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [broken]
    content = response.content.decode()
    assert "✗ Broken</strong>: HTTP 404" in content


def test_the_change_form_shows_the_check_read_only(editor_client):
    output = factories.OutputFactory(link_status=LinkStatus.BROKEN, link_error="HTTP 410")

    response = editor_client.get(reverse("admin:jwp_output_change", args=[output.pk]))

    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields).isdisjoint(LINK_CHECK_FIELDS)
    assert "HTTP 410" in response.content.decode()


def test_the_admin_action_checks_the_selection_now(editor_client, site):
    working = factories.OutputFactory(url=site.url("/ok"))
    broken = factories.OutputFactory(url=site.url("/gone"))
    unselected = factories.OutputFactory(url=site.url("/ok"))
    nothing = factories.OutputFactory()

    response = editor_client.post(
        reverse("admin:jwp_output_changelist"),
        {"action": "check_links", "_selected_action": [working.pk, broken.pk, nothing.pk]},
        follow=True,
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "2 outputs checked: 1 working, 1 broken." in content
    assert "1 output has neither a file nor a link." in content
    statuses = dict(Output.objects.values_list("pk", "link_status"))
    assert statuses[working.pk] == LinkStatus.OK
    assert statuses[broken.pk] == LinkStatus.BROKEN
    assert statuses[unselected.pk] == LinkStatus.UNCHECKED


def test_the_admin_action_needs_the_change_permission(client, site):
    viewer = factories.UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_output"))
    client.force_login(viewer)
    output = factories.OutputFactory(url=site.url("/ok"))
    changelist = reverse("admin:jwp_output_changelist")

    action_form = client.get(changelist).context["action_form"]
    actions = action_form.fields["action"].choices if action_form else []
    assert "check_links" not in [name for name, _ in actions]
    client.post(changelist, {"action": "check_links", "_selected_action": [output.pk]})

    assert Output.objects.get(pk=output.pk).link_status == LinkStatus.UNCHECKED
    assert site.requests == []


def _broken(output):
    Output.objects.filter(pk=output.pk).update(
        link_status=LinkStatus.BROKEN, link_error="HTTP 404", link_checked_at=timezone.now()
    )
    output.refresh_from_db()
    return output


def test_a_new_link_forgets_the_last_check_and_other_edits_keep_it():
    from jwp.services import output_update

    editor = factories.EditorFactory()
    output = _broken(factories.OutputFactory(url="https://example.org/old"))
    output_update(user=editor, output=output, data={"title": "A better title"})
    output.refresh_from_db()
    assert (output.link_status, output.link_error) == (LinkStatus.BROKEN, "HTTP 404")

    output_update(user=editor, output=output, data={"url": "https://example.org/new"})
    output.refresh_from_db()
    assert output.link_status == LinkStatus.UNCHECKED
    assert output.link_error == "" and output.link_checked_at is None


def test_fixing_the_link_in_the_admin_clears_the_broken_flag(editor_client):
    output = _broken(factories.OutputFactory(url="https://example.org/old"))
    change = reverse("admin:jwp_output_change", args=[output.pk])
    form = editor_client.get(change).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or name == "file":  # no upload: the file stays as it is
            continue
        data[name] = [str(item) for item in value] if isinstance(value, list) else value
    response = editor_client.post(change, {**data, "title": "Renamed"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Output.objects.get(pk=output.pk).link_status == LinkStatus.BROKEN

    response = editor_client.post(change, {**data, "url": "https://example.org/fixed"})
    assert response.status_code == 302
    output.refresh_from_db()
    assert output.url == "https://example.org/fixed"
    assert output.link_status == LinkStatus.UNCHECKED and output.link_error == ""


# -- the server's own network is out of reach (SSRF) --------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_link_to_the_servers_own_network_is_refused_without_a_request(
    settings, site, other_host, host
):
    settings.LINK_CHECK_ALLOW_PRIVATE = False  # the default
    server = site if host == "127.0.0.1" else other_host
    output = factories.OutputFactory(url=server.url("/admin/").replace("127.0.0.1", host))
    output = check(output)
    assert output.link_status == LinkStatus.BROKEN
    assert output.link_error == f"refused: {host} is not a public address (127.0.0.1)"
    assert server.requests == []  # nothing reached it


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # the cloud metadata service
        ("100.64.0.1", False),  # shared address space
        ("0.0.0.0", False),  # noqa: S104 - an address checked, not bound
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
    ],
)
def test_which_addresses_are_public(address, public):
    from jwp.links import is_public_address

    assert is_public_address(address) is public
