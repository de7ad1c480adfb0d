"""The IATI Standard's rulesets applied to an IATI document: the checks beyond the XML schema
that the IATI Validator makes (``IATI_RULESETS_PATH``, by default
``../shared/iati/rulesets/standard.json``; the rule types are described in ``SPEC.rst``
beside it).

``check(document)`` evaluates every case of every rule at every element its context XPath
selects, with lxml XPath relative to that element, and returns a ``Report``: one ``Finding``
per failed case and element (rule id, severity, message, the activity's ``iati-identifier``
or the organisation's ``organisation-identifier``, source line), and the ids of the rules
it could not check. ``StreamCheck`` does the same to an ``iati-activities`` document as
``iati.export.activities_document`` yields it, one activity at a time.

Where SPEC.rst is terse, a rule means what the IATI Validator (IATI/js-validator-api) makes
of it, with two choices of our own, both stricter than the Validator, so a document that
passes here passes there:

- ``condition``, ``if`` and ``then`` are XPath booleans: an empty node-set is false. (The
  Validator tests the JavaScript value, in which an empty node-set is true, so that, e.g.,
  rule 3.7.1's ``then`` can never fail there.)
- Where a date path matches several dates, every one is compared; the Validator reads the
  first. Dates are compared on their date part (a date-time with an offset is taken in UTC
  first); "NOW" and ``date_now`` compare with today in UTC. An unreadable or missing date
  leaves the case unchecked, as the Validator does (the schema catches the format).

The rest as the Validator has it: ``time_limit`` fails when the end is more than 365 days
after the start; ``between_dates`` includes both ends; ``strict_sum`` compares the exact
decimal sum (non-numbers fail it), ``range`` compares decimals with bounds included;
``regex_matches`` and ``no_spaces`` pass empty texts; ``one_or_all`` passes when ``one``
matches and otherwise needs, for ``lang``, an ``xml:lang`` on every narrative beneath, for
``currency``, a ``@currency`` on every value, forecast and loan-status beneath, for
``sector``, a sector in every transaction; a ``loop`` runs each case of ``do`` once per
distinct value of ``foreach``, with ``$1`` replaced by it in the keys ``subs`` lists, and
only in those (so standard.json's loop form of 2.1.2, whose ``condition`` is not in its
``subs``, never applies, there as here).

Not checked: cases with an ``idCondition`` (NOT_EXISTING_ORG_ID, NOT_EXISTING_ORG_ID_PREFIX)
and ``startswith`` against the ``ORG-ID-PREFIX`` list need the IATI Registry's lists of
publishers and organisation-identifier prefixes, which this project does not have. Their
rule ids are in ``Report.skipped``, whether or not the document has what they would check.
"""

import functools
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from lxml import etree

ERROR, WARNING = "error", "warning"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REGISTRY_PREFIXES = "ORG-ID-PREFIX"
TIME_LIMIT_DAYS = 365
CAMEL_CASE = {
    "atLeastOne": "atleast_one",
    "noMoreThanOne": "no_more_than_one",
    "oneOrAll": "one_or_all",
    "startsWith": "startswith",
    "dateNow": "date_now",
    "dateOrder": "date_order",
    "timeLimit": "time_limit",
    "betweenDates": "between_dates",
    "regexMatches": "regex_matches",
    "noSpaces": "no_spaces",
    "strictSum": "strict_sum",
    "ifThen": "if_then",
}
_DATE = re.compile(
    r"(?P<day>\d{4}-\d{2}-\d{2})"
    r"(?P<time>T\d{2}:\d{2}:\d{2}(?:\.\d+)?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?$"
)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    identifier: str | None
    line: int | None
    detail: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "line unknown"
        text = f"{self.rule} {self.severity} at {where} ({self.identifier}): {self.message}"
        return f"{text} [{self.detail}]" if self.detail else text


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    skipped: tuple[str, ...] = ()  # rule ids that need the IATI Registry: not checked

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity != ERROR]


@dataclass(frozen=True)
class _Fault:
    """Why a case failed at one element: the node at fault (for its line) and the values."""

    at: object = None
    detail: str = ""


# -- the ruleset ---------------------------------------------------------------------------


