"""Test data built through the factories: a small published portfolio that can grow."""

from tests import factories


class Portfolio:
    """A small published portfolio that can be grown: more programmes, JWPs and outputs, and
    more related rows on the very items whose detail pages are measured."""

    def __init__(self):
        self.windows = [
            factories.FundingWindowFactory(code="country-city"),
            factories.FundingWindowFactory(code="global"),
        ]
        self.themes = factories.ThemeFactory.create_batch(3)
        self.instrument = factories.InstrumentFactory(window=self.windows[0])
        self.programme = self._programme()
        self.jwp = self._jwp()
        self.output = factories.OutputFactory(published=True, jwp=self.jwp)
        self.output.themes.add(*self.themes)
        factories.DocumentFactory(published=True, slug="standard-operating-procedures")

    def _programme(self):
        programme = factories.ProgrammeFactory(published=True, instrument=self.instrument)
        self._enrich_programme(programme)
        return programme

    def _enrich_programme(self, programme):
        country = factories.CountryFactory()
        programme.themes.add(*self.themes)
        programme.countries.add(country)
        programme.cities.add(factories.CityFactory(country=country))
        programme.dimensions.add(factories.DimensionFactory())
        factories.ProgrammePartnerFactory(programme=programme, role="1")
        factories.ProgrammePartnerFactory(programme=programme, role="4")
        factories.ActivityFactory(programme=programme, level="community")
        factories.ActivityFactory(programme=programme, level="national")
        factories.ProgrammeFactory(published=True, parent=programme, instrument=self.instrument)
        factories.OutputFactory(published=True, jwp=None, programme=programme)

    def _jwp(self):
        jwp = factories.JointWorkProgrammeFactory(published=True)
        self._enrich_jwp(jwp, lead=True)
        return jwp

    def _enrich_jwp(self, jwp, lead=False):
        jwp.themes.add(*self.themes)
        factories.MembershipFactory(jwp=jwp, is_lead=lead)
        factories.MembershipFactory(jwp=jwp)
        phase = factories.PhaseFactory(jwp=jwp)
        factories.OutputFactory(published=True, jwp=jwp, phase=phase)
        factories.LessonFactory(published=True, jwp=jwp, programme=self.programme)

    def grow(self, times=4):
        for _ in range(times):
            self._programme()
            self._jwp()
            factories.OutputFactory(published=True, jwp=self.jwp).themes.add(*self.themes)
            self._enrich_programme(self.programme)
            self._enrich_jwp(self.jwp)


# The inlines of classifications/admin.py and finances/admin.py in an activity's admin form,
# empty.
NO_ACTIVITY_ROWS = {
    f"{prefix}-{field}": 0
    for prefix in (
        "sectors",
        "policymarkers",
        "contacts",
        "budgets",
        "planneddisbursements",
        "transactions",
    )
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}
# A programme's recipient countries inline (programmes/admin.py), empty.
NO_COUNTRY_ROWS = {"recipient_countries-TOTAL_FORMS": 0, "recipient_countries-INITIAL_FORMS": 0}
