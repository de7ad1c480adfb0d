"""Database constraints of JWPs, phases, memberships, outputs and lessons."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from jwp.models import Output
from tests.factories import (
    JointWorkProgrammeFactory,
    LessonFactory,
    MembershipFactory,
    OutputFactory,
    PhaseFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def rejected(write) -> str:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        write()
    return str(error.value)


def test_phase_numbers_unique_within_a_jwp():
    phase = PhaseFactory(number=1)
    assert "phase_number_unique_in_jwp" in rejected(lambda: PhaseFactory(jwp=phase.jwp, number=1))
    PhaseFactory(number=1)  # another JWP may have its own phase 1


def test_phase_number_starts_at_one():
    assert "phase_number_positive" in rejected(lambda: PhaseFactory(number=0))


def test_phase_end_not_before_start():
    message = rejected(
        lambda: PhaseFactory(start=datetime.date(2017, 1, 1), end=datetime.date(2016, 1, 1))
    )
    assert "phase_end_after_start" in message


def test_jwp_end_not_before_start():
    message = rejected(
        lambda: JointWorkProgrammeFactory(
            start=datetime.date(2017, 1, 1), end=datetime.date(2016, 1, 1)
        )
    )
    assert "jwp_end_after_start" in message


def test_jwp_slug_and_iati_identifier_unique():
    JointWorkProgrammeFactory(slug="same", iati_identifier="XX-SAME")
    assert "slug" in rejected(lambda: JointWorkProgrammeFactory(slug="same"))
    assert "iati_identifier" in rejected(
        lambda: JointWorkProgrammeFactory(iati_identifier="XX-SAME")
    )


def test_one_lead_per_jwp_and_one_membership_per_organisation():
    lead = MembershipFactory(is_lead=True)
    message = rejected(lambda: MembershipFactory(jwp=lead.jwp, is_lead=True))
    assert "membership_one_lead_per_jwp" in message
    MembershipFactory(jwp=lead.jwp, is_lead=False)
    message = rejected(lambda: MembershipFactory(jwp=lead.jwp, organisation=lead.organisation))
    assert "membership_unique" in message


def test_output_needs_an_owner():
    message = rejected(lambda: OutputFactory(jwp=None, programme=None))
    assert "output_has_owner" in message


def test_output_owned_by_a_programme_alone_is_fine():
    output = OutputFactory(jwp=None, programme=ProgrammeFactory())
    assert Output.objects.filter(pk=output.pk).exists()


def test_output_phase_needs_its_jwp():
    phase = PhaseFactory()
    message = rejected(lambda: OutputFactory(jwp=None, programme=ProgrammeFactory(), phase=phase))
    assert "output_phase_needs_jwp" in message


def test_output_slug_unique_and_kind_known():
    OutputFactory(slug="same")
    assert "slug" in rejected(lambda: OutputFactory(slug="same"))
    assert "output_kind_valid" in rejected(lambda: OutputFactory(kind="novel"))


def test_lesson_slug_unique():
    LessonFactory(slug="same")
    assert "slug" in rejected(lambda: LessonFactory(slug="same"))
