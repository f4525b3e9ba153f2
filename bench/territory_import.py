"""Import of a national indicator file (issue 17): a ~200 MB CSV of every commune of France
× years, as statistics offices publish it — Windows-1252, `;`, decimal commas, thousands
separated by spaces, markers « s » and « nd » — imported through the service and its task.

1. a fresh database (SQLite in a temporary directory, or PostgreSQL when DATABASE_URL is
   set: dropped and created again, its name must contain "bench") and migrations;
2. the file is generated twice: good, and with one malformed number (« 12 34,5 ») a few
   lines before the end;
3. the broken file: upload (preview, encoding checked over the whole file), then the task's
   check pass, which must refuse it naming the line, with nothing written;
4. the good file: upload, check pass, store pass (committed staging batches, then the move
   into the values and the rollups in one transaction);
5. timings of each step and the process's peak resident memory (getrusage).

`python bench/territory_import.py [--size-mb 200] [--keep]`"""

from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402 — after the path set-up
    _workdir,
    database_description,
    machine_description,
    recreate_postgres_database,
)

LABEL = "Foyers allocataires percevant le revenu de solidarité active (RSA), au 31 décembre"
HEADER = "CODGEO;LIBGEO;DEP;LIBELLE;ANNEE;VALEUR\r\n"
GOOD_VALUE, BAD_VALUE = "1 234,5", "12 34,5"  # same length: the bad copy is patched in place


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def value_text(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.02:
        return "s"
    if draw < 0.03:
        return "nd"
    whole = rng.randint(0, 250_000)
    grouped = f"{whole:,}".replace(",", " ")  # « 12 345 »
    return f"{grouped},{rng.randint(0, 9)}"


def generate(path: Path, target_bytes: int) -> tuple[int, int, int, int]:
    """The good file; answers (rows, years, line of the value to break, its byte offset)."""
    from relais.territory import geography

    communes = sorted(geography.communes().items())
    names = {code: getattr(c, "name", code) for code, c in communes}
    sample = sum(
        len(f"{code};{names[code]};{c.departement};{LABEL};2020;12 345,6\r\n".encode("cp1252"))
        for code, c in communes
    )
    years = max(1, round(target_bytes / sample))
    first_year = 2024 - years
    rng = random.Random(17)  # noqa: S311 — fake figures
    rows = 0
    bad_line = bad_offset = 0
    total_rows = years * len(communes)
    with path.open("wb") as out:
        out.write(HEADER.encode("cp1252"))
        offset = out.tell()
        line = 1
        for year in range(first_year, 2024):
            chunk: list[bytes] = []
            for code, commune in communes:
                rows += 1
                line += 1
                value = GOOD_VALUE if rows == total_rows - 3 else value_text(rng)
                text = f"{code};{names[code]};{commune.departement};{LABEL};{year};"
                encoded = text.encode("cp1252", errors="replace")
                if rows == total_rows - 3:
                    bad_line, bad_offset = line, offset + sum(map(len, chunk)) + len(encoded)
                chunk.append(encoded + value.encode("cp1252") + b"\r\n")
            data = b"".join(chunk)
            out.write(data)
            offset += len(data)
    return rows, years, bad_line, bad_offset


def broken_copy(good: Path, bad: Path, offset: int) -> None:
    shutil.copyfile(good, bad)
    with bad.open("r+b") as out:
        out.seek(offset)
        assert out.read(len(GOOD_VALUE)) == GOOD_VALUE.encode("cp1252")
        out.seek(offset)
        out.write(BAD_VALUE.encode("cp1252"))


class Timer:
    """Seconds spent in the import's steps (the module's functions, wrapped)."""

    def __init__(self, module, names: list[str]) -> None:
        self.spent = dict.fromkeys(names, 0.0)
        for name in names:
            original = getattr(module, name)
            setattr(module, name, self._wrap(name, original))

    def _wrap(self, name, original):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[name] += time.perf_counter() - start

        return timed

    def reset(self) -> None:
        self.spent = dict.fromkeys(self.spent, 0.0)


def import_file(path: Path, membership, indicator):
    """Upload then run the task in this process; answers (job, upload s, task s)."""
    from django.core.files import File

    from relais.territory import imports

    start = time.perf_counter()
    with path.open("rb") as raw:
        job = imports.import_upload(
            membership=membership, indicator=indicator, uploaded_file=File(raw, name=path.name)
        )
    uploaded = time.perf_counter() - start
    header = HEADER.strip().split(";")
    mapping = imports.build_mapping(
        header=header, code=0, layout="long", value=5, year=4, fixed_year=None
    )
    imports.import_start(membership=membership, job=job, mapping=mapping)
    start = time.perf_counter()
    imports.run_import.call(import_id=job.pk, attempt=job.attempt)
    ran = time.perf_counter() - start
    job.refresh_from_db()
    return job, uploaded, ran


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200, help="size of the file (MB)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    with _workdir(keep=args.keep) as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
        os.environ["RELAIS_VAR_DIR"] = tmp
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
        if os.environ.get("DATABASE_URL"):
            recreate_postgres_database(os.environ["DATABASE_URL"])
        import django

        django.setup()
        from django.core.management import call_command

        from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
        from relais.territory import imports
        from relais.territory.models import ImportStatus, Indicator, IndicatorValue, Theme

        print("Import of a national indicator file")
        for key, value in [*machine_description(), ("Database", database_description())]:
            print(f"  {key:<9} {value}")
        call_command("migrate", interactive=False, verbosity=0)
        organisation = Organisation.objects.create(
            name="Observatoire (banc)", kind=OrganisationKind.CCAS, commune_code="69123"
        )
        user = User.objects.create_user(
            email="import@banc.invalid", password=secrets.token_urlsafe(16)
        )
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=Role.MANAGER
        )
        indicator = Indicator.objects.create(
            organisation=organisation,
            code="rsa",
            name="Foyers allocataires du RSA",
            source="CAF",
            theme=Theme.INCOME,
        )
        good, bad = Path(tmp) / "rsa_communes.csv", Path(tmp) / "rsa_communes_casse.csv"
        start = time.perf_counter()
        rows, years, bad_line, bad_offset = generate(good, int(args.size_mb * 1_000_000))
        broken_copy(good, bad, bad_offset)
        size = good.stat().st_size
        print(
            f"  file      {size / 1_000_000:.0f} MB, {rows:,} rows ({years} years × every "
            f"commune), Windows-1252, « ; », decimal commas; generated in "
            f"{time.perf_counter() - start:.0f} s"
        )
        print(f"  after setup: peak RSS {peak_rss_mib():.0f} MiB")
        timer = Timer(imports, ["_stage", "_store", "rollup_with_dependents"])

        job, uploaded, ran = import_file(bad, membership, indicator)
        assert job.status == ImportStatus.FAILED, job.errors
        reported = any(e.startswith(f"Ligne {bad_line} : « {BAD_VALUE} »") for e in job.errors)
        written = IndicatorValue.objects.count()
        print(
            f"  broken file: upload (preview, bytes checked) {uploaded:.1f} s, check pass "
            f"{ran:.1f} s; refused: {job.errors[0]!r}; line {bad_line} reported: {reported}; "
            f"values written: {written}; peak RSS {peak_rss_mib():.0f} MiB"
        )
        assert reported and written == 0

        timer.reset()
        job, uploaded, ran = import_file(good, membership, indicator)
        assert job.status == ImportStatus.DONE, job.errors
        stage, store, rollup = (timer.spent[k] for k in timer.spent)
        check = ran - stage - store
        print(
            f"  good file: upload {uploaded:.1f} s, check pass {check:.1f} s, store pass "
            f"{stage + store:.1f} s (staging batches {stage:.1f} s, final transaction "
            f"{store:.1f} s of which rollups {rollup:.1f} s); {job.values_imported:,} values, "
            f"{IndicatorValue.objects.filter(computed=True).count():,} aggregates; "
            f"peak RSS {peak_rss_mib():.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
