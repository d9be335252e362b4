"""Long work started by a request and run beside it: a job runs in its own thread with its
own transactions, and writes where it stands to the store, so any server process can show
its progress while the request that started it has already been answered.

A job that is cut off (the server stopped) leaves its record as it was; each kind of job
says how it recognises that (see `rounds.searches.is_stalled`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_running: list[threading.Thread] = []
_lock = threading.Lock()


def start_job(name: str, work: Callable[..., None], /, *args: Any, **kwargs: Any) -> None:
    """Runs `work(*args, **kwargs)` in a thread of its own; call it after the request's
    transaction has committed, so the job reads what the request wrote."""
    thread = threading.Thread(
        target=work, args=args, kwargs=kwargs, name=f"homecare-job-{name}", daemon=True
    )
    with _lock:
        _running[:] = [t for t in _running if t.is_alive()]
        _running.append(thread)
    thread.start()


def wait_for_jobs(timeout: float = 120.0) -> None:
    """Waits for every job this process started to end: for tests and for an orderly stop."""
    with _lock:
        threads = list(_running)
    for thread in threads:
        thread.join(timeout)
