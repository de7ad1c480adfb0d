"""factory-boy factories for every model. Publishable factories build drafts by default."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apitokens.services import DEFAULT_LIFETIME, token_issue
from classifications.models import Contact, PolicyMarker, Sector
from finances.models import Budget, PlannedDisbursement, Transaction
from jwp.models import JointWorkProgramme, Lesson, Membership, Output, OutputKind, Phase
from programmes.models import (
    Activity,
    ActivityLevel,
    City,
    Country,
    Dimension,
    Organisation,
    Programme,
    ProgrammePartner,
)
from publishing.models import Document, PublicationStatus, Revision
from publishing.revisions import snapshot
from publishing.roles import EDITORS, PUBLISHERS
from windows.models import FundingWindow, Instrument, InstrumentKind, Theme, WindowCode

# ``SomeFactory(published=True)`` builds an item published a day ago.
PUBLISHED = factory.Trait(
    status=PublicationStatus.PUBLISHED,
    published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(1)),
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")


def issue_token(user, *, name="Test token", expires=DEFAULT_LIFETIME) -> str:
    """The one way tests get an API token: issued by the service the admin and the
    ``issue_token`` command use. Returns the key, for ``Authorization: Token <key>``."""
    _token, key = token_issue(user=user, name=name, expires=expires)
    return key


class EditorFactory(UserFactory):
    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=EDITORS))


class PublisherFactory(UserFactory):
    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=PUBLISHERS))


class FundingWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingWindow
        django_get_or_create = ["code"]

    code = WindowCode.COUNTRY_CITY
    name = factory.LazyAttribute(lambda window: WindowCode(window.code).label)
    slug = factory.LazyAttribute(lambda window: window.code)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    window = factory.SubFactory(FundingWindowFactory)
    kind = InstrumentKind.COUNTRY_PROGRAMME
    name = factory.Sequence(lambda n: f"Instrument {n}")
    slug = factory.Sequence(lambda n: f"instrument-{n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
    dac_sector_code = "43030"


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country

    iso2 = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    iso3 = factory.Sequence(lambda n: f"Q{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Country {n}")
    region = "289"


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    country = factory.SubFactory(CountryFactory)
    is_secondary = True
    latitude = Decimal("3.02")
    longitude = Decimal("30.91")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    org_type = "40"


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dimension

    name = factory.Sequence(lambda n: f"dimension {n}")
    slug = factory.Sequence(lambda n: f"dimension-{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    instrument = factory.SubFactory(InstrumentFactory)
    iati_identifier = factory.Sequence(lambda n: f"XX-TEST-P{n}")
    title = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    summary = "A programme built by a test."
    planned_start = datetime.date(2016, 1, 1)
    planned_end = datetime.date(2019, 12, 31)
    budget = Decimal("1000000")
    currency = "USD"

    class Params:
        published = PUBLISHED


class ProgrammePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammePartner

    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "4"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    level = ActivityLevel.COMMUNITY


class JointWorkProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointWorkProgramme

    title = factory.Sequence(lambda n: f"Joint Work Programme {n}")
    slug = factory.Sequence(lambda n: f"jwp-{n}")
    iati_identifier = factory.Sequence(lambda n: f"XX-TEST-J{n}")
    summary = "A JWP built by a test."

    class Params:
        published = PUBLISHED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    jwp = factory.SubFactory(JointWorkProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    jwp = factory.SubFactory(JointWorkProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Phase {n}")
    start = datetime.date(2014, 1, 1)
    end = datetime.date(2016, 12, 31)


class OutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Output

    title = factory.Sequence(lambda n: f"Output {n}")
    slug = factory.Sequence(lambda n: f"output-{n}")
    kind = OutputKind.RESEARCH_REPORT
    date = datetime.date(2016, 11, 1)
    jwp = factory.SubFactory(JointWorkProgrammeFactory)

    class Params:
        published = PUBLISHED


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "Learnt in a country, taken up by a JWP."
    # Published owners: a published lesson is then public, as it would be in real use.
    programme = factory.SubFactory(ProgrammeFactory, published=True)
    jwp = factory.SubFactory(JointWorkProgrammeFactory, published=True)

    class Params:
        published = PUBLISHED


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Document {n}")
    slug = factory.Sequence(lambda n: f"document-{n}")
    file = factory.django.FileField(filename="doc.pdf", data=b"%PDF-1.4\n%%EOF\n")

    class Params:
        published = PUBLISHED


class RevisionFactory(factory.django.DjangoModelFactory):
    """A pending revision of a published programme that changes its title."""

    class Meta:
        model = Revision

    class Params:
        of = factory.SubFactory(ProgrammeFactory, published=True)

    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.of))
    object_id = factory.LazyAttribute(lambda o: o.of.pk)
    base = factory.LazyAttribute(lambda o: snapshot(o.of))
    proposed = factory.LazyAttribute(
        lambda o: {**o.base, "fields": {**o.base["fields"], "title": f"{o.of.title} (revised)"}}
    )
    created_by = factory.SubFactory(EditorFactory)


class BudgetFactory(factory.django.DjangoModelFactory):
    """A budget for one calendar year of a programme."""

    class Meta:
        model = Budget

    programme = factory.SubFactory(ProgrammeFactory)
    period_start = datetime.date(2015, 1, 1)
    period_end = datetime.date(2015, 12, 31)
    value = Decimal("250000.00")
    currency = "USD"
    value_date = datetime.date(2015, 1, 1)


class PlannedDisbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedDisbursement

    programme = factory.SubFactory(ProgrammeFactory)
    period_start = datetime.date(2016, 1, 1)
    period_end = datetime.date(2016, 6, 30)
    value = Decimal("100000.00")
    currency = "USD"
    value_date = datetime.date(2016, 1, 1)


class TransactionFactory(factory.django.DjangoModelFactory):
    """A disbursement of a programme."""

    class Meta:
        model = Transaction

    programme = factory.SubFactory(ProgrammeFactory)
    type = "3"
    date = datetime.date(2015, 6, 1)
    value = Decimal("50000.00")
    currency = "USD"
    value_date = datetime.date(2015, 6, 1)


class SectorFactory(factory.django.DjangoModelFactory):
    """A DAC 5-digit sector of a programme, its share not given."""

    class Meta:
        model = Sector

    programme = factory.SubFactory(ProgrammeFactory)
    vocabulary = "1"
    code = "43030"


class PolicyMarkerFactory(factory.django.DjangoModelFactory):
    """Gender equality as a significant objective of a programme."""

    class Meta:
        model = PolicyMarker

    programme = factory.SubFactory(ProgrammeFactory)
    vocabulary = "1"
    code = "1"
    significance = "1"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    programme = factory.SubFactory(ProgrammeFactory)
    type = "1"
    organisation = "Cities Alliance Secretariat"
    email = "info@example.org"
