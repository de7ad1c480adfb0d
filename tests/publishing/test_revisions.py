"""Changes to published content go through review: an edit by someone who may not publish is
a pending revision; the public keeps the live version until a Publisher approves it; reject
returns it with a comment; a part changed on both sides is a conflict. Services, API, admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from jwp import services as jwp_services
from programmes import services as programme_services
from programmes.models import Programme, ProgrammePartner
from publishing import services
from publishing.models import Revision, RevisionStatus
from tests import factories
from tests.builders import NO_ACTIVITY_ROWS, NO_COUNTRY_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return factories.EditorFactory(email="editor@example.org")


@pytest.fixture
def publisher():
    return factories.PublisherFactory(email="publisher@example.org")


@pytest.fixture
def live():
    programme = factories.ProgrammeFactory(published=True, title="Uganda TSUPU", slug="uganda")
    programme.themes.add(factories.ThemeFactory(slug="gender", name="Gender"))
    factories.ProgrammePartnerFactory(programme=programme, role="4")
    factories.ActivityFactory(programme=programme, title="Community upgrading fund")
    return programme


def edit(programme, user, **data):
    return services.edit(
        obj=programme,
        user=user,
        write=lambda: programme_services.programme_update(
            user=user, programme=programme, data=data
        ),
    )


def test_an_editors_edit_of_a_published_programme_is_a_pending_revision(live, editor):
    revision = edit(live, editor, title="Uganda TSUPU, renamed")
    assert isinstance(revision, Revision)
    assert revision.status == RevisionStatus.PENDING and revision.created_by == editor
    live.refresh_from_db()
    assert live.title == "Uganda TSUPU"  # nothing live changed
    assert live.history.count() == 1  # and no history entry either
    assert revision.proposed["fields"]["title"] == "Uganda TSUPU, renamed"
    changes = services.revisions.describe(Programme, revision.base, revision.proposed)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("title", "Uganda TSUPU", "Uganda TSUPU, renamed")
    ]


def test_a_publisher_edits_live_and_a_draft_is_edited_directly(live, editor, publisher):
    edited = edit(live, publisher, title="By a publisher")
    assert isinstance(edited, Programme) and edited.title == "By a publisher"
    draft = factories.ProgrammeFactory(title="Draft")
    assert edit(draft, editor, title="Draft, edited").title == "Draft, edited"
    assert not Revision.objects.exists()


def test_an_invalid_edit_is_refused_and_leaves_no_revision(live, editor):
    with pytest.raises(ValidationError) as caught:
        edit(live, editor, planned_start=live.planned_end, planned_end=live.planned_start)
    assert "planned_end" in caught.value.message_dict
    assert not Revision.objects.exists()


def test_an_edit_that_changes_nothing_leaves_no_revision(live, editor):
    assert edit(live, editor, title=live.title) is None
    assert not Revision.objects.exists()


def test_approval_publishes_the_change_with_a_history_entry(live, editor, publisher):
    revision = edit(live, editor, title="Renamed", summary="New summary.")
    services.revision_approve(revision=revision, user=publisher)
    live.refresh_from_db()
    assert (live.title, live.summary) == ("Renamed", "New summary.")
    assert live.is_published
    entry = live.history.first()
    assert entry.history_user == publisher
    assert entry.history_change_reason == f"Revision by {editor.username} approved"
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.APPROVED and revision.decided_by == publisher


def test_a_revision_covers_related_rows_and_relations(live, editor, publisher):
    organisation = factories.OrganisationFactory(name="Slum Dwellers International")
    migration = factories.ThemeFactory(slug="migration", name="Migration")
    partner = live.partners.get()
    partner_pk = partner.pk
    activity = live.activities.get()

    def write():
        programme_services.programme_update(
            user=editor, programme=live, data={"themes": [migration]}
        )
        partner.delete()
        ProgrammePartner.objects.create(programme=live, organisation=organisation, role="4")
        activity.title = "Community upgrading fund, phase II"
        activity.save()

    revision = services.edit(obj=live, user=editor, write=write)
    assert live.partners.get().pk == partner_pk  # live rows untouched
    assert live.activities.get().title == "Community upgrading fund"
    changes = {
        c.part: c for c in services.revisions.describe(Programme, revision.base, revision.proposed)
    }
    assert changes["m2m.themes"].before == "Gender" and changes["m2m.themes"].after == "Migration"
    assert {row.action for row in changes["rows.partners"].rows} == {"added", "removed"}
    (changed,) = changes["rows.activities"].rows
    assert changed.action == "changed"
    assert (
        "title",
        "Community upgrading fund",
        "Community upgrading fund, phase II",
    ) in changed.fields

    services.revision_approve(revision=revision, user=publisher)
    assert list(live.themes.values_list("slug", flat=True)) == ["migration"]
    assert list(live.partners.values_list("organisation__name", flat=True)) == [
        "Slum Dwellers International"
    ]
    assert live.activities.get().pk == activity.pk
    assert live.activities.get().title == "Community upgrading fund, phase II"


def test_a_second_edit_replaces_the_pending_revision(live, editor):
    first = edit(live, editor, title="First try")
    second = edit(live, editor, title="Second try")
    assert first.pk == second.pk
    assert Revision.objects.get().proposed["fields"]["title"] == "Second try"


def test_reject_needs_a_comment_and_leaves_the_live_item(live, editor, publisher):
    revision = edit(live, editor, title="Not this")
    with pytest.raises(ValidationError):
        services.revision_reject(revision=revision, user=publisher, comment="  ")
    services.revision_reject(revision=revision, user=publisher, comment="Keep the name.")
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.REJECTED and revision.comment == "Keep the name."
    live.refresh_from_db()
    assert live.title == "Uganda TSUPU"
    with pytest.raises(ValidationError):
        services.revision_approve(revision=revision, user=publisher)


def test_an_editor_can_neither_approve_nor_reject(live, editor):
    revision = edit(live, editor, title="Mine")
    with pytest.raises(PermissionDenied):
        services.revision_approve(revision=revision, user=editor)
    with pytest.raises(PermissionDenied):
        services.revision_reject(revision=revision, user=editor, comment="no")


def test_a_part_changed_live_since_the_revision_is_a_conflict(live, editor, publisher):
    revision = edit(live, editor, title="Editor's title", summary="Editor's summary.")
    edit(live, publisher, title="Publisher's title")  # live, meanwhile
    assert services.revision_conflicts(revision) == {"fields.title"}
    with pytest.raises(ValidationError) as caught:
        services.revision_approve(revision=revision, user=publisher)
    assert "title" in " ".join(caught.value.messages)
    live.refresh_from_db()
    assert (live.title, live.summary) == ("Publisher's title", "A programme built by a test.")


def test_a_change_live_to_another_part_is_kept_on_approval(live, editor, publisher):
    revision = edit(live, editor, title="Editor's title")
    edit(live, publisher, summary="Publisher's summary.")
    services.revision_approve(revision=revision, user=publisher)
    live.refresh_from_db()
    assert (live.title, live.summary) == ("Editor's title", "Publisher's summary.")


def test_outputs_link_changes_go_through_review_too(editor, publisher):
    output = factories.OutputFactory(published=True, jwp__published=True, url="https://ok.example")
    revision = services.edit(
        obj=output,
        user=editor,
        write=lambda: jwp_services.output_update(
            user=editor, output=output, data={"url": "https://phishing.example/login"}
        ),
    )
    output.refresh_from_db()
    assert output.url == "https://ok.example"
    services.revision_approve(revision=revision, user=publisher)
    output.refresh_from_db()
    assert output.url == "https://phishing.example/login"


def test_notices_go_to_publishers_then_back_to_the_editor(
    live, editor, publisher, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        revision = edit(live, editor, title="Renamed")
    assert [message.to for message in mailoutbox] == [["publisher@example.org"]]
    assert "Change to review" in mailoutbox[0].subject
    assert f"/admin/publishing/revision/{revision.pk}/change/" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_reject(revision=revision, user=publisher, comment="Keep the name.")
    assert mailoutbox[-1].to == ["editor@example.org"]
    assert "Keep the name." in mailoutbox[-1].body


# -- the API -----------------------------------------------------------------------------------


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.issue_token(user)}")
    return client


def test_an_editors_patch_is_202_with_the_revision_and_the_public_sees_the_live_item(
    live, editor, publisher
):
    url = f"/api/v1/programmes/{live.slug}/"
    response = token_client(editor).patch(url, {"title": "Hacked"}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["revision"]["status"] == "pending"
    assert body["revision"]["changes"][0]["field"] == "title"
    assert body["revision"]["changes"][0]["after"] == "Hacked"
    public = APIClient().get(url).json()
    assert public["title"] == "Uganda TSUPU" and public["status"] == "published"
    assert APIClient().get(f"/programmes/{live.slug}/").content.count(b"Hacked") == 0
    # A Publisher's PATCH is live at once.
    response = token_client(publisher).patch(url, {"title": "Renamed"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Renamed"


# -- the admin ---------------------------------------------------------------------------------


def test_admin_edit_by_an_editor_waits_and_a_publisher_approves_it(client, live, editor, publisher):
    url = reverse("admin:programmes_programme_change", args=[live.pk])
    client.force_login(editor)
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    partner = live.partners.get()
    activity = live.activities.get()
    data |= {
        "title": "Uganda TSUPU (edited)",
        "themes": [theme.pk for theme in live.themes.all()],
        "cities": [],
        "dimensions": [],
        "partners-TOTAL_FORMS": 1,
        "partners-INITIAL_FORMS": 1,
        "partners-0-id": partner.pk,
        "partners-0-programme": live.pk,
        "partners-0-organisation": partner.organisation_id,
        "partners-0-role": partner.role,
        "activities-TOTAL_FORMS": 1,
        "activities-INITIAL_FORMS": 1,
        "activities-0-id": activity.pk,
        "activities-0-programme": live.pk,
        "activities-0-title": activity.title,
        "activities-0-level": activity.level,
        "activities-0-order": activity.order,
        "activities-0-description": activity.description,
        **NO_ACTIVITY_ROWS,
        **NO_COUNTRY_ROWS,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    live.refresh_from_db()
    assert live.title == "Uganda TSUPU"
    revision = Revision.objects.get()
    assert client.get(f"/programmes/{live.slug}/").content.count(b"(edited)") == 0

    review = reverse("admin:publishing_revision_change", args=[revision.pk])
    page = client.get(review)
    assert page.status_code == 200 and b"Uganda TSUPU (edited)" in page.content
    assert b"_approve" not in page.content  # an editor reads, a publisher decides
    assert client.post(review, {"_approve": "1"}).status_code == 403

    client.force_login(publisher)
    page = client.get(review)
    assert b"_approve" in page.content and b"<del>Uganda TSUPU</del>" in page.content
    client.post(review, {"_approve": "1"})
    live.refresh_from_db()
    assert live.title == "Uganda TSUPU (edited)"
    client.logout()
    assert b"Uganda TSUPU (edited)" in client.get(f"/programmes/{live.slug}/").content


def test_rows_of_a_published_item_are_read_only_in_their_own_lists(client, live, editor):
    """An activity or partner of a published programme changes only in the programme's form
    (as a revision); their own admin lists must not be a way around review."""
    client.force_login(editor)
    activity = live.activities.get()
    url = reverse("admin:programmes_activity_change", args=[activity.pk])
    assert client.get(url).status_code == 200  # shown
    data = {"programme": live.pk, "title": "Changed live", "level": activity.level, "order": 0}
    assert client.post(url, data).status_code == 403
    activity.refresh_from_db()
    assert activity.title == "Community upgrading fund"

    add = reverse("admin:programmes_programmepartner_add")
    organisation = factories.OrganisationFactory()
    response = client.post(
        add, {"programme": live.pk, "organisation": organisation.pk, "role": "4"}
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "is published: add or change its rows in its own form" in response.content.decode()
    assert live.partners.count() == 1

    draft = factories.ProgrammeFactory()
    response = client.post(
        add, {"programme": draft.pk, "organisation": organisation.pk, "role": "4"}
    )
    assert response.status_code == 302 and draft.partners.count() == 1
