"""What the platforms answered, by post: in memory and, when a path is given, in a JSON file written atomically.
A found post is kept for `ok_ttl` (None: for good), a gone one for `unavailable_ttl`; transient failures are never
stored."""
from __future__ import annotations

import json
import logging
import os
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pipeline.model import SocialPost

log = logging.getLogger(__name__)


class AnswerCache:
    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path else None
        self._answers: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if self.path and self.path.exists():
            try:
                self._answers = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("enrichment cache %s unreadable (%s); starting empty", self.path, exc)

    @staticmethod
    def key(post: SocialPost) -> str | None:
        ident = post.native_id or post.url
        return f"{post.platform}:{ident}" if ident else None

    def get(self, key: str, now: datetime, ok_ttl: timedelta | None,
            unavailable_ttl: timedelta | None) -> dict[str, Any] | None:
        """The stored answer, unless it is older than its status's time to live."""
        with self._lock:
            found = self._answers.get(key)
        if not found:
            return None
        checked = datetime.fromisoformat(found["checked_at"])
        ttl = unavailable_ttl if found.get("status") == "unavailable" else ok_ttl
        if ttl is not None and now - checked >= ttl:
            return None
        return found

    def put(self, key: str, found: dict[str, Any]) -> None:
        with self._lock:
            self._answers[key] = found
            self._dirty = True

    def flush(self) -> None:
        """Write the on-disk cache (atomically) when it changed."""
        if not self.path or not self._dirty:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            tmp.write_text(json.dumps(self._answers, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
            self._dirty = False
