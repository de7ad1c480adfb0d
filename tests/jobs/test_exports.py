"""Export jobs with eager tasks (no broker): the service, the API, the admin, retention, the
nightly public files. The same jobs on a real worker and Redis: test_worker.py."""

import csv
import datetime
import io
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from openpyxl import load_workbook
from rest_framework.test import APIClient

from iati.schema import schema_errors
from jobs import services, tasks
from jobs.models import ExportFormat, ExportJob, JobState, PublicFile, PublicFileKind
from programmes.models import Programme
from publishing.models import PublicationStatus
from tests import factories
from tests.iati import schema_dir

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit enqueues, as in production

EXPORTS = "/api/v1/exports/"


@pytest.fixture(autouse=True)
def _schemas(settings):
    settings.IATI_SCHEMA_DIR = str(schema_dir())


def token_client(user) -> APIClient:
    client = APIClient()
    client.default_format = "json"
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.issue_token(user)}")
    return client


@pytest.fixture
def portfolio():
    """Two published programmes on gender, one on migration, one draft on gender."""
    gender = factories.ThemeFactory(slug="gender", name="Gender")
    migration = factories.ThemeFactory(slug="migration", name="Migration")
    programmes = {
        "alpha": factories.ProgrammeFactory(published=True, title="Alpha", slug="alpha"),
        "beta": factories.ProgrammeFactory(published=True, title="Beta", slug="beta"),
        "gamma": factories.ProgrammeFactory(published=True, title="Gamma", slug="gamma"),
        "draft": factories.ProgrammeFactory(title="Draft one", slug="draft-one"),
    }
    for name in ("alpha", "beta", "draft"):
        programmes[name].themes.add(gender)
    programmes["gamma"].themes.add(migration)
    return programmes


def download(client, job_url: str):
    job = client.get(job_url).json()
    assert job["state"] == "done", job
    response = client.get(job["download_url"])
    assert response.status_code == 200
    return job, b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


# -- the API -----------------------------------------------------------------------------------


def test_a_partner_export_holds_published_programmes_matching_the_filters(portfolio):
    partner = token_client(factories.UserFactory(is_staff=False))
    response = partner.post(
        EXPORTS, {"format": "csv", "filters": {"theme": "gender"}}, format="json"
    )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert response["Location"] == body["url"]
    assert body["includes_drafts"] is False
    job, data = download(partner, body["url"])
    rows = csv_rows(data)
    assert [row["title"] for row in rows] == ["Alpha", "Beta"]  # not the draft, not Gamma
    assert job["rows"] == 2 and job["progress"] == 100
    assert job["filters"] == {"theme": "gender"}
    assert "url" in rows[0] and rows[0]["url"].startswith("http")


def test_a_staff_export_includes_drafts(portfolio):
    publisher = token_client(factories.PublisherFactory())
    response = publisher.post(EXPORTS, {"format": "csv", "filters": {"theme": "gender"}})
    assert response.status_code == 202
    assert response.json()["includes_drafts"] is True
    _job, data = download(publisher, response.json()["url"])
    assert {row["title"] for row in csv_rows(data)} == {"Alpha", "Beta", "Draft one"}


def test_xlsx_export_has_a_header_and_one_row_per_programme(portfolio):
    partner = token_client(factories.UserFactory(is_staff=False))
    response = partner.post(EXPORTS, {"format": "xlsx"}, format="json")
    job, data = download(partner, response.json()["url"])
    sheet = load_workbook(io.BytesIO(data), read_only=True)["Programmes"]
    values = list(sheet.values)
    header, rows = values[0], values[1:]
    assert {"title", "instrument", "themes", "countries", "budget"} <= set(header)
    titles = [row[header.index("title")] for row in rows]
    assert titles == ["Alpha", "Beta", "Gamma"]
    assert job["rows"] == 3


def test_xlsx_cells_are_text_never_formulas(portfolio):
    """A value that starts with "=" must not become a live formula in the reader's Excel."""
    portfolio["alpha"].title = '=HYPERLINK("http://attacker.example/","Open")'
    portfolio["alpha"].save()
    partner = token_client(factories.UserFactory(is_staff=False))
    _job, data = download(partner, partner.post(EXPORTS, {"format": "xlsx"}).json()["url"])
    sheet = load_workbook(io.BytesIO(data))["Programmes"]
    header = [cell.value for cell in sheet[1]]
    titles = [row[header.index("title")] for row in sheet.iter_rows(min_row=2)]
    first = next(cell for cell in titles if str(cell.value).startswith("="))
    assert first.data_type == "s" and first.value == portfolio["alpha"].title


