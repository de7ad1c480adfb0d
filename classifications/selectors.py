"""What a page shows of an activity's classifications."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from programmes.iati_codes import SectorVocabulary
from programmes.models import DAC_5_DIGIT

from .models import Contact, PolicyMarker, Sector

VOCABULARY_LABELS = dict(SectorVocabulary.choices)


@dataclass(frozen=True)
class ReportedSector:
    vocabulary: str
    code: str
    label: str
    percentage: Decimal | None
    alone: bool  # the only one of its vocabulary: no share is needed

    @property
    def vocabulary_label(self) -> str:
        return str(VOCABULARY_LABELS.get(self.vocabulary, self.vocabulary))


def classification_prefetches() -> list:
    return [
        Prefetch("sectors", queryset=Sector.objects.order_by("vocabulary", "code")),
        Prefetch("policymarkers", queryset=PolicyMarker.objects.order_by("vocabulary", "code")),
        Prefetch("contacts", queryset=Contact.objects.order_by("type", "pk")),
    ]


def reported_sectors(activity) -> list[ReportedSector]:
    """The sectors the activity reports (its own rows; the DAC codes of its themes when it has
    no DAC 5-digit row), named by the theme where a theme has the code. Reads the prefetched
    ``sectors`` and ``themes``."""
    themes = list(activity.themes.all())
    rows = activity.reported_sectors()
    theme_names: dict[str, list[str]] = {}
    for theme in themes:
        theme_names.setdefault(theme.dac_sector_code, []).append(theme.name)
    per_vocabulary = Counter(vocabulary for vocabulary, *_rest in rows)
    reported = []
    for vocabulary, code, name, percentage in rows:
        if not name and vocabulary == DAC_5_DIGIT and code in theme_names:
            name = ", ".join(theme_names[code])
        reported.append(
            ReportedSector(
                vocabulary=vocabulary,
                code=code,
                label=f"{name} ({code})" if name else code,
                percentage=percentage,
                alone=per_vocabulary[vocabulary] == 1,
            )
        )
    return reported
