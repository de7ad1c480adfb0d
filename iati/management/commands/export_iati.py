import itertools
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from iati.export import (
    NothingToExport,
    activities_document,
    jwps_for_export,
    programmes_for_export,
)


class Command(BaseCommand):
    help = (
        "Write the published portfolio as an IATI 2.03 iati-activities file (the same document "
        "as /api/v1/iati/activities.xml). Items that cannot be exported validly are left out "
        "and listed; with --strict, any such item makes the command fail."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="file to write ('-' for standard output)")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="site address used in document links (default: %(default)s)",
        )
        parser.add_argument(
            "--strict", action="store_true", help="fail if any published item is left out"
        )

    def handle(self, *args, path: Path, base_url: str, strict: bool, **options):
        skipped = []
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
        if skipped and strict:
            raise CommandError(
                f"{len(skipped)} published item(s) cannot be exported validly: "
                + ", ".join(item.identifier for item in skipped)
            )
