"""Bad input and faults in user code, one test each, so that none comes back (issue 13,
"check on user code"): a function that never returns (a Python loop, a blocking C call, one
that blocks the timeout signal), a slow function (progress), ``sys.exit`` and
``KeyboardInterrupt`` inside it, a real Ctrl-C, wrong outputs, in-place writes, and every bad
option of ``check`` and of ``beyond-scaling check`` (one line on stderr, exit status 2)."""

from __future__ import annotations

import math
import os
import signal
import sys
import textwrap
import time

import pytest
import torch

import examples.user_attention as U
from derivations.check import CheckInterrupted, WatchdogTimeout
from derivations.testing import check, check_main


def _one_arg(x):
    return x.sum(-1)


def _wrong_shape(patterns, x):
    return (x @ patterns.T)[:, :1]


def _wrong_dtype(patterns, x):
    return U.distance_energy(patterns.float(), x.float())


def _raises(patterns, x):
    raise RuntimeError("boom")


def _numpy_out(patterns, x):
    return U.distance_energy(patterns, x).numpy()


@pytest.mark.parametrize(
    "fn, words",
    [
        (_one_arg, ["TypeError", "fn(patterns (d, n), x (B, n)) -> (B,)"]),
        (_wrong_shape, ["returned shape (2, 1); expected (2,)"]),
        (_wrong_dtype, ["dtype torch.float32 for torch.float64"]),
        (_raises, ["RuntimeError: boom", "test_faults.py"]),
        (_numpy_out, ["returned ndarray"]),
    ],
)
def test_bad_functions_are_reported_clearly(fn, words):
    res = check(fn, "distance-energy", examples=5)
    assert res.error is not None and not res.passed
    for w in words:
        assert w in res.error, (w, res.error)
    assert all(p.status == "error" for p in res.properties)
    assert "Traceback" not in str(res)


def test_fixed_width_module_without_n_gets_a_hint():
    res = check(U.retrieval_mha, "cccp-step", convention="mha", examples=5)
    assert res.error and "--n" in res.error


def test_failure_on_some_inputs_is_a_counterexample_not_a_crash():
    def needs_two(patterns, x):
        if patterns.shape[0] == 1:
            raise IndexError("need two patterns")
        return U.distance_energy(patterns, x)

    res = check(needs_two, "distance-energy", examples=20, properties=["value"])
    cx = res.counterexample
    assert "IndexError" in cx.message and "d = 1" in cx.regime


def test_in_place_modification_of_the_input_is_a_failure():
    def scales_x(patterns, x):
        e = U.distance_energy(patterns, x)
        if patterns.shape[0] >= 4:  # only for larger pattern sets: the search must find it
            with torch.no_grad():
                x.mul_(2.0)
        return e

    res = check(scales_x, "distance-energy", examples=30, properties=["value"])
    cx = res.counterexample
    assert "in place" in cx.message
    assert int(cx.regime.split("d = ")[1].split(",")[0]) >= 4
    res = check(lambda P, x: x.mul_(2.0).sum(-1), "distance-energy", examples=5)
    assert "in place" in res.error


@pytest.mark.parametrize(
    "call, msg",
    [
        (lambda: check(U.distance_energy, "no-such-kind"), "unknown kind"),
        (lambda: check(42, "distance-energy"), "callable"),
        (lambda: check(U.mchn_energy, "mchn-energy", convention="paper,beta=fixed"), "beta"),
        (lambda: check(U.cccp_step, "cccp-step", beta=2.0), "no free β"),
        (lambda: check(U.distance_energy, "distance-energy", dtype=torch.int64), "tolerance"),
        (
            lambda: check(U.distance_energy, "distance-energy", properties=["retrieval"]),
            "do not apply",
        ),
        (lambda: check(U.distance_energy, "distance-energy", convention="sdpa"), "attention"),
    ],
)
def test_bad_checker_arguments_raise_value_error(call, msg):
    with pytest.raises(ValueError, match=msg):
        call()


def test_check_restores_the_thread_count():
    before = torch.get_num_threads()
    check(U.cccp_step, "cccp-step", examples=2, properties=["one-step"])
    assert torch.get_num_threads() == before


# --------------------------------------------------------------------------- hangs


def _python_loop(patterns, x):
    while True:
        pass


def _sleeps(patterns, x):  # a blocking C call
    time.sleep(1e9)


def _catches_exception(patterns, x):  # a loop that catches every Exception
    while True:
        try:
            time.sleep(1e9)
        except Exception:  # noqa: BLE001 - the fault under test
            pass


def _swallows_everything(patterns, x):  # catches even the timeout's BaseException
    while True:
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001 - the fault under test
            pass


@pytest.mark.parametrize(
    "fn", [_python_loop, _sleeps, _catches_exception], ids=["loop", "sleep", "except-Exception"]
)
def test_a_function_that_never_returns_ends_with_a_timeout_naming_the_call(fn):
    t0 = time.monotonic()
    res = check(fn, "distance-energy", timeout=0.3, examples=3)
    assert time.monotonic() - t0 < 5
    assert not res.passed and res.error
    for words in (
        "did not return within 0.3 s",
        "call 1 (property smoke)",
        "fn(patterns (d, n), x (B, n)) -> (B,)",
        "patterns (3, 2) = [[",
        "x (2, 2) = [[",
    ):
        assert words in res.error, (words, res.error)


