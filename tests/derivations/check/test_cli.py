"""Tests of the command line ``beyond-scaling check`` (derivations.check.cli), loading
``MODULE:FUNCTION`` targets, and the pytest plugin's ``theory_checker`` fixture."""

from __future__ import annotations

import os
from importlib.metadata import entry_points

import pytest
import torch.nn.functional as F

import examples.user_attention as U
from derivations.cli import main as cli_main
from derivations.testing import check_main, load_callable

pytest_plugins = ("pytester",)


def test_load_callable_from_a_module_and_from_a_file():
    assert load_callable("examples.user_attention:cccp_step") is U.cccp_step
    f = load_callable("examples/user_attention.py:mchn_step")
    assert f.__name__ == "mchn_step"
    assert load_callable("torch.nn.functional:scaled_dot_product_attention") is (
        F.scaled_dot_product_attention
    )
    for spec, msg in [
        ("no_colon", "MODULE:FUNCTION"),
        ("no.such.module:f", "cannot import"),
        ("examples.user_attention:nope", "no attribute"),
        ("examples/nope.py:f", "no such file"),
        ("examples.user_attention:math", "not a callable"),
    ]:
        with pytest.raises(ValueError, match=msg):
            load_callable(spec)


def test_cli_passes_fails_and_errors(capsys):
    rc = check_main(
        ["examples/user_attention.py:cccp_step", "--kind", "cccp-step", "--examples", "10"]
    )
    out = capsys.readouterr().out
    assert rc == 0 and "PASSED" in out and "one-step" in out

    rc = check_main(
        [
            "examples.user_attention:mchn_step_beta_twice",
            "--kind",
            "mchn-step",
            "--beta",
            "2",
            "--examples",
            "20",
            "--seed",
            "3",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 1 and "FAILED" in out
    assert "from examples.user_attention import mchn_step_beta_twice as fn" in out

    rc = check_main(
        [
            "examples/user_attention.py:retrieval_mha",
            "--kind",
            "cccp-step",
            "--convention",
            "mha",
            "--n",
            "4",
            "--examples",
            "5",
            "--properties",
            "one-step,values-distinct",
        ]
    )
    assert rc == 0, capsys.readouterr().out
    capsys.readouterr()

    rc = check_main(["examples.user_attention:nope", "--kind", "cccp-step"])
    assert rc == 2 and "no attribute" in capsys.readouterr().err
    rc = check_main(["examples.user_attention:cccp_step"])
    assert rc == 2 and "--kind" in capsys.readouterr().err
    rc = check_main(
        ["examples.user_attention:mchn_energy", "--kind", "cccp-step", "--examples", "3"]
    )
    captured = capsys.readouterr()
    assert rc == 2 and "TypeError" in captured.err and captured.err.count("\n") == 1
    rc = check_main(["--list-conventions"])
    out = capsys.readouterr().out
    assert rc == 0 and "mha" in out
    for preset in ("ramsauer", "ramsauer-batch", "hflayers", "hflayers-fn"):
        assert f"\n{preset} " in out, preset
    rc = check_main(["--list-kinds"])
    out = capsys.readouterr().out
    assert rc == 0 and "mchn-step" in out and "fixed-point:" in out


def test_beyond_scaling_dispatches_check(capsys):
    rc = cli_main(
        [
            "check",
            "examples.user_attention:mchn_step",
            "--kind",
            "mchn-step",
            "--examples",
            "3",
            "--beta",
            "2",
            "--properties",
            "one-step",
        ]
    )
    assert rc == 0 and "PASSED" in capsys.readouterr().out


# --------------------------------------------------------------------------- pytest plugin


def test_pytest_plugin_fixture_passes_and_fails_with_the_reproduction(pytester):
    pytester.makepyfile(
        """
        import examples.user_attention as U

        def test_good(theory_checker):
            res = theory_checker.assert_passes(U.cccp_step, "cccp-step")
            assert res.examples == 7

        def test_slow(theory_checker):
            import time

            def slow(patterns, x):
                time.sleep(60)

            res = theory_checker.check(slow, "distance-energy")
            assert "did not return within 0.3 s" in res.error

        def test_bad(theory_checker):
            theory_checker.assert_passes(U.mchn_energy_missing_half, "mchn-energy")
        """
    )
    # once the package is installed, the pytest11 entry point loads the plugin by itself
    installed = any(
        ep.value == "derivations.pytest_plugin" for ep in entry_points(group="pytest11")
    )
    autoload = installed and not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    plugin = [] if autoload else ["-p", "derivations.pytest_plugin"]
    result = pytester.runpytest_inprocess(
        *plugin, "--theory-examples", "7", "--theory-timeout", "0.3", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*reproduce:*", "*from examples.user_attention import*"])