def ruleset_path() -> Path:
    path = Path(settings.IATI_RULESETS_PATH)
    if not path.is_file():
        raise ImproperlyConfigured(
            f"IATI ruleset not found at IATI_RULESETS_PATH={settings.IATI_RULESETS_PATH!r}."
        )
    return path


@functools.cache
def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def load_ruleset() -> dict:
    return _load(ruleset_path())


def _needs_registry(case: dict) -> bool:
    return "idCondition" in case or case.get("prefix") in ([REGISTRY_PREFIXES], REGISTRY_PREFIXES)


def _cases(ruleset: dict):
    """(context, rule type, case) of every case, the cases inside loops included."""
    for context, rules in ruleset.items():
        for rule_type, rule in rules.items():
            for case in rule["cases"]:
                if _rule_type(rule_type) == "loop":
                    for inner_type, inner in case["do"].items():
                        for inner_case in inner["cases"]:
                            yield context, inner_type, inner_case
                else:
                    yield context, rule_type, case


def skipped_rules(ruleset: dict) -> tuple[str, ...]:
    return tuple(
        sorted(
            {case["ruleInfo"]["id"] for _, _, case in _cases(ruleset) if _needs_registry(case)},
            key=lambda rule_id: [int(part) for part in rule_id.split(".")],
        )
    )


def _rule_type(name: str) -> str:
    return CAMEL_CASE.get(name, name)


# -- XPath ---------------------------------------------------------------------------------

_compiled = threading.local()


def _xpath(expression: str) -> etree.XPath:
    """The compiled expression; compiled XPath objects are kept per thread."""
    cache = _compiled.__dict__.setdefault("cache", {})
    compiled = cache.get(expression)
    if compiled is None:
        compiled = cache[expression] = etree.XPath(expression)
    return compiled


def _select(element, paths) -> list:
    paths = [paths] if isinstance(paths, str) else paths
    matches = []
    for path in paths:
        result = _xpath(path)(element)
        matches.extend(result if isinstance(result, list) else [result])
    return matches


def _true(element, expression: str) -> bool:
    return bool(_xpath(f"boolean({expression})")(element))


def _text(node) -> str:
    if isinstance(node, etree._Element):
        return "".join(node.itertext())
    return str(node)


def _line(node) -> int | None:
    if isinstance(node, etree._Element):
        return node.sourceline
    parent = getattr(node, "getparent", lambda: None)()
    return parent.sourceline if parent is not None else None


def _owner(element) -> str | None:
    for node in itertools.chain([element], element.iterancestors()):
        if node.tag == "iati-activity":
            return node.findtext("iati-identifier")
        if node.tag == "iati-organisation":
            return node.findtext("organisation-identifier")
    return None


# -- dates ---------------------------------------------------------------------------------


def _day(text: str) -> date | None:
    """The date part of an xs:date or xs:dateTime; a date-time with an offset in UTC."""
    found = _DATE.match(text.strip())
    if not found:
        return None
    if found["time"] and found["zone"]:
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
            return moment.astimezone(UTC).date()
        except ValueError:
            pass
    try:
        return date.fromisoformat(found["day"])
    except ValueError:
        return None


def _dates(element, path: str, today: date) -> list[tuple[date, object]]:
    """(date, node) of every readable date ``path`` matches; "NOW" is today."""
    if path == "NOW":
        return [(today, None)]
    found = []
    for node in _select(element, path):
        day = _day(_text(node))
        if day is not None:
            found.append((day, node))
    return found


# -- the rule types: each returns None when the case passes at the element, else a _Fault ---


def _no_more_than_one(element, case, today):
    matches = _select(element, case["paths"])
    if len(matches) > 1:
        return _Fault(matches[1], f"{len(matches)} found")
    return None


def _atleast_one(element, case, today):
    return None if _select(element, case["paths"]) else _Fault(detail="none found")


def _unique(element, case, today):
    seen = set()
    for node in _select(element, case["paths"]):
        text = _text(node)
        if text in seen:
            return _Fault(node, f"{text!r} appears more than once")
        seen.add(text)
    return None