def test_a_function_that_hangs_on_some_inputs_gives_a_counterexample():
    def hangs_for_large_d(patterns, x):
        if patterns.shape[0] >= 5:
            time.sleep(1e9)
        return U.distance_energy(patterns, x)

    t0 = time.monotonic()
    res = check(
        hangs_for_large_d,
        "distance-energy",
        timeout=0.1,
        examples=30,
        properties=["value"],
        shrink_seconds=0.3,
    )
    assert time.monotonic() - t0 < 15
    cx = res.counterexample
    assert cx is not None and "did not return within 0.1 s" in cx.message
    assert int(cx.regime.split("d = ")[1].split(",")[0]) >= 5


def _blocks_the_alarm(patterns, x):  # a C call that never checks for signals, in effect
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(1e9)


def test_a_call_that_ignores_the_timeout_signal_is_killed_by_the_watchdog():
    t0 = time.monotonic()
    with pytest.raises(WatchdogTimeout, match="did not return within 0.3 s.*killed.*call 1"):
        check(_blocks_the_alarm, "distance-energy", timeout=0.3, isolate=True)
    assert time.monotonic() - t0 < 10
    # a function that swallows the timeout's BaseException in a loop: only a kill ends it
    with pytest.raises(WatchdogTimeout, match="killed"):
        check(_swallows_everything, "distance-energy", timeout=0.2, isolate=True)


def test_cli_never_hangs_on_a_function_that_blocks_the_alarm(tmp_path, capsys):
    mod = tmp_path / "hang.py"
    mod.write_text(
        textwrap.dedent("""
        import signal, time

        def step(patterns, x):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(1e9)
    """)
    )
    t0 = time.monotonic()
    rc = check_main([f"{mod}:step", "--kind", "cccp-step", "--timeout", "0.3"])
    captured = capsys.readouterr()
    assert rc == 2 and time.monotonic() - t0 < 10
    assert captured.err.count("\n") == 1 and "killed" in captured.err and "call 1" in captured.err


def test_an_outer_alarm_timer_is_restored_after_a_check():
    fired = []
    old = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 50.0)
    try:
        check(U.cccp_step, "cccp-step", examples=2, properties=["one-step"], timeout=1.0)
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 40.0 < left <= 50.0
        assert signal.getsignal(signal.SIGALRM) is not None and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# --------------------------------------------------------------------------- slow, exit, Ctrl-C


def test_a_slow_function_shows_progress_on_stderr(capsys):
    def slow(patterns, x):
        time.sleep(0.01)
        return U.distance_energy(patterns, x)

    res = check(slow, "distance-energy", examples=15, properties=["value"], progress=0.05)
    assert res.passed
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if "calls" in ln]
    assert lines and all("s elapsed" in ln and "property value" in ln for ln in lines)
    counts = [int(ln.split(": ")[1].split(" calls")[0]) for ln in lines]
    assert counts == sorted(counts) and counts[-1] <= res.calls
    check(slow, "distance-energy", examples=3, properties=["value"], progress=False)
    assert "calls" not in capsys.readouterr().err


def _exits(patterns, x):
    sys.exit(3)


def test_sys_exit_in_user_code_is_reported_not_obeyed(capsys):
    res = check(_exits, "distance-energy", examples=3)
    assert "called sys.exit(3)" in res.error and "test_faults.py" in res.error

    def exits_for_d1(patterns, x):
        if patterns.shape[0] == 1:
            sys.exit("bye")
        return U.distance_energy(patterns, x)

    res = check(exits_for_d1, "distance-energy", examples=20, properties=["value"])
    assert "called sys.exit('bye')" in res.counterexample.message
    rc = check_main(
        [
            "examples.user_attention:cccp_step",
            "--kind",
            "cccp-step",
            "--examples",
            "1",
            "--properties",
            "one-step",
        ]
    )
    assert rc == 0
    capsys.readouterr()


def test_cli_exit_status_is_never_the_users(tmp_path, capsys):
    mod = tmp_path / "exits.py"
    mod.write_text("import sys\n\ndef energy(patterns, x):\n    sys.exit(3)\n")
    rc = check_main([f"{mod}:energy", "--kind", "distance-energy"])
    err = capsys.readouterr().err
    assert rc == 2 and "called sys.exit(3)" in err and err.count("\n") == 1


def test_keyboard_interrupt_raised_by_the_function_is_its_failure():
    def raises_ki(patterns, x):
        if patterns.shape[0] >= 4:  # not the smoke instance (d = 3)
            raise KeyboardInterrupt
        return U.distance_energy(patterns, x)

    res = check(raises_ki, "distance-energy", examples=20, properties=["value"])
    assert res.error is None and "raised KeyboardInterrupt" in res.counterexample.message


