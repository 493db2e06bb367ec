"""Bad data and faults in the lab (issue 13): every case names the file, the line (when there
is one) and what was expected, exits 2 from the command line with a one-line message, and
leaves no output folder behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derivations.lab import LabDataError
from derivations.lab.cli import main
from derivations.lab.pcfg import PCFG

# (file, line to corrupt (1-based) or None for the whole file, new content, expected words)
LINE_CASES = {
    "no tab": ("question.dev", 3, "the newt does smile . quest does the newt smile ?", "0 tabs"),
    "two tabs": ("question.dev", 2, "my yak doesn't swim . decl\tmy yak\tdoesn't swim .", "2 tabs"),
    "bad marker": ("question.dev", 4, "my newt does swim . ask\tmy newt does swim .", "marker"),
    "no final dot": ("question.gen", 1, "the newt does smile quest\tdoes the newt smile ?", "'.'"),
    "decl target differs": (
        "question.train",
        5,
        "my yak doesn't swim . decl\tmy yak swim .",
        "decl",
    ),
    "quest not a question": ("question.train", 2, "my yak doesn't swim . quest\tmy yak .", "quest"),
    "double space": (
        "question.dev",
        6,
        "the newt  does smile . quest\tdoes the newt smile ?",
        "empty word",
    ),
}
GRAMMAR_CASES = {
    "weight not a number": (2, "x\tS\tNP VP", "not a number"),
    "negative weight": (2, "-1\tS\tNP VP", "not > 0"),
    "zero weight": (2, "0\tS\tNP VP", "not > 0"),
    "nan weight": (2, "nan\tS\tNP VP", "not a number"),
    "too few fields": (2, "1\tS", "2 fields"),
}
EXPERIMENTS = ("plateau", "sizelaw", "radius")


def _corrupt(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = text
    path.write_text("\n".join(lines), encoding="utf-8")


def _run(name: str, data: Path, out: Path, capsys, *extra) -> tuple[int, str]:
    rc = main([name, "--preset", "tiny", "--data", str(data), "--out", str(out), "--quiet", *extra])
    return rc, capsys.readouterr().err


def _assert_clean(out: Path) -> None:
    """No result folder, no temporary folder, no cache: nothing at all under ``out``."""
    assert not out.exists() or not any(out.iterdir()), sorted(out.rglob("*"))


def _assert_one_line(err: str, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.mark.parametrize(
    "case,name",
    [(c, "plateau") for c in sorted(LINE_CASES)] + [("no tab", "sizelaw"), ("no tab", "radius")],
)
def test_malformed_line_names_file_and_line(case, name, mini_qf, tmp_path, capsys):
    fname, line, text, word = LINE_CASES[case]
    _corrupt(mini_qf / fname, line, text)
    out = tmp_path / "out"
    rc, err = _run(name, mini_qf, out, capsys)
    assert rc == 2
    _assert_one_line(err, fname, f"line {line}", "expected", word)
    _assert_clean(out)


@pytest.mark.parametrize("case", sorted(GRAMMAR_CASES))
def test_bad_grammar_rule_names_the_line(case, mini_qf, tmp_path, capsys):
    line, text, word = GRAMMAR_CASES[case]
    _corrupt(mini_qf / "question.gr", line + 2, text)  # rule lines start at line 3
    out = tmp_path / "out"
    rc, err = _run("plateau", mini_qf, out, capsys)
    assert rc == 2
    _assert_one_line(err, "question.gr", f"line {line + 2}", "expected", word)
    _assert_clean(out)


@pytest.mark.parametrize("blob,word", [(b"\xff\xfe", "not UTF-8"), (b"\x00\x01", "NUL")])
@pytest.mark.parametrize("fname", ["question.dev", "question.train", "question.gr"])
def test_binary_bytes_name_the_line(blob, word, fname, mini_qf, tmp_path, capsys):
    p = mini_qf / fname
    lines = p.read_bytes().split(b"\n")
    lines[3] = lines[3][:4] + blob + lines[3][4:]
    p.write_bytes(b"\n".join(lines))
    out = tmp_path / "out"
    rc, err = _run("plateau", mini_qf, out, capsys)
    assert rc == 2
    _assert_one_line(err, fname, "line 4", "expected", word)
    _assert_clean(out)


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_empty_training_file(name, mini_qf, tmp_path, capsys):
    (mini_qf / "question.train").write_text("\n\n", encoding="utf-8")
    out = tmp_path / "out"
    rc, err = _run(name, mini_qf, out, capsys)
    assert rc == 2
    _assert_one_line(err, "question.train", "no example", "expected")
    _assert_clean(out)


@pytest.mark.parametrize("fname", ["question.gr", "question.train", "question.gen"])
def test_missing_file(fname, mini_qf, tmp_path, capsys):
    (mini_qf / fname).unlink()
    out = tmp_path / "out"
    rc, err = _run("plateau", mini_qf, out, capsys)
    assert rc == 2
    _assert_one_line(err, fname, "expected")
    _assert_clean(out)


def test_missing_data_folder(tmp_path, capsys):
    out = tmp_path / "out"
    rc, err = _run("plateau", tmp_path / "nowhere", out, capsys)
    assert rc == 2
    _assert_one_line(err, "rnn-hierarchical-biases", "--data")
    _assert_clean(out)


def test_empty_and_improper_grammar(mini_qf, tmp_path, capsys):
    (mini_qf / "question.gr").write_text("\n# nothing\n", encoding="utf-8")
    rc, err = _run("plateau", mini_qf, tmp_path / "out", capsys)
    assert rc == 2
    _assert_one_line(err, "question.gr", "no rules", "expected")
    (mini_qf / "question.gr").write_text("2\tS\tS S\n1\tS\ta\n", encoding="utf-8")
    rc, err = _run("plateau", mini_qf, tmp_path / "out", capsys)
    assert rc == 2
    _assert_one_line(err, "question.gr", "improper", "expected")
    _assert_clean(tmp_path / "out")


def test_too_few_training_lines(mini_qf, tmp_path, capsys):
    p = mini_qf / "question.train"
    p.write_text("\n".join(p.read_text(encoding="utf-8").split("\n")[:10]), encoding="utf-8")
    rc, err = _run("plateau", mini_qf, tmp_path / "out", capsys)
    assert rc == 2
    _assert_one_line(err, "question.train", "10 examples", "expected at least 300")
    _assert_clean(tmp_path / "out")


def test_radius_model_folder_that_is_not_a_model(mini_qf, tmp_path, capsys):
    rc, err = _run("radius", mini_qf, tmp_path / "out", capsys, "--model", str(tmp_path))
    assert rc == 2
    _assert_one_line(err, "config.json", "expected")
    _assert_clean(tmp_path / "out")


@pytest.mark.parametrize(
    "args", [["plateau", "--workers", "0"], ["plateau", "--preset", "huge"], ["nonsense"], []]
)
def test_bad_arguments_exit_2(args, capsys):
    assert main(args) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_parse_error_carries_file_line_and_expectation():
    with pytest.raises(LabDataError) as e:
        PCFG.parse("1 S a\n1/0 S b\n", source="g.gr")
    assert (e.value.path, e.value.line) == ("g.gr", 2)
    assert "positive weight" in e.value.expected


def test_a_failed_run_leaves_the_old_result_and_no_partial_folder(mini_qf, tmp_path, monkeypatch):
    """An error after the data were read (here: inside the trainings) removes the temporary
    folder and leaves an earlier result untouched."""
    from derivations.lab import plateau, runner

    out = tmp_path / "out" / "plateau"
    out.mkdir(parents=True)
    (out / "result.json").write_text(json.dumps({"old": True}))

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_jobs", boom)
    with pytest.raises(KeyboardInterrupt):
        plateau.run_plateau("tiny", out, mini_qf, progress=False)
    assert json.loads((out / "result.json").read_text()) == {"old": True}
    assert sorted(p.name for p in out.parent.iterdir()) == ["plateau"]


def test_staged_output_is_removed_on_error_and_replaces_on_success(tmp_path):
    from derivations.lab.common import staged_output

    target = tmp_path / "r"
    with pytest.raises(RuntimeError), staged_output(target) as d:
        (d / "half.json").write_text("{")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
    target.mkdir()
    (target / "stale.txt").write_text("old")
    with staged_output(target) as d:
        (d / "new.txt").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    assert [p.name for p in target.iterdir()] == ["new.txt"]


def test_interrupted_command_exits_130_and_leaves_nothing(mini_qf, tmp_path, monkeypatch, capsys):
    from derivations.lab import runner

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_jobs", interrupt)
    out = tmp_path / "out"
    rc, err = _run("plateau", mini_qf, out, capsys)
    assert rc == 130
    _assert_one_line(err, "interrupted")
    _assert_clean(out)


def test_unwritable_output_folder(mini_qf, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    rc, err = _run("sizelaw", mini_qf, blocker, capsys)
    assert rc == 2
    _assert_one_line(err, "cannot write")
