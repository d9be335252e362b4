"""The SQLite store under several writers at once: they queue, none fails, nothing is lost.

The server's requests, the offer lapser and a command line may all write at the same
moment. Each transaction here reads a counter and then writes it back one higher, the
shape that used to fail at once with "database is locked" (two readers each waiting for
the other to finish before either may write); with every transaction begun IMMEDIATE they
take turns instead, so the counter ends at exactly the number of transactions.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from sqlalchemy import Engine, text

from homecare.config import get_settings
from homecare.db import make_engine, unit_of_work

THREADS = 8
TRANSACTIONS = 40


def _store(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    with unit_of_work(engine) as s:
        s.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        s.execute(text("INSERT INTO counter (n) VALUES (0)"))
        s.execute(text("CREATE TABLE written (thread INTEGER NOT NULL, seen INTEGER NOT NULL)"))
    return engine


def test_eight_writers_reading_then_writing_all_succeed_and_lose_nothing(tmp_path: Path) -> None:
    engine = _store(tmp_path / "writers.db")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(thread: int) -> None:
        start.wait()
        for _ in range(TRANSACTIONS):
            try:
                with unit_of_work(engine) as s:
                    seen = s.execute(text("SELECT n FROM counter")).scalar_one()
                    s.execute(text("UPDATE counter SET n = :n"), {"n": seen + 1})
                    s.execute(
                        text("INSERT INTO written (thread, seen) VALUES (:t, :s)"),
                        {"t": thread, "s": seen},
                    )
            except Exception as error:  # every failure counts, whatever it is
                errors.append(error)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    with engine.connect() as conn:
        counter = conn.execute(text("SELECT n FROM counter")).scalar_one()
        rows = conn.execute(text("SELECT count(*), count(DISTINCT seen) FROM written")).one()
    engine.dispose()
    assert errors == []
    assert counter == THREADS * TRANSACTIONS
    assert tuple(rows) == (THREADS * TRANSACTIONS, THREADS * TRANSACTIONS)


def test_a_file_store_keeps_a_write_ahead_log_synced_in_full_and_waits_for_writers(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    with engine.connect() as conn:
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        busy = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        foreign_keys = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    engine.dispose()

    assert journal == "wal"
    assert synchronous == 2  # FULL
    assert busy == int(get_settings().sqlite_busy_timeout_seconds * 1000)
    assert foreign_keys == 1


def test_an_in_memory_store_works_as_before(tmp_path: Path) -> None:
    for url in ("sqlite://", "sqlite:///:memory:"):
        engine = make_engine(url)
        with unit_of_work(engine) as s:
            s.execute(text("CREATE TABLE t (x INTEGER)"))
            s.execute(text("INSERT INTO t VALUES (1)"))
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "memory"
        with unit_of_work(engine) as s:
            assert s.execute(text("SELECT x FROM t")).scalar_one() == 1
        engine.dispose()


def test_a_store_copied_after_its_engine_is_disposed_holds_every_commit(tmp_path: Path) -> None:
    """The suite copies template stores file by file: the last connection to close folds the
    log back into the store's own file, so the copy alone is complete."""
    original = tmp_path / "template.db"
    engine = _store(original)
    with unit_of_work(engine) as s:
        s.execute(text("UPDATE counter SET n = 41"))
    engine.dispose()
    assert not Path(f"{original}-wal").exists()

    copy = tmp_path / "copy.db"
    shutil.copy(original, copy)
    copied = make_engine(f"sqlite:///{copy}")
    with unit_of_work(copied) as s:
        assert s.execute(text("SELECT n FROM counter")).scalar_one() == 41
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    copied.dispose()