def test_a_real_ctrl_c_stops_the_check_naming_the_call(tmp_path, capsys):
    def presses_ctrl_c(patterns, x):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
        return U.distance_energy(patterns, x)

    with pytest.raises(CheckInterrupted, match="interrupted.*call 1.*patterns"):
        check(presses_ctrl_c, "distance-energy", examples=3)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    mod = tmp_path / "ctrl_c.py"
    mod.write_text(
        "import os, signal, time\n\ndef energy(patterns, x):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n    time.sleep(1)\n"
    )
    rc = check_main([f"{mod}:energy", "--kind", "distance-energy"])
    err = capsys.readouterr().err
    assert rc == 130 and "interrupted" in err and err.count("\n") == 1


def _nan(patterns, x):
    return U.distance_energy(patterns, x) * math.nan


def test_a_non_finite_output_is_a_failure():
    res = check(_nan, "distance-energy", examples=3, properties=["value"])
    assert "non-finite" in res.counterexample.message


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    "kw, msg",
    [
        ({"retrieval_steps": 0}, "retrieval_steps must be ≥ 1"),
        ({"max_iter": 0}, "max_iter must be ≥ 1"),
        ({"examples": 0}, "examples"),
        ({"examples": 2.5}, "examples must be an int"),
        ({"examples": True}, "examples must be an int"),
        ({"seed": -1}, "seed"),
        ({"n": 0}, "n must be ≥ 1"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": math.inf}, "timeout"),
        ({"timeout": "5"}, "timeout"),
        ({"shrink_seconds": -1}, "shrink_seconds"),
        ({"progress": -1}, "progress"),
        ({"properties": []}, "non-empty"),
        ({"properties": [1]}, "names"),
        ({"properties": "one-step,nope"}, "do not apply"),
        ({"reading": "nearest"}, "reading"),
        ({"dtype": "float64"}, "torch dtype"),
        ({"convention": 42}, "preset name"),
        ({"isolate": "yes"}, "isolate"),
        ({"name": 3}, "name"),
        ({"beta": 1.0}, "no free β"),
        ({"colour": "red"}, "unexpected keyword|unknown option"),
    ],
)
def test_every_bad_option_is_a_value_error_naming_it(kw, msg):
    if "colour" in kw:
        with pytest.raises(TypeError, match="unexpected keyword"):
            check(U.cccp_step, "cccp-step", **kw)
        return
    with pytest.raises(ValueError, match=msg):
        check(U.cccp_step, "cccp-step", **kw)


@pytest.mark.parametrize("beta", [0.0, -1.0, math.nan, math.inf, "2", True])
def test_a_bad_beta_is_a_value_error(beta):
    with pytest.raises(ValueError, match="beta"):
        check(U.mchn_step, "mchn-step", beta=beta)


T = "examples.user_attention:cccp_step"


@pytest.mark.parametrize(
    "argv",
    [
        [T, "--kind", "cccp-step", "--examples", "0"],
        [T, "--kind", "cccp-step", "--examples", "x"],
        [T, "--kind", "cccp-step", "--timeout", "0"],
        [T, "--kind", "cccp-step", "--timeout", "-1"],
        [T, "--kind", "cccp-step", "--timeout", "inf"],
        [T, "--kind", "cccp-step", "--max-iter", "0"],
        [T, "--kind", "cccp-step", "--retrieval-steps", "0"],
        [T, "--kind", "cccp-step", "--seed", "-2"],
        [T, "--kind", "cccp-step", "--n", "0"],
        [T, "--kind", "cccp-step", "--progress", "-1"],
        [T, "--kind", "cccp-step", "--shrink-seconds", "nan"],
        [T, "--kind", "cccp-step", "--beta", "2"],
        [T, "--kind", "cccp-step", "--properties", "bogus"],
        [T, "--kind", "cccp-step", "--properties", ","],
        [T, "--kind", "cccp-step", "--reading", "nearest"],
        [T, "--kind", "cccp-step", "--convention", "nonsense"],
        [T, "--kind", "cccp-step", "--convention", "paper,reduction=sum"],
        [T, "--kind", "cccp-step", "--dtype", "float8"],
        [T, "--kind", "nope"],
        [T, "--kind", "cccp-step", "--colour", "red"],
        [T],
        ["--kind", "cccp-step"],
        ["no_colon", "--kind", "cccp-step"],
        ["no.such.module:f", "--kind", "cccp-step"],
        ["examples/nope.py:f", "--kind", "cccp-step"],
        ["examples.user_attention:mchn_energy", "--kind", "cccp-step"],
        ["examples.user_attention:mchn_step", "--kind", "mchn-step", "--beta", "-1"],
        [
            "examples.user_attention:mchn_step",
            "--kind",
            "mchn-step",
            "--convention",
            "paper,beta=fixed",
        ],
    ],
)
def test_every_bad_command_line_is_one_line_and_exit_2(argv, capsys):
    rc = check_main(argv)
    captured = capsys.readouterr()
    assert rc == 2, (argv, captured)
    assert captured.err.count("\n") == 1 and captured.err.startswith("beyond-scaling check: error:")
    assert "Traceback" not in captured.err and captured.out == ""
