"""Parse a spreadsheet in a forked child held to a time and a memory limit.

The guard (``guard.py``) refuses the hostile files it can recognise before anything is parsed;
this is the second line for the rest: openpyxl (or the csv module) runs in a child process
made with ``os.fork`` that

* has its address space capped with ``resource.setrlimit(RLIMIT_AS)`` at what it already
  maps plus ``IMPORT_PARSE_MEMORY_MB``: an allocation beyond it fails inside the child
  (``MemoryError``) and never grows the worker or the web process;
* has its CPU time capped with ``RLIMIT_CPU`` and its wall time with
  ``IMPORT_PARSE_SECONDS``: past the deadline the parent kills it (SIGKILL);
* touches no database and no file but the upload, and sends back over a pipe its progress
  (rows read of the rows the sheet declares) and then the rows it read, or the file error.

The same code runs in an eager task (inside the web process), in a Celery worker (prefork or
solo: a plain ``os.fork``, not ``multiprocessing``, so a daemonic pool process may use it) and
in the API's synchronous preview. Each refusal is a ``ValidationError`` on the file field,
with a message naming the limit and the fix.
"""

from __future__ import annotations

import math
import os
import resource
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Progress = Callable[[int, int], None]  # (rows read, rows the sheet declares)

_PROGRESS_EVERY = 0.2  # seconds between progress messages from the child


def _mapped_bytes() -> int:
    """The address space this process maps now (the child starts with the parent's)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def time_limit_error() -> ValidationError:
    return ValidationError(
        {
            "file": [
                _(
                    "Reading the file took longer than %(seconds)s seconds, the limit for an "
                    "import; please split it into smaller files, or save it again as .xlsx "
                    "from Excel and upload it."
                )
                % {"seconds": _seconds_text(settings.IMPORT_PARSE_SECONDS)}
            ]
        }
    )


def memory_limit_error() -> ValidationError:
    return ValidationError(
        {
            "file": [
                _(
                    "Reading the file needed more than %(mb)s MB of memory, the limit for an "
                    "import; please split it into smaller files, or save it again as .xlsx "
                    "from Excel and upload it."
                )
                % {"mb": settings.IMPORT_PARSE_MEMORY_MB}
            ]
        }
    )


def crashed_error() -> ValidationError:
    return ValidationError(
        {
            "file": [
                _(
                    "The file could not be read; please save it again as .xlsx from Excel and "
                    "upload it."
                )
            ]
        }
    )


def _seconds_text(seconds: float) -> str:
    return f"{seconds:g}"


def run_limited(parse: Callable[[Progress], object], progress: Progress | None = None):
    """``parse(report)`` in a forked child under the limits; its result, or the file error it
    raised, or the limit's error. ``progress`` is called in this process as rows are read."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, report, exit without running any of the parent's cleanup
        os.close(read_fd)
        _child(Connection(write_fd, readable=False), parse)
    os.close(write_fd)
    reader = Connection(read_fd, writable=False)
    try:
        return _wait(reader, pid, progress)
    finally:
        reader.close()


def _child(channel: Connection, parse) -> None:
    code = 0
    try:
        memory = _mapped_bytes() + settings.IMPORT_PARSE_MEMORY_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = math.ceil(settings.IMPORT_PARSE_SECONDS) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        last = [0.0, 0]  # when the last message went, the rows read

        def report(done: int, total: int) -> None:
            last[1] = done
            now = time.monotonic()
            if now - last[0] >= _PROGRESS_EVERY:
                last[0] = now
                channel.send(("progress", done, total))

        try:
            result = parse(report)
            if last[1]:  # the end: every row read (a declared total may have been larger)
                channel.send(("progress", last[1], last[1]))
        except ValidationError as exc:
            channel.send(("invalid", {"file": exc.messages}))
        except MemoryError:
            channel.send(("memory", None))
        else:
            channel.send(("done", result))
    except MemoryError:
        code = 3
    except BaseException:  # noqa: BLE001 - anything else: the parent reports a damaged file
        code = 2
    finally:
        os._exit(code)


def _wait(reader: Connection, pid: int, progress: Progress | None):
    deadline = time.monotonic() + settings.IMPORT_PARSE_SECONDS
    outcome = None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not reader.poll(left):
                raise time_limit_error()
            try:
                kind, *payload = reader.recv()
            except (EOFError, OSError):  # the child died without a word (CPU limit, a crash)
                break
            if kind == "progress":
                if progress is not None:
                    progress(*payload)
                continue
            outcome = (kind, payload[0])
            break
    finally:
        status = _reap(pid, kill=outcome is None)
    if outcome is None:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
            raise time_limit_error()
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
            raise memory_limit_error()
        raise crashed_error()
    kind, value = outcome
    if kind == "done":
        return value
    if kind == "memory":
        raise memory_limit_error()
    raise ValidationError(value) if value else crashed_error()


def _reap(pid: int, *, kill: bool) -> int:
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:
            continue
        except ChildProcessError:
            return 0
