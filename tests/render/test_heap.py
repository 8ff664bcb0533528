"""The collector pause around a layout (publish.render.heap)."""

from __future__ import annotations

import gc
import threading

from publish.render.heap import collector_paused


def test_the_collector_is_paused_in_the_block_and_resumed_after_the_outermost() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()   # the outer block still runs
    assert gc.isenabled()


def test_an_error_in_the_block_resumes_the_collector() -> None:
    try:
        with collector_paused():
            raise ValueError("stop")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_blocks_in_two_threads_resume_it_when_both_end() -> None:
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    with collector_paused():
        thread.start()
        assert inside.wait(10)
    assert not gc.isenabled()     # the other thread's block has not ended
    leave.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_function_without_collector_runs_paused_and_leaves_it_running() -> None:
    from publish.render.heap import without_collector

    seen = []

    @without_collector
    def lay_out(n: int) -> int:
        seen.append(gc.isenabled())
        return n + 1

    assert lay_out(1) == 2 and seen == [False] and gc.isenabled()
    assert lay_out.__name__ == "lay_out"
