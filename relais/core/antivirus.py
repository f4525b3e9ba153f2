"""Optional virus scan of uploaded files by a ClamAV daemon (clamd).

Off unless `RELAIS_CLAMAV_ADDRESS` is set (« unix:/run/clamav/clamd.ctl » or
« tcp:127.0.0.1:3310 »). A file the daemon reports as infected is refused. When the daemon is
configured but cannot be reached, the upload is accepted and an error is logged: the files
were already checked for their type and structure, and a person's supporting document must not
wait for an antivirus restart (operators watch the log).
"""

from __future__ import annotations

import logging
import socket
import struct
from typing import IO

from django.conf import settings

from relais.core.file_checks import refuse

logger = logging.getLogger(__name__)
CHUNK = 64 * 1024


def _connect(address: str, timeout: float) -> socket.socket:
    kind, _, where = address.partition(":")
    if kind == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(where)
        return sock
    if kind == "tcp":
        host, _, port = where.rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    raise ValueError(f"RELAIS_CLAMAV_ADDRESS: unknown scheme {kind!r}")


def clamd_instream(address: str, stream: IO[bytes], *, timeout: float = 30.0) -> str:
    """clamd's answer for the stream's content (« stream: OK », « stream: X FOUND »…)."""
    stream.seek(0)
    with _connect(address, timeout) as sock:
        sock.sendall(b"zINSTREAM\0")
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        answer = b""
        while not answer.endswith(b"\0"):
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    stream.seek(0)
    return answer.rstrip(b"\0").decode("utf-8", "replace")


def scan_for_viruses(stream: IO[bytes]) -> None:
    address = getattr(settings, "RELAIS_CLAMAV_ADDRESS", "")
    if not address:
        return
    try:
        answer = clamd_instream(address, stream)
    except (OSError, ValueError):
        logger.exception("Virus scan unavailable (%s): file accepted unscanned", address)
        stream.seek(0)
        return
    if answer.endswith("FOUND"):
        name = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        logger.warning("Upload refused by the virus scan: %s", name)
        raise refuse(
            f"L'antivirus a détecté un contenu malveillant dans ce fichier ({name}) : il est refusé."
        )
    if not answer.endswith("OK"):
        logger.error("Virus scan answered %r: file accepted unscanned", answer)
