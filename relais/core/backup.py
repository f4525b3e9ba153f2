"""Backup and restore of a whole Relais: the database and the uploaded files, in one archive.

The archive (`.tar.gz`) holds:
- `database.sqlite3` (SQLite's online backup API: consistent while the app runs) or
  `database.pgdump` (`pg_dump --format=custom`, restored with `pg_restore`);
- `files/…`: every uploaded file, read through the storage (whatever backend it is);
- `manifest.json`: the database vendor, the date, and for every table its row count and a
  checksum of its rows, for every file its SHA-256. `restore` checks the restored database
  and files against it and says so, or fails loudly.
A backup is restored into the same kind of database it was taken from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection

MANIFEST = "manifest.json"
FILES = "files/"


class BackupError(Exception):
    """A backup or restore that cannot be done (French message for the operator)."""


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    files: int


# --- What a database and the files hold ----------------------------------------------------


def table_fingerprints() -> dict[str, dict[str, object]]:
    """Row count and a checksum of the rows of every table, in primary-key order."""
    result: dict[str, dict[str, object]] = {}
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        for table in tables:
            quoted = connection.ops.quote_name(table)
            keys = connection.introspection.get_primary_key_columns(cursor, table) or []
            order = ", ".join(connection.ops.quote_name(k) for k in keys) or "1"
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                count += 1
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
            result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _plain(value):
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _storage_files(storage, directory: str = "") -> list[str]:
    try:
        subdirs, files = storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}{name}" for name in files]
    for sub in subdirs:
        names += _storage_files(storage, f"{directory}{sub}/")
    return sorted(names)


def file_fingerprints() -> dict[str, str]:
    storage = storages["default"]
    result = {}
    for name in _storage_files(storage):
        with storage.open(name, "rb") as handle:
            result[name] = hashlib.sha256(handle.read()).hexdigest()
    return result


# --- Backup ---------------------------------------------------------------------------------


def backup(destination: Path) -> Summary:
    """Write the archive to `destination` (a file path)."""
    connection.ensure_connection()
    vendor = connection.vendor
    manifest = {
        "vendor": vendor,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "tables": table_fingerprints(),
        "files": file_fingerprints(),
    }
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(destination, "w:gz") as archive:
        dump = Path(tmp) / ("database.sqlite3" if vendor == "sqlite" else "database.pgdump")
        if vendor == "sqlite":
            target = sqlite3.connect(dump)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        elif vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump)])
        else:
            raise BackupError(f"Base de données non prise en charge : {vendor}.")
        archive.add(dump, arcname=dump.name)
        storage = storages["default"]
        for name in manifest["files"]:
            with storage.open(name, "rb") as handle:
                _add_bytes(archive, FILES + name, handle.read())
        _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
    tables = manifest["tables"]
    return Summary(len(tables), sum(t["rows"] for t in tables.values()), len(manifest["files"]))


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _pg_env() -> dict[str, str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGDATABASE": settings["NAME"],
            "PGUSER": settings.get("USER") or "",
            "PGHOST": settings.get("HOST") or "",
            "PGPORT": str(settings.get("PORT") or ""),
        }
    )
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def _run(command: list[str]) -> None:
    try:
        # A fixed program and our own arguments, no shell.
        subprocess.run(command, env=_pg_env(), check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"La commande {command[0]} est introuvable : installez les outils clients "
            "PostgreSQL (paquet postgresql-client) de la même version que le serveur."
        ) from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} a échoué : {error.stderr.strip()[:500]}") from None


# --- Restore --------------------------------------------------------------------------------


def restore(source: Path) -> Summary:
    """Replace the database and the uploaded files with the archive's, then check them."""
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError):
        raise BackupError(f"{source} n'est pas une sauvegarde Relais lisible.") from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        try:
            manifest = json.loads(archive.extractfile(MANIFEST).read())
        except (KeyError, AttributeError, ValueError):
            raise BackupError(
                f"{source} n'a pas de manifeste : ce n'est pas une sauvegarde Relais."
            ) from None
        connection.ensure_connection()
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"Cette sauvegarde vient d'une base {manifest['vendor']} : elle ne peut être "
                f"restaurée que dans une base du même type (ici : {connection.vendor})."
            )
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        dump_name = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
        if dump_name not in members:
            raise BackupError(f"La sauvegarde ne contient pas {dump_name}.")
        dump = Path(tmp) / dump_name
        dump.write_bytes(archive.extractfile(members[dump_name]).read())
        if connection.vendor == "sqlite":
            source_db = sqlite3.connect(dump)
            try:
                source_db.backup(connection.connection)
            finally:
                source_db.close()
        else:
            connection.close()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    connection.settings_dict["NAME"],
                    str(dump),
                ]
            )
        storage = storages["default"]
        for name in _storage_files(storage):
            storage.delete(name)
        for name in manifest["files"]:
            member = members.get(FILES + name)
            if member is None:
                raise BackupError(f"Le fichier {name} manque dans la sauvegarde.")
            saved = storage.save(name, ContentFile(archive.extractfile(member).read()))
            if saved != name:
                raise BackupError(f"Le fichier {name} n'a pas pu être remis à sa place.")
    check(manifest)
    tables = manifest["tables"]
    return Summary(len(tables), sum(t["rows"] for t in tables.values()), len(manifest["files"]))


def check(manifest: dict) -> None:
    """The database and files now hold exactly what the manifest describes."""
    tables = table_fingerprints()
    wrong = sorted(
        name for name, expected in manifest["tables"].items() if tables.get(name) != expected
    )
    extra = sorted(set(tables) - set(manifest["tables"]))
    files = file_fingerprints()
    wrong_files = sorted(n for n, h in manifest["files"].items() if files.get(n) != h)
    if wrong or extra or wrong_files or set(files) != set(manifest["files"]):
        raise BackupError(
            "La restauration ne correspond pas à la sauvegarde : "
            f"tables différentes {wrong + extra}, fichiers différents {wrong_files}."
        )
