from django.core.management.base import BaseCommand

from jobs.services import public_files_regenerate


class Command(BaseCommand):
    help = (
        "Write the full published portfolio as IATI XML and CSV, the files the site links to "
        "(Celery beat does this every night)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            choices=["csv", "iati"],
            help="write this file only (default: both)",
        )

    def handle(self, *args, only=None, **options):
        for public in public_files_regenerate(formats=[only] if only else None):
            self.stdout.write(
                f"{public.filename}: {public.rows} rows, {public.size} bytes "
                f"-> {public.get_absolute_url()}"
            )
