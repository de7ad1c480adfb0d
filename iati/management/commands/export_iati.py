import itertools
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from iati.export import (
    NothingToExport,
    activities_document,
    jwps_for_export,
    programmes_for_export,
)
from iati.rulesets import StreamCheck


class Command(BaseCommand):
    help = (
        "Write the published portfolio as an IATI 2.03 iati-activities file (the same document "
        "as /api/v1/iati/activities.xml). Items that cannot be exported validly are left out "
        "and listed. With --rules, the file is also checked against the IATI rulesets "
        "(IATI_RULESETS_PATH) and what they find is listed. With --strict, both are done and "
        "any item left out or any ruleset error makes the command fail."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="file to write ('-' for standard output)")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="site address used in document links (default: %(default)s)",
        )
        parser.add_argument(
            "--rules", action="store_true", help="check the file against the IATI rulesets"
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="check the rulesets and fail if any published item is left out or any "
            "ruleset error is found",
        )

    def handle(self, *args, path: Path, base_url: str, rules: bool, strict: bool, **options):
        skipped = []
        # The check reads each activity again (about half a millisecond each): on request.
        try:
            check = StreamCheck() if rules or strict else None
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        chunks = activities_document(
            programmes=programmes_for_export(),
            jwps=jwps_for_export(),
            base_url=base_url.rstrip("/"),
            skipped=skipped,
        )
        try:
            chunks = itertools.chain([next(chunks)], chunks)
        except NothingToExport as error:
            raise CommandError(str(error)) from None
        if check is not None:
            chunks = map(check.feed, chunks)
        count = 0
        if str(path) == "-":
            for chunk in chunks:
                self.stdout.write(chunk.decode(), ending="")
                count += chunk.startswith(b"<iati-activity ")
        else:
            temporary = path.with_name(path.name + ".tmp")
            try:
                with temporary.open("wb") as handle:
                    for chunk in chunks:
                        handle.write(chunk)
                        count += chunk.startswith(b"<iati-activity ")
                temporary.replace(path)
            except OSError as error:
                temporary.unlink(missing_ok=True)
                raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        report = self.stderr if str(path) == "-" else self.stdout
        report.write(f"{count} activities written.")
        for item in skipped:
            report.write(f"Left out {item.identifier} ({item.title}): {', '.join(item.problems)}.")
        errors = []
        if check is not None:
            found = check.report
            for finding in found.findings:
                report.write(f"Ruleset {finding}")
            report.write(
                f"IATI rulesets: {len(found.errors)} error(s), {len(found.warnings)} warning(s); "
                f"not checked (they need the IATI Registry): {', '.join(found.skipped)}."
            )
            errors = found.errors
        if strict and (skipped or errors):
            problems = []
            if skipped:
                problems.append(
                    f"{len(skipped)} published item(s) cannot be exported validly: "
                    + ", ".join(item.identifier for item in skipped)
                )
            if errors:
                problems.append(
                    f"{len(errors)} IATI ruleset error(s): "
                    + ", ".join(f"{error.rule} in {error.identifier}" for error in errors)
                )
            raise CommandError("; ".join(problems))
