"""The one signal type isolates failing listeners; taskman delivers results on the GUI thread."""

import threading

from console.core.signal import Signal


def test_signal_isolates_failing_listener(caplog):
    sig = Signal("changed")
    got = []

    def bad(x):
        raise RuntimeError("boom")

    sig.connect(bad)
    sig.connect(got.append)
    sig.emit(1)
    sig.emit(2)
    assert got == [1, 2]
    assert sig.errors == 2
    sig.disconnect(bad)
    sig.emit(3)
    assert got == [1, 2, 3] and sig.errors == 2


def test_run_in_background_delivers_on_gui_thread(qtbot):
    from console.ui.taskman import run_in_background

    main = threading.get_ident()
    seen = {}

    def work():
        seen["worker"] = threading.get_ident()
        return 42

    def done(result):
        seen["result"] = result
        seen["done_thread"] = threading.get_ident()

    run_in_background(work, on_done=done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=10_000)
    assert seen["result"] == 42
    assert seen["worker"] != main and seen["done_thread"] == main


def test_run_in_background_error_and_to_gui(qtbot):
    from console.ui.taskman import run_in_background, to_gui

    errors, calls = [], []

    def fail():
        raise ValueError("nope")

    run_in_background(fail, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], ValueError)

    main = threading.get_ident()
    t = threading.Thread(target=lambda: to_gui(lambda v: calls.append((v, threading.get_ident())), 7))
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(calls), timeout=10_000)
    assert calls == [(7, main)]


def test_coalesced_runs_once_per_burst_on_the_gui_thread(qtbot):
    from console.ui.taskman import coalesced, to_gui

    main = threading.get_ident()
    runs: list[int] = []
    refresh = coalesced(lambda: runs.append(threading.get_ident()))
    threads = [threading.Thread(target=lambda: [refresh() for _ in range(50)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    marker: list[bool] = []
    to_gui(lambda: marker.append(True))  # queued after the burst's one run
    qtbot.waitUntil(lambda: bool(marker), timeout=10_000)
    assert runs == [main]  # 200 calls from four threads: one run, on the GUI thread
    refresh()  # a call after the run queues the next one
    qtbot.waitUntil(lambda: len(runs) == 2, timeout=10_000)
