"""Signed anchors of the event chain, kept outside the database.

Someone with write access to the database can recompute the whole chain after altering an entry; the chain alone
cannot tell. An anchor is the chain head (sequence number and hash) signed with HMAC-SHA256 under a key that is
not in the database (EVENT_ANCHOR_KEY) and appended to a file (EVENT_ANCHOR_FILE), which the operator copies
somewhere the database's administrators cannot write (another host, a mail archive). verify_event_log checks the
chain against the latest anchor of the file by default.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone


class AnchorError(Exception):
    """The anchor file cannot be trusted or used: a Thai message naming what is wrong."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str  # ISO time of signing

    @property
    def payload(self) -> bytes:
        return f"rightsadmin-event-anchor:{self.seq}:{self.hash}:{self.at}".encode()

    def mac(self, key: str) -> str:
        return hmac.new(key.encode(), self.payload, hashlib.sha256).hexdigest()


def _key() -> str:
    key = settings.EVENT_ANCHOR_KEY
    if not key:
        raise AnchorError("ยังไม่ได้ตั้งค่า EVENT_ANCHOR_KEY (กุญแจที่ไม่ได้เก็บในฐานข้อมูล) จึงลงนามหรือตรวจจุดยึดไม่ได้")
    return key


def anchor_append(*, seq: int, digest: str, path: Path | None = None) -> Anchor:
    """Sign the head (seq, digest) and append it to the anchor file, one JSON object per line."""
    path = Path(path or settings.EVENT_ANCHOR_FILE)
    anchor = Anchor(seq=seq, hash=digest, at=timezone.now().isoformat())
    line = json.dumps({"seq": anchor.seq, "hash": anchor.hash, "at": anchor.at, "mac": anchor.mac(_key())})
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return anchor


def anchor_latest(path: Path | None = None) -> Anchor | None:
    """The last anchor of the file, its signature checked; None when there is no file yet."""
    path = Path(path or settings.EVENT_ANCHOR_FILE)
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None
    try:
        record = json.loads(lines[-1])
        anchor = Anchor(seq=int(record["seq"]), hash=str(record["hash"]), at=str(record["at"]))
        mac = str(record["mac"])
    except (ValueError, KeyError, TypeError):
        raise AnchorError(f"บรรทัดที่ {len(lines)} ของไฟล์จุดยึด {path} อ่านไม่ได้") from None
    if not hmac.compare_digest(anchor.mac(_key()), mac):
        raise AnchorError(f"ลายมือชื่อของจุดยึดบรรทัดที่ {len(lines)} ในไฟล์ {path} ไม่ถูกต้อง (ไฟล์ถูกแก้ไขหรือกุญแจไม่ตรง)")
    return anchor
