import time

from django.core.management.base import BaseCommand, CommandError

from registry.importers import IMPORTERS, ImportFileError, registry_import


class Command(BaseCommand):
    help = (
        "Import an officials, accounts or orders file (CSV UTF-8 or XLSX, first sheet) as spec/interchange.md "
        "describes. Every row is checked first: if any is bad, nothing is imported, one line per bad row is "
        "printed on stderr (`row N: column: what is wrong`) and the exit status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="Which file: officials, accounts or orders.")
        parser.add_argument("file", help="Path of the CSV or XLSX file.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report, but write nothing.")

    def handle(self, *args, **options):
        kind, path, dry_run = options["kind"], options["file"], options["dry_run"]
        show_progress = self.stdout.isatty()
        started = time.monotonic()

        def progress(stage: str, done: int, total: int | None) -> None:
            of = f"/{total:,}" if total else ""
            self.stdout.write(f"\r{stage}: {done:,}{of} แถว", ending="")
            self.stdout.flush()

        try:
            report = registry_import(
                kind=kind, source=path, dry_run=dry_run, progress=progress if show_progress else None, origin="command"
            )
        except FileNotFoundError:
            raise CommandError(f"ไม่พบไฟล์ {path}") from None
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc} (ไม่ได้นำเข้าข้อมูลใด ๆ)") from None
        finally:
            if show_progress:
                self.stdout.write("\r\033[K", ending="")
        # Warnings (rows imported all the same, e.g. people the HR record does not have yet) go to stdout, apart
        # from the bad rows on stderr.
        for line in report.warning_lines():
            self.stdout.write(f"คำเตือน {line}")
        if not report.ok:
            for line in report.problem_lines():
                self.stderr.write(line)
            raise CommandError(f"{report.bad_rows:,} แถวมีปัญหา ไม่ได้นำเข้าข้อมูลใด ๆ", returncode=1)
        elapsed = time.monotonic() - started
        if dry_run:
            self.stdout.write(f"ตรวจแล้วไม่พบปัญหา (--dry-run: ยังไม่ได้บันทึก) {report.summary()}")
        else:
            self.stdout.write(self.style.SUCCESS(f"นำเข้าแล้ว {report.summary()}"))
        if show_progress or options["verbosity"] >= 2:
            rate = report.rows / elapsed if elapsed else 0
            self.stdout.write(f"{elapsed:.1f} วินาที ({rate:,.0f} แถว/วินาที)", style_func=None)
