import datetime

from django.core.management.base import BaseCommand

from publishing.files import PRUNE_GRACE, files_prune


class Command(BaseCommand):
    help = (
        "Remove the stored files of outputs and site documents that nothing refers to any more: "
        "no live item, no version in the history, no pending revision (the nightly task does "
        "the same). Files younger than --hours are left, in case their upload is being saved."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=float,
            default=PRUNE_GRACE.total_seconds() / 3600,
            help="leave files modified less than this many hours ago (default: %(default)s)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list, remove nothing")

    def handle(self, *args, hours: float, dry_run: bool, **options):
        gone = files_prune(grace=datetime.timedelta(hours=hours), dry_run=dry_run)
        for name in gone:
            self.stdout.write(f"{'would remove' if dry_run else 'removed'} {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(gone)} file(s) nothing refers to{' (dry run)' if dry_run else ' removed'}."
            )
        )