def test_csv_export_cells_never_start_a_formula(portfolio):
    portfolio["alpha"].title = '=HYPERLINK("http://attacker.example/","Open")'
    portfolio["alpha"].save()
    partner = token_client(factories.UserFactory(is_staff=False))
    _job, data = download(partner, partner.post(EXPORTS, {"format": "csv"}).json()["url"])
    titles = [row["title"] for row in csv_rows(data)]
    assert "'" + portfolio["alpha"].title in titles
    assert not any(title.startswith("=") for title in titles)


def test_iati_export_of_the_real_portfolio_is_valid_and_never_holds_drafts():
    call_command("load_portfolio", stdout=io.StringIO())
    withdrawn = Programme.objects.published().order_by("title").first()
    withdrawn.status = PublicationStatus.DRAFT
    withdrawn.save()
    publisher = token_client(factories.PublisherFactory())  # sees drafts elsewhere, not here
    response = publisher.post(EXPORTS, {"format": "iati"})
    job, data = download(publisher, response.json()["url"])
    document = etree.fromstring(data)
    assert schema_errors(document) == []
    identifiers = {element.text for element in document.iter("iati-identifier")}
    assert withdrawn.iati_identifier not in identifiers
    assert job["rows"] == len(identifiers) > 5


def test_an_iati_export_with_nothing_exportable_fails_and_says_why(portfolio):
    """An iati-activities document needs at least one activity to be valid."""
    partner = token_client(factories.UserFactory(is_staff=False))
    response = partner.post(EXPORTS, {"format": "iati", "filters": {"theme": "migration"}})
    job = partner.get(response.json()["url"]).json()
    assert job["state"] == "failed"
    assert "no programme" in job["error"].lower()
    assert job["download_url"] is None


def test_download_is_an_attachment_with_the_file_type(portfolio):
    partner = token_client(factories.UserFactory(is_staff=False))
    job_url = partner.post(EXPORTS, {"format": "csv"}).json()["url"]
    response = partner.get(partner.get(job_url).json()["download_url"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="programmes-')


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"format": "pdf"}, "format"),
        ({}, "format"),
        ({"format": "csv", "filters": {"colour": "blue"}}, "colour"),
        ({"format": "csv", "filters": {"theme": "no-such-theme"}}, "theme"),
        ({"format": "csv", "filters": {"start_after": "last year"}}, "start_after"),
        ({"format": "csv", "filters": {"status": "9"}}, "status"),
        ({"format": "csv", "filters": "theme=gender"}, "filters"),
        ({"format": "csv", "colour": "blue"}, "colour"),
    ],
)
def test_bad_requests_are_400s_naming_the_parameter_and_create_no_job(portfolio, body, parameter):
    partner = token_client(factories.UserFactory(is_staff=False))
    response = partner.post(EXPORTS, body, format="json")
    assert response.status_code == 400, response.content
    assert parameter in str(response.json()["errors"])
    assert ExportJob.objects.count() == 0


def test_anonymous_clients_get_a_401_that_says_why():
    response = APIClient().post(EXPORTS, {"format": "csv"})
    assert response.status_code == 401
    assert "Authorization: Token" in response.json()["detail"]
    assert APIClient().get(EXPORTS).status_code == 401


def test_jobs_are_private_to_who_asked(portfolio):
    owner = token_client(factories.UserFactory(is_staff=False))
    other = token_client(factories.UserFactory(is_staff=False))
    job_url = owner.post(EXPORTS, {"format": "csv"}).json()["url"]
    job = owner.get(job_url).json()
    assert other.get(job_url).status_code == 404
    assert other.get(job["download_url"]).status_code == 404
    assert other.get(EXPORTS).json()["count"] == 0
    assert owner.get(EXPORTS).json()["count"] == 1


