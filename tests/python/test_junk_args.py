"""The argument rule, proved by walking everything (DESIGN.md "Safety rules").

``junk_walk.py`` finds every public class, method, function, template value
and module function of ndwrap by introspection (so new ones are covered with
no change here) and calls each with None, wrong types, huge and negative
integers, NaN and nested junk, on constructed, allocated and never-initialised
objects (``T.__new__(T)``, a subclass that skips ``super().__init__()``).
It runs in a subprocess: an exception is the expected answer, a crash kills
only the child and the test names the call that crashed.
"""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def run_walk(tmp_path, *modules, timeout=900):
    progress = tmp_path / "progress"
    env = dict(os.environ)
    # under ASan: fail allocations instead of aborting on huge requests
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":allocator_may_return_null=1"
    r = subprocess.run([sys.executable, os.path.join(HERE, "junk_walk.py"), str(progress),
                        *modules], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=timeout)
    last = progress.read_bytes().split(b"\0")[0].decode("utf-8", "replace")
    assert r.returncode == 0, (f"the junk walk died (exit {r.returncode}) during:\n  {last}\n"
                               f"stderr tail:\n{r.stderr[-3000:]}")
    assert last == "done"
    calls = int(r.stdout.strip().rsplit("calls=", 1)[1])
    return calls


def test_every_public_callable_survives_junk(tmp_path):
    calls = run_walk(tmp_path)
    # every image class (13 types x dims x scalar/vector) has ~30 methods,
    # each called with ~40 junk values in 4 arities: far more than this
    assert calls > 200_000, calls


def test_module_functions_survive_junk(tmp_path):
    try:
        import extfilters  # noqa: F401  (built by the external-module stage)
    except ImportError:
        pytest.skip("examples/ExternalModule is not on the path")
    assert run_walk(tmp_path, "extfilters") > 200_000
