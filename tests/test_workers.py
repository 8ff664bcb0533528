"""publish.workers.Tasks: the most urgent task first, at most ``jobs`` handed to the pool at once, a task's
callback adding the next ones, failures to their handler (real worker processes)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from publish.errors import RenderError
from publish.workers import Tasks, workers


def _echo(value: str) -> tuple[str, int]:
    return value, os.getpid()


def _slow(value: str) -> str:
    time.sleep(0.5)   # still running when the parent looks
    return value


def _refuse(value: str) -> None:
    raise RenderError(f"refused {value}")


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_most_urgent_first_and_callbacks_add_tasks(jobs: int, tmp_path: Path) -> None:
    done: list[str] = []
    pids: set[int] = set()
    with workers(jobs, {tmp_path}) as pool:
        tasks = Tasks(pool, 1)   # one at a time: the order is the priorities'

        def then(result: tuple[str, int]) -> None:
            done.append(result[0])
            pids.add(result[1])
            if result[0] == "layout-b":   # its finishing task goes before the layouts still queued
                tasks.add((0, 1), _echo, "finish-b", then=then)

        for priority, name in [((1, 2), "layout-c"), ((1, 0), "layout-a"), ((1, 1), "layout-b"), ((0, 0), "finish-a")]:
            tasks.add(priority, _echo, name, then=then)
        tasks.run()
    assert done == ["finish-a", "layout-a", "layout-b", "finish-b", "layout-c"]
    assert (os.getpid() in pids) == (jobs == 1)   # with a pool, every task ran in a worker


def test_no_more_than_jobs_tasks_are_handed_out(tmp_path: Path) -> None:
    with workers(2, {tmp_path}) as pool:
        tasks = Tasks(pool, 2)
        for n in range(5):
            tasks.add(n, _slow, str(n), then=lambda _: None)
        tasks.poll()
        assert len(tasks.running) == 2 and len(tasks.queue) == 3
        tasks.run()
        assert not tasks.running and not tasks.queue


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failed_task_goes_to_its_handler_or_is_raised(jobs: int, tmp_path: Path) -> None:
    failures: list[str] = []
    done: list[str] = []
    with workers(jobs, {tmp_path}) as pool:
        tasks = Tasks(pool, jobs)
        tasks.add(0, _refuse, "a", then=done.append, failed=lambda exc: failures.append(str(exc)))
        tasks.add(1, _echo, "b", then=lambda r: done.append(r[0]))
        tasks.run()
        assert failures == ["publish: error: refused a"] and done == ["b"]
        tasks.add(0, _refuse, "c", then=done.append)
        with pytest.raises(RenderError, match="refused c"):
            tasks.run()