def test_unknown_job_is_a_json_404():
    partner = token_client(factories.UserFactory(is_staff=False))
    response = partner.get(f"{EXPORTS}{uuid.uuid4()}/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_download_before_done_is_409_and_after_retention_410(portfolio, settings):
    user = factories.UserFactory(is_staff=False)
    client = token_client(user)
    queued = ExportJob.objects.create(requested_by=user, format=ExportFormat.CSV)
    response = client.get(f"{EXPORTS}{queued.pk}/download/")
    assert response.status_code == 409
    assert "queued" in response.json()["detail"]
    assert client.get(f"{EXPORTS}{queued.pk}/")["Retry-After"] == "2"

    job_url = client.post(EXPORTS, {"format": "csv"}).json()["url"]
    job = ExportJob.objects.get(pk=client.get(job_url).json()["id"])
    assert services.export_jobs_cleanup(now=job.expires_at + datetime.timedelta(seconds=1)) == 1
    body = client.get(job_url).json()
    assert body["expired"] is True and body["download_url"] is None
    assert client.get(f"{EXPORTS}{job.pk}/download/").status_code == 410


def test_the_list_runs_a_fixed_number_of_queries(portfolio, django_assert_num_queries):
    """n+1 risk: requested_by or the file per job."""
    user = factories.UserFactory(is_staff=False)
    client = token_client(user)
    for _ in range(3):
        client.post(EXPORTS, {"format": "csv"})
    with django_assert_num_queries(3):  # token, count, page
        assert client.get(EXPORTS).json()["count"] == 3
    for _ in range(5):
        client.post(EXPORTS, {"format": "csv"})
    with django_assert_num_queries(3):
        assert client.get(EXPORTS).json()["count"] == 8


def test_export_creation_is_throttled(portfolio, settings):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**SimpleRateThrottle.THROTTLE_RATES, "exports": "2/hour"}
    client = token_client(factories.UserFactory(is_staff=False))
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        assert client.post(EXPORTS, {"format": "csv"}).status_code == 202
        assert client.post(EXPORTS, {"format": "csv"}).status_code == 202
        response = client.post(EXPORTS, {"format": "csv"})
        assert response.status_code == 429
        assert "Retry-After" in response
        assert client.get(EXPORTS).status_code == 200  # reading is not limited by it
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original


# -- the service and the task ---------------------------------------------------------------


def test_running_a_job_twice_does_no_harm(portfolio):
    user = factories.UserFactory(is_staff=False)
    job = services.export_job_create(user=user, format="csv", filters={})
    job.refresh_from_db()
    assert job.state == JobState.DONE
    first_file = job.file.name
    assert tasks.run_export.delay(str(job.pk)).get() is None  # already done: nothing to do
    job.refresh_from_db()
    assert job.file.name == first_file and job.rows == 3


def test_a_job_interrupted_while_running_runs_again(portfolio):
    """A worker that died mid-job leaves it running; acks_late redelivers the message."""
    user = factories.UserFactory(is_staff=False)
    job = ExportJob.objects.create(requested_by=user, format="csv", state=JobState.RUNNING)
    assert tasks.run_export.delay(str(job.pk)).get() == 3
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.finished_at and job.file


def test_a_failed_job_records_the_error(portfolio):
    user = factories.UserFactory(is_staff=False)
    # A filter that was valid when asked for and is not any more (the theme was deleted).
    job = ExportJob.objects.create(
        requested_by=user, format="csv", filters={"theme": "no-longer-there"}
    )
    tasks.run_export.delay(str(job.pk))
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "theme" in job.error and "no-longer-there" in job.error
    assert not job.file and job.finished_at


def test_stale_queued_jobs_are_sent_again(portfolio):
    user = factories.UserFactory(is_staff=False)
    job = ExportJob.objects.create(requested_by=user, format="csv")
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    fresh = ExportJob.objects.create(requested_by=user, format="csv")
    assert tasks.requeue_stale_jobs.delay().get() == {"exports": 1, "imports": 0}
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.state == JobState.DONE
    assert fresh.state == JobState.QUEUED


def test_cleanup_removes_only_expired_files_and_keeps_the_record(portfolio, settings):
    settings.EXPORT_RETENTION_DAYS = 7
    user = factories.UserFactory(is_staff=False)
    old = services.export_job_create(user=user, format="csv", filters={})
    new = services.export_job_create(user=user, format="csv", filters={})
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.expires_at - old.finished_at == datetime.timedelta(days=7)
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    path = old.file.path
    assert tasks.cleanup_job_files.delay().get() == {"exports": 1, "imports": 0}
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and old.state == JobState.DONE and old.rows == 3
    assert new.file and new.file.storage.exists(new.file.name)
    import os

    assert not os.path.exists(path)
    assert tasks.cleanup_job_files.delay().get()["exports"] == 0  # a second run: nothing


def test_export_files_are_outside_the_media_folder(portfolio, settings):
    user = factories.UserFactory(is_staff=False)
    job = services.export_job_create(user=user, format="csv", filters={})
    job.refresh_from_db()
    assert str(settings.PRIVATE_MEDIA_ROOT) in job.file.path
    assert str(settings.MEDIA_ROOT) not in job.file.path


# -- the admin ------------------------------------------------------------------------------


