"""The ``fastinit`` command: help, argument errors, missing data, the
outputs of each experiment command and the exit status."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

import fastinit
from fastinit.__main__ import main as fastinit_main
from fastinit.study import cli, datasets

COMMANDS = ("study", "histogram", "compare", "symmetry", "info")
QUICK_HIST = ["--layers", "2", "--nodes", "10", "--samples", "20"]


def figures(*names):
    """The figure files a command writes: none without matplotlib (the
    plot extra), where it says so and writes the rest."""
    return set(names) if importlib.util.find_spec("matplotlib") else set()


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", ("http://127.0.0.1:9/",))
    monkeypatch.delenv("FASTINIT_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        fastinit_main([command, "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "usage: fastinit " + command in text
    if command != "info":
        for option in ("--seed", "--backend", "--out"):
            assert option in text


def test_top_level_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        fastinit_main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS + ("bench",):
        assert command in out
    assert fastinit_main([]) == cli.EXIT_USAGE  # no command: help and a nonzero status


@pytest.mark.parametrize("argv, message", [
    (["histogram", "--backend", "cuda"], "invalid choice: 'cuda'"),
    (["histogram", "--layers", "0"], "must be >= 1"),
    (["compare", "--lr", "-1"], "must be > 0"),
    (["compare", "--iterations", "many"], "expected an integer"),
    (["symmetry", "--hidden", "1"], "must be >= 2"),
    (["compare", "--processes", "0"], "argument --processes: must be >= 1, got 0"),
    (["study", "--processes", "two"], "argument --processes: expected an integer, got 'two'"),
    (["study", "--seed", "-3"], "must be >= 0"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        fastinit_main(argv)
    assert exc.value.code == cli.EXIT_USAGE
    assert message in capsys.readouterr().err


def test_bad_value_found_late_exit_2(tmp_path, capsys):
    code = fastinit_main(["histogram", "--activations", "softplus", "--out", str(tmp_path)])
    assert code == cli.EXIT_USAGE
    assert "unknown activation 'softplus'" in capsys.readouterr().err


def test_missing_mnist_exit_2(tmp_path, offline, capsys):
    code = fastinit_main(["compare", "--dataset", "mnist", "--data", str(tmp_path / "empty"),
                     "--no-download", "--out", str(tmp_path / "out")])
    assert code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "fastinit compare: error:" in err and str(tmp_path / "empty") in err
    assert "FASTINIT_DATA" in err and len(err.strip().splitlines()) == 1


def test_info(capsys):
    assert fastinit_main(["info"]) == 0
    out = capsys.readouterr().out
    assert "version:" in out and "simd:" in out and "mnist:" in out


def test_bench_delegates(monkeypatch, capsys):
    seen = {}
    fake = type(sys)("fastinit.bench")
    fake.main = lambda argv: seen.setdefault("argv", argv) and 0
    monkeypatch.setitem(sys.modules, "fastinit.bench", fake)
    import fastinit
    monkeypatch.setattr(fastinit, "bench", fake, raising=False)
    assert fastinit_main(["bench", "--quick", "x"]) == 0
    assert seen["argv"] == ["--quick", "x"]


def test_bench_missing_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "fastinit.bench", None)  # import fails
    monkeypatch.delattr(fastinit, "bench", raising=False)  # not cached by an earlier import
    assert fastinit_main(["bench"]) == cli.EXIT_USAGE
    assert "benchmark runner is not available" in capsys.readouterr().err


@pytest.mark.parametrize("backend", ["native", "numpy"])
def test_histogram_command_writes_outputs(tmp_path, backend, capsys):
    code = fastinit_main(["histogram", "--backend", backend, "--out", str(tmp_path / "rep"),
                          *QUICK_HIST])
    out = tmp_path / "rep" / "histogram"  # each experiment command writes its own subfolder
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("histogram: 12 runs") and "claims held" in lines[0]
    assert code in (0, 1)  # 2 layers of 10 nodes need not show every effect
    assert {p.name for p in out.iterdir()} >= {
        "results.json", "report.md", "histogram_stats.csv", "histogram_counts.csv",
        "claims.csv"} | figures("histograms_sigmoid.png", "histograms_relu.png",
                                "histograms_tanh.png")
    doc = json.loads((out / "results.json").read_text())
    assert doc["activation_histograms"]["config"]["backend"] == backend
    assert doc["meta"]["backend"] == backend


def test_symmetry_command_exit_0(tmp_path, capsys):
    code = fastinit_main(["symmetry", "--iterations", "200", "--hidden", "3", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "symmetry: zeros 1/3 distinct, std=0.01 3/3 distinct; 2/2 claims held" in out
    assert (tmp_path / "symmetry" / "symmetry.csv").exists()
    assert {p.name for p in (tmp_path / "symmetry").iterdir()} >= figures("symmetry.png")


def test_failed_claim_exit_1(tmp_path, offline, capsys):
    pytest.importorskip("sklearn")
    # 5 iterations cannot bring He and Xavier below 0.5: that claim fails.
    code = fastinit_main(["compare", "--dataset", "digits", "--iterations", "5", "--no-progress",
                     "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == cli.EXIT_CLAIM_FAILED
    assert "claim did not hold: He ends below Xavier" in captured.err
    assert "compare: digits, 5 iterations" in captured.out
    assert "data: scikit-learn's 8x8 digits" in captured.out
    assert "did not hold" in (tmp_path / "compare" / "report.md").read_text()


def test_compare_processes_writes_the_same_results(tmp_path, offline, capsys, monkeypatch):
    pytest.importorskip("sklearn")
    from fastinit.study import experiments
    seen = []
    real = experiments.init_comparison

    def spy(*args, **kwargs):
        seen.append(kwargs["processes"])
        return real(*args, **kwargs)
    monkeypatch.setattr(experiments, "init_comparison", spy)
    args = ["compare", "--dataset", "digits", "--iterations", "5", "--seeds", "2",
            "--no-progress"]
    codes = [fastinit_main(args + ["--out", str(tmp_path / "one")]),
             fastinit_main(args + ["--processes", "2", "--out", str(tmp_path / "two")])]
    assert codes == [cli.EXIT_CLAIM_FAILED] * 2  # 5 iterations: the claim cannot hold
    assert seen == [1, 2]
    one, two = ((tmp_path / d / "compare" / "results.json").read_text() for d in ("one", "two"))
    assert json.loads(one)["init_comparison"] == json.loads(two)["init_comparison"]


def test_study_falls_back_to_digits_offline(tmp_path, offline, capsys):
    pytest.importorskip("sklearn")
    code = fastinit_main(["study", "--out", str(tmp_path), "--iterations", "5", "--sym-iterations",
                     "50", "--no-progress", *QUICK_HIST])
    out = capsys.readouterr().out
    assert code == cli.EXIT_CLAIM_FAILED  # 5 iterations: the comparison claim cannot hold
    assert "fell back to scikit-learn's 8x8 digits" in out
    summaries = [line.split(":")[0] for line in out.splitlines()]
    assert {"histogram", "compare", "symmetry"} <= set(summaries)
    report = (tmp_path / "report.md").read_text()
    assert "fell back to scikit-learn's 8x8 digits" in report
    for png in figures("loss_curves.png", "symmetry.png", "histograms_relu.png"):
        assert f"]({png})" in report and (tmp_path / png).exists()


def test_python_dash_m(tmp_path):
    # From a folder outside the source tree, so the installed package runs.
    env = dict(os.environ, MPLBACKEND="Agg")
    res = subprocess.run([sys.executable, "-m", "fastinit", "symmetry", "--iterations", "20",
                          "--out", "rep"], capture_output=True, text=True, env=env,
                         timeout=300, cwd=tmp_path)
    assert (tmp_path / "rep" / "symmetry" / "report.md").exists()
    assert "symmetry:" in res.stdout and res.returncode in (0, 1), res.stderr
    res = subprocess.run([sys.executable, "-m", "fastinit", "histogram", "--backend", "gpu"],
                         capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert res.returncode == 2 and "invalid choice" in res.stderr


@pytest.mark.parametrize("make_argv,message", [
    (lambda d: ["symmetry", "--out", str(d / "afile" / "sub")], "is a file, not a folder"),
    (lambda d: ["histogram", "--out", str(d / "afile")], "is a file, not a folder"),
    (lambda d: ["study", "--out", "/proc/fastinit-test/x"], "cannot write there"),
    (lambda d: ["study", "--data", str(d / "no-such-dir"), "--out", str(d / "o")],
     "no such folder"),
    (lambda d: ["compare", "--inits", "hee", "--out", str(d / "o")], "unknown initializer 'hee'"),
    (lambda d: ["compare", "--activation", "swish", "--out", str(d / "o")],
     "unknown activation 'swish'"),
    (lambda d: ["study", "--hist-inits", "std=-1", "--out", str(d / "o")],
     "unknown initializer 'std=-1'"),
])
def test_user_errors_exit_2_before_any_work(tmp_path, monkeypatch, capsys, make_argv, message):
    from fastinit.study import datasets, experiments
    (tmp_path / "afile").write_text("not a folder")
    if "/proc/" in " ".join(make_argv(tmp_path)) and not os.path.isdir("/proc/self"):
        pytest.skip("no /proc here: no folder that even root cannot create")

    def no_work(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")
    for name in ("activation_histograms", "init_comparison", "symmetry"):
        monkeypatch.setattr(experiments, name, no_work)
    monkeypatch.setattr(datasets, "load_study_data", no_work)
    code = fastinit_main(make_argv(tmp_path))
    err = capsys.readouterr().err
    assert code == cli.EXIT_USAGE
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_commands_sharing_out_keep_their_reports_apart(tmp_path, capsys):
    out = tmp_path / "r"
    assert fastinit_main(["symmetry", "--iterations", "50", "--out", str(out)]) in (0, 1)
    assert fastinit_main(["histogram", "--out", str(out), *QUICK_HIST]) in (0, 1)
    sym = (out / "symmetry" / "report.md").read_text()
    hist = (out / "histogram" / "report.md").read_text()
    assert "`fastinit symmetry --iterations 50 --out" in sym and "histogram" not in sym.lower()
    assert "`fastinit histogram --out" in hist and "symmetry.png" not in hist
    assert not (out / "report.md").exists()
    # a second run into the same folder leaves nothing of the first behind
    (out / "histogram" / "notes.txt").write_text("the user's own file")
    assert fastinit_main(["histogram", "--activations", "relu", "--out", str(out),
                          *[a for a in QUICK_HIST if a not in ("sigmoid,relu,tanh",)]]) in (0, 1)
    names = {p.name for p in (out / "histogram").iterdir()}
    assert "notes.txt" in names
    assert not {"histograms_sigmoid.png", "histograms_tanh.png"} & names


def test_compare_takes_one_activation_per_init(tmp_path, offline, capsys):
    pytest.importorskip("sklearn")
    code = fastinit_main(["compare", "--dataset", "digits", "--inits", "std=0.01,xavier,he",
                          "--activation", "relu,sigmoid,relu", "--iterations", "5",
                          "--no-progress", "--out", str(tmp_path)])
    assert code in (0, 1)
    doc = json.loads((tmp_path / "compare" / "results.json").read_text())["init_comparison"]
    assert [r["activation"] for r in doc["runs"]] == ["relu", "sigmoid", "relu"]
    assert doc["config"]["activation"] == ["relu", "sigmoid", "relu"]
    code = fastinit_main(["compare", "--inits", "xavier,he", "--activation", "relu,sigmoid,relu",
                          "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_USAGE and "one per initializer (2), got 3" in err


@pytest.mark.parametrize("argv", [
    ["histogram", "--hist-inits", "he", "--hist-activations", "relu"],
    ["histogram", "--inits", "he", "--activations", "relu"],
    ["study", "--hist-inits", "he", "--hist-activations", "relu", "--compare-iterations", "3",
     "--sym-iterations", "3", "--dataset", "digits"],
    ["symmetry", "--sym-iterations", "3"],
])
def test_one_vocabulary_across_commands(tmp_path, offline, argv):
    if "--dataset" in argv:
        pytest.importorskip("sklearn")
    assert fastinit_main(argv + ["--no-progress"] * ("study" in argv) + QUICK_HIST * (
        argv[0] in ("histogram", "study")) + ["--out", str(tmp_path)]) in (0, 1)


def test_study_runs_the_std10_and_std0_rows(tmp_path, offline, capsys):
    pytest.importorskip("sklearn")
    code = fastinit_main(["study", "--dataset", "digits", "--iterations", "5",
                          "--sym-iterations", "50", "--no-progress", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == cli.EXIT_CLAIM_FAILED  # 5 iterations: the comparison claim cannot hold
    assert "std=10,std=0" in out
    report = (tmp_path / "report.md").read_text()
    for key in ("std=10: in every layer nearly all", "std=0: every unit of every layer",
                "tanh, Xavier: every layer keeps its spread"):
        assert key in report
