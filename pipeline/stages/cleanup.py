"""Staged batches of old runs removed: only folders that hold nothing but what staging writes."""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from pipeline.stages.staging import DISCOVERY_FOLDER

# Staged batches are kept this long after their run (a cleared load task re-loads them); older ones are removed.
STAGING_RETENTION_DAYS = 7


_STAGED_NAME = re.compile(rf"^(?:{DISCOVERY_FOLDER}|batch-\d{{4}})(?:\.partial-\d+)?$")


def _staged_by_us(run_folder: Path) -> bool:
    """Whether every entry of a run folder is a folder staging writes (a user's file or folder there is not)."""
    return all(child.is_dir() and not child.is_symlink() and _STAGED_NAME.match(child.name)
               for child in run_folder.iterdir())


def prune_staging(staging_root: Path, *, keep_days: float = STAGING_RETENTION_DAYS) -> list[str]:
    """Remove run folders under `staging_root` untouched for `keep_days`; returns their names. Only a folder that
    holds nothing but what staging writes (`discovery`, `batch-NNNN`, their `.partial-PID` forms) is the pipeline's:
    anything else under `staging_root` is left alone, whatever its age."""
    if not staging_root.is_dir():
        return []
    cutoff = time.time() - keep_days * 86400
    removed = []
    for folder in sorted(staging_root.iterdir()):
        if folder.is_dir() and not folder.is_symlink() and _staged_by_us(folder) \
                and max((p.stat().st_mtime for p in folder.rglob("*")), default=folder.stat().st_mtime) < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed
