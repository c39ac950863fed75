"""The check a shared ``build/`` folder must pass before a portal or worker uses it.

Every process that builds or serves briefs, on any machine, relies on two things of
the output folder: a file replaced by ``os.replace`` is seen whole, old or new (the
writer's promise that a reader never gets a torn file), and ``flock`` locks taken in
one process are seen by the others (one writer per brief, one manifest writer).
Local disks and NFSv4 mounts with their default options give both. Some mounts do
not: locks made local to each machine (NFS ``nolock`` or ``local_lock=...``), or
file systems whose renames are not atomic (``s3fs``, ``gcsfuse`` and other object
stores, ``sshfs`` without ``-o workaround=rename``). Those are refused at start-up,
with what to do, rather than found out from a torn PDF.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
from pathlib import Path

from briefgen.errors import BriefgenError

# File systems known not to give atomic rename or shared locks (FUSE names as
# /proc/self/mountinfo reports them).
NO_ATOMIC_RENAME = {"fuse.s3fs", "fuse.gcsfuse", "fuse.goofys", "fuse.rclone", "fuse.sshfs",
                    "fuse.mountpoint-s3", "9p"}  # fmt: skip
LOCAL_LOCK_OPTIONS = {"nolock", "local_lock=all", "local_lock=flock"}
WHAT_TO_DO = (
    "use a local disk for one machine, or for several an NFSv4 export mounted with its "
    "default options (see docs/deploy.md)"
)


def check_shared_folder(folder: Path) -> None:
    """Refuse ``folder`` (made if missing) if renames or locks there cannot be trusted."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BriefgenError(f"{folder}: cannot make the output folder: {exc.strerror}") from None
    kind, options = mount_of(folder)
    problem = mount_problem(kind, options)
    if problem is None:
        problem = try_rename_and_lock(folder)
    if problem is not None:
        raise BriefgenError(f"{folder}: {problem}; {WHAT_TO_DO}")


def mount_problem(kind: str, options: set[str]) -> str | None:
    """What is wrong with a mount of this type and these options, or None."""
    if kind in NO_ATOMIC_RENAME:
        return f"a {kind} file system, whose renames are not atomic and locks not shared"
    local = sorted(options & LOCAL_LOCK_OPTIONS)
    if kind.startswith("nfs") and local:
        return f"an NFS mount with {local[0]}: its locks are not seen by other machines"
    return None


def mount_of(folder: Path) -> tuple[str, set[str]]:
    """The file system type and mount options of the mount holding ``folder`` (Linux);
    ("", set()) where /proc/self/mountinfo cannot be read."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return "", set()
    path = str(folder.resolve())
    best: tuple[int, str, set[str]] = (-1, "", set())
    for line in lines:
        mine, _, theirs = line.partition(" - ")
        fields, rest = mine.split(), theirs.split()
        if len(fields) < 6 or len(rest) < 3:
            continue
        point = fields[4].replace("\\040", " ")
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) > best[0]:
            options = set(fields[5].split(",")) | set(rest[2].split(","))
            best = (len(point), rest[0], options)
    return best[1], best[2]


def try_rename_and_lock(folder: Path) -> str | None:
    """Replace a file by rename and take a lock twice over, in ``folder``; what failed."""
    name = f".briefgen-check-{secrets.token_hex(6)}"
    target, staged, lock = folder / name, folder / f"{name}.tmp", folder / f"{name}.lock"
    try:
        target.write_bytes(b"old")
        staged.write_bytes(b"new")
        os.replace(staged, target)
        if target.read_bytes() != b"new" or staged.exists():
            return "a file replaced by rename is not the new one"
        with open(lock, "w") as first, open(lock, "w") as second:
            fcntl.flock(first, fcntl.LOCK_EX | fcntl.LOCK_NB)
            try:  # a second open of the file must see the first one's lock
                fcntl.flock(second, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
            return "a file lock there does not keep out a second one"
    except OSError as exc:
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            return "file locks do not work there"
        return f"cannot write there: {exc.strerror}"
    finally:
        for path in (target, staged, lock):
            path.unlink(missing_ok=True)