def _startswith(element, case, today):
    separator = case.get("separator", "")
    starts = [_text(node) + separator for node in _select(element, case["prefix"])]
    for node in _select(element, case["paths"]):
        text = _text(node)
        if not any(text.startswith(start) for start in starts):
            return _Fault(node, f"{text!r} does not start with any of {starts}")
    return None


def _one_or_all(element, case, today):
    if _select(element, case["one"]):
        return None
    wanted = case["all"]
    if wanted == "lang":
        lacking = [n for n in element.iterdescendants("narrative") if n.get(XML_LANG) is None]
    elif wanted == "currency":
        lacking = [
            node
            for node in element.iterdescendants("value", "forecast", "loan-status")
            if node.get("currency") is None
        ]
    elif wanted == "sector":
        lacking = [t for t in element.iterchildren("transaction") if t.find("sector") is None]
    else:
        raise ImproperlyConfigured(f"one_or_all: unknown 'all' value {wanted!r}")
    if lacking:
        return _Fault(lacking[0], f"{len(lacking)} without {wanted}, and no {case['one']}")
    return None


def _date_now(element, case, today):
    for day, node in _dates(element, case["date"], today):
        if day > today:
            return _Fault(node, f"{day} is after today, {today}")
    return None


def _date_order(element, case, today):
    less, more = _dates(element, case["less"], today), _dates(element, case["more"], today)
    if not less or not more:
        return None
    latest, latest_node = max(less, key=lambda pair: pair[0])
    earliest, _ = min(more, key=lambda pair: pair[0])
    if latest > earliest:
        return _Fault(latest_node, f"{latest} is after {earliest}")
    return None


def _time_limit(element, case, today):
    starts, ends = _dates(element, case["start"], today), _dates(element, case["end"], today)
    if not starts or not ends:
        return None
    start, _ = min(starts, key=lambda pair: pair[0])
    end, end_node = max(ends, key=lambda pair: pair[0])
    if end - start > timedelta(days=TIME_LIMIT_DAYS):
        return _Fault(end_node, f"{start} to {end} is {(end - start).days} days")
    return None


def _between_dates(element, case, today):
    dates = _dates(element, case["date"], today)
    starts, ends = _dates(element, case["start"], today), _dates(element, case["end"], today)
    if not dates or not starts or not ends:
        return None
    start, end = max(day for day, _ in starts), min(day for day, _ in ends)
    for day, node in dates:
        if not start <= day <= end:
            return _Fault(node, f"{day} is outside {start} to {end}")
    return None


def _regex_matches(element, case, today):
    pattern = re.compile(case["regex"])
    for node in _select(element, case["paths"]):
        text = _text(node)
        if text and not pattern.search(text):
            return _Fault(node, f"{text!r} does not match {case['regex']}")
    return None


def _no_spaces(element, case, today):
    for node in _select(element, case["paths"]):
        text = _text(node)
        if text != text.strip():
            return _Fault(node, f"{text!r}")
    return None


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _strict_sum(element, case, today):
    matches = _select(element, case["paths"])
    total = Decimal(0)
    for node in matches:
        number = _decimal(_text(node))
        if number is None:
            return _Fault(node, f"{_text(node)!r} is not a number")
        total += number
    if total != Decimal(str(case["sum"])):
        return _Fault(matches[0] if matches else None, f"the sum is {total}, not {case['sum']}")
    return None


def _range(element, case, today):
    low = Decimal(str(case.get("min", "-Infinity")))
    high = Decimal(str(case.get("max", "Infinity")))
    for node in _select(element, case["paths"]):
        number = _decimal(_text(node))
        if number is None or not low <= number <= high:
            bounds = f"{case.get('min', 'any')} to {case.get('max', 'any')}"
            return _Fault(node, f"{_text(node)!r} is not within {bounds}")
    return None


def _if_then(element, case, today):
    if _true(element, case["if"]) and not _true(element, case["then"]):
        return _Fault(detail=f"{case['if']} holds but {case['then']} does not")
    return None


RULE_TYPES = {
    "no_more_than_one": _no_more_than_one,
    "atleast_one": _atleast_one,
    "unique": _unique,
    "startswith": _startswith,
    "one_or_all": _one_or_all,
    "date_now": _date_now,
    "date_order": _date_order,
    "time_limit": _time_limit,
    "between_dates": _between_dates,
    "regex_matches": _regex_matches,
    "no_spaces": _no_spaces,
    "strict_sum": _strict_sum,
    "range": _range,
    "if_then": _if_then,
}


# -- applying the ruleset ------------------------------------------------------------------


def _finding(element, case, fault: _Fault, line_offset: int) -> Finding:
    info = case["ruleInfo"]
    line = _line(fault.at) if fault.at is not None else None
    line = line or element.sourceline
    return Finding(
        rule=info["id"],
        severity=ERROR if info.get("severity") == ERROR else WARNING,
        message=info["message"],
        identifier=_owner(element),
        line=line + line_offset if line else None,
        detail=fault.detail,
    )


def _apply(element, rule_type: str, case: dict, today: date, line_offset: int):
    if _needs_registry(case):
        return None
    if "condition" in case and not _true(element, case["condition"]):
        return None
    try:
        rule = RULE_TYPES[rule_type]
    except KeyError:
        raise ImproperlyConfigured(f"IATI rule type {rule_type!r} is not implemented") from None
    fault = rule(element, case, today)
    return None if fault is None else _finding(element, case, fault, line_offset)


def _loop(element, case: dict, today: date, line_offset: int):
    values = list(dict.fromkeys(_text(node) for node in _select(element, case["foreach"])))
    for inner_type, inner in case["do"].items():
        for inner_case in inner["cases"]:
            for value in values:
                if "'" in value:  # it cannot be put into the rule's quoted XPath literal
                    fault = _Fault(element, f"the value {value!r} cannot be checked")
                    yield _finding(element, inner_case, fault, line_offset)
                    continue
                substituted = dict(inner_case)
                for key in case.get("subs", []):
                    if key not in inner_case:
                        continue
                    original = inner_case[key]
                    substituted[key] = (
                        original.replace("$1", value)
                        if isinstance(original, str)
                        else [path.replace("$1", value) for path in original]
                    )
                yield _apply(element, _rule_type(inner_type), substituted, today, line_offset)


def check(document, *, ruleset: dict | None = None, today: date | None = None, line_offset=0):
    """Apply ``ruleset`` (standard.json by default) to ``document`` (an lxml tree or any of
    its elements: the whole document is checked). ``line_offset`` is added to every line."""
    ruleset = load_ruleset() if ruleset is None else ruleset
    today = timezone.now().astimezone(UTC).date() if today is None else today
    tree = document.getroottree() if isinstance(document, etree._Element) else document
    findings = []
    for context, rules in ruleset.items():
        elements = _select(tree, context)
        for rule_name, rule in rules.items():
            rule_type = _rule_type(rule_name)
            for case in rule["cases"]:
                for element in elements:
                    if rule_type == "loop":
                        found = _loop(element, case, today, line_offset)
                    else:
                        found = [_apply(element, rule_type, case, today, line_offset)]
                    findings.extend(finding for finding in found if finding is not None)
    findings.sort(key=lambda finding: (finding.line or 0, finding.rule))
    return Report(findings=findings, skipped=skipped_rules(ruleset))


class StreamCheck:
    """``check`` for an ``iati-activities`` document as ``activities_document`` yields it:
    each chunk that is an activity is checked on its own, so memory does not grow with the
    document; lines are those of the whole document (each chunk starts a line)."""

    WRAP_OPEN, WRAP_CLOSE = b"<iati-activities>", b"</iati-activities>"

    def __init__(self, *, today: date | None = None):
        self.ruleset = load_ruleset()
        self.today = today
        self.findings: list[Finding] = []
        self._lines = 0
        self._parser = etree.XMLParser(resolve_entities=False, no_network=True)

    def feed(self, chunk: bytes) -> bytes:
        if chunk.startswith((b"<iati-activity ", b"<iati-activity>")):
            document = etree.fromstring(self.WRAP_OPEN + chunk + self.WRAP_CLOSE, self._parser)
            report = check(
                document, ruleset=self.ruleset, today=self.today, line_offset=self._lines
            )
            self.findings.extend(report.findings)
        self._lines += chunk.count(b"\n")
        return chunk

    @property
    def report(self) -> Report:
        return Report(findings=list(self.findings), skipped=skipped_rules(self.ruleset))