def test_staff_start_an_export_from_the_programme_list_and_see_it(client, portfolio):
    editor = factories.EditorFactory()
    client.force_login(editor)
    response = client.post(
        reverse("admin:programmes_programme_changelist"),
        {
            "action": "export_xlsx",
            "_selected_action": [portfolio["alpha"].pk, portfolio["draft"].pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Export of 2 programmes" in response.content.decode()
    job = ExportJob.objects.get()
    assert job.requested_by == editor and job.state == JobState.DONE and job.rows == 2
    assert job.include_unpublished is True

    changelist = client.get(reverse("admin:jobs_exportjob_changelist"))
    assert changelist.status_code == 200
    assert str(job.pk)[:8] in changelist.content.decode()
    download_url = reverse("admin:jobs_exportjob_download", args=[job.pk])
    assert download_url in changelist.content.decode()
    file = client.get(download_url)
    assert file.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(file.streaming_content)), read_only=True)
    assert len(list(sheet["Programmes"].values)) == 3  # header and two programmes
    assert client.get(reverse("admin:jobs_exportjob_change", args=[job.pk])).status_code == 200


def test_editors_see_only_their_own_jobs_in_the_admin(client, portfolio):
    mine, theirs = factories.EditorFactory(), factories.EditorFactory()
    own = ExportJob.objects.create(requested_by=mine, format="csv")
    other = ExportJob.objects.create(requested_by=theirs, format="csv")
    client.force_login(mine)
    page = client.get(reverse("admin:jobs_exportjob_changelist")).content.decode()
    assert str(own.pk)[:8] in page and str(other.pk)[:8] not in page
    assert client.get(reverse("admin:jobs_exportjob_download", args=[other.pk])).status_code == 404
    client.force_login(factories.PublisherFactory())
    page = client.get(reverse("admin:jobs_exportjob_changelist")).content.decode()
    assert str(own.pk)[:8] in page and str(other.pk)[:8] in page


def test_staff_without_the_export_permission_have_no_export_action(client, portfolio):
    from django.contrib.auth.models import Permission

    viewer = factories.UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_programme"))
    client.force_login(viewer)
    page = client.get(reverse("admin:programmes_programme_changelist")).content.decode()
    assert "export_csv" not in page
    client.force_login(factories.EditorFactory())
    page = client.get(reverse("admin:programmes_programme_changelist")).content.decode()
    assert "export_csv" in page


# -- the nightly public files ---------------------------------------------------------------


def test_public_files_hold_the_published_portfolio_and_the_site_links_to_them(client, portfolio):
    csv_url = "/downloads/cities-alliance-programmes.csv"
    xml_url = "/downloads/cities-alliance-iati-activities.xml"
    assert client.get(csv_url).status_code == 404  # not generated yet
    result = tasks.regenerate_public_files.delay().get()
    # The factories' programmes have no partners: none is exportable to IATI, so the IATI
    # file keeps its previous version (none yet) rather than becoming an invalid document.
    assert result == {PublicFileKind.CSV: 3}

    response = client.get(csv_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    titles = [row["title"] for row in csv_rows(b"".join(response.streaming_content))]
    assert titles == ["Alpha", "Beta", "Gamma"]
    assert "Last-Modified" in response

    assert client.get(xml_url).status_code == 404

    not_modified = client.get(csv_url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert not_modified.status_code == 304

    home = client.get("/").content.decode()
    assert csv_url in home and xml_url in home
    assert client.get("/downloads/other.csv").status_code == 404


def test_the_public_iati_file_is_valid(client):
    call_command("load_portfolio", stdout=io.StringIO())
    call_command("regenerate_public_files", stdout=io.StringIO())
    response = client.get("/downloads/cities-alliance-iati-activities.xml")
    document = etree.fromstring(b"".join(response.streaming_content))
    assert schema_errors(document) == []
    public = PublicFile.objects.get(kind=PublicFileKind.IATI)
    assert public.rows == len(document.findall("iati-activity")) > 5


def test_regenerating_replaces_the_file_and_deletes_the_old_one(client, portfolio):
    call_command("regenerate_public_files", stdout=io.StringIO())
    first = PublicFile.objects.get(kind=PublicFileKind.CSV)
    old_path = first.file.path
    portfolio["draft"].status = PublicationStatus.PUBLISHED
    portfolio["draft"].published_at = timezone.now() - datetime.timedelta(days=1)
    portfolio["draft"].save()
    call_command("regenerate_public_files", stdout=io.StringIO())
    second = PublicFile.objects.get(kind=PublicFileKind.CSV)
    assert second.rows == 4
    import os

    assert os.path.exists(second.file.path)
    assert second.file.path == old_path or not os.path.exists(old_path)
    assert PublicFile.objects.count() == 1  # CSV only: nothing here is exportable to IATI


# -- /healthz -------------------------------------------------------------------------------


def test_healthz_reports_each_component(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["components"]) == {"database", "cache", "broker"}
    assert body["components"]["database"]["status"] == "ok"
    assert "eager" in body["components"]["broker"]["note"]  # no REDIS_URL here
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_a_load_balancer_probing_by_ip_address(client):
    """Its Host header is not one of ALLOWED_HOSTS; every other page refuses it."""
    assert client.get("/healthz", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7").status_code == 400
