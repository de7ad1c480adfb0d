"""The rule of shares: the sectors of one vocabulary, or the recipient countries, of an
activity each carry a percentage, and together they make 100.

One item alone needs no percentage (or 100). Several need one each, adding up to exactly 100;
until someone knows them they may all stay empty, and the activity is then *incomplete*: it
is saved, the admin's IATI column names it, and the IATI file leaves it out. Some given and
some not, or a sum other than 100, is an *error*: a form, the bulk import and the IATI import
refuse it. Nothing here ever fills a percentage in; ``even_split`` is what the admin
*proposes*, for an editor to confirm or change.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

HUNDRED = Decimal(100)


def _groups(items: Iterable[tuple[Hashable, Decimal | None]]) -> dict:
    groups: dict = defaultdict(list)
    for key, percentage in items:
        groups[key].append(None if percentage is None else Decimal(percentage))
    return groups


def share_errors(items: Iterable[tuple[Hashable, Decimal | None]], *, label) -> list[str]:
    """What is wrong with the shares: ``items`` are (group, percentage) pairs, a group being a
    vocabulary (or one group for countries); ``label(group)`` names a group in a message."""
    errors = []
    for key, shares in _groups(items).items():
        given = [share for share in shares if share is not None]
        if len(shares) == 1:
            if given and given[0] != HUNDRED:
                errors.append(
                    _("%(what)s: a single one is 100 %% or left empty, not %(share)s %%.")
                    % {"what": label(key), "share": _plain(given[0])}
                )
            continue
        if given and len(given) < len(shares):
            errors.append(
                _("%(what)s: give the percentage of every one (%(count)d), or of none.")
                % {"what": label(key), "count": len(shares)}
            )
        elif given and sum(given) != HUNDRED:
            errors.append(
                _("%(what)s: the percentages add up to %(total)s %%, not 100 %%.")
                % {"what": label(key), "total": _plain(sum(given))}
            )
    return errors


def _plain(value: Decimal) -> str:
    """110, 99.5: a percentage as people write it."""
    return f"{value.normalize():f}"


def incomplete_groups(items: Iterable[tuple[Hashable, Decimal | None]]) -> list:
    """The groups of several items whose percentages are not all given."""
    return [
        key
        for key, shares in _groups(items).items()
        if len(shares) > 1 and any(share is None for share in shares)
    ]


def even_split(count: int) -> list[Decimal]:
    """``count`` shares that add up to exactly 100, two decimals each, the last one adjusted:
    a proposal the admin shows for an editor to confirm, never saved on its own."""
    if count <= 0:
        return []
    share = (HUNDRED / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [HUNDRED - share * (count - 1)]
