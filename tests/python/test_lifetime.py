"""Lifetime: whatever the user deletes first, no view outlives its memory.
Each scenario runs many times in a subprocess, so a use-after-free shows up
as a crash (non-zero exit) or wrong values instead of taking pytest down."""
import os
import subprocess
import sys
import textwrap

import pytest

import ndwrap

pytestmark = pytest.mark.skipif(3 not in ndwrap.WRAPPED_DIMS, reason="needs dimension 3")

PRELUDE = """
import gc, numpy as np, ndwrap
T = ndwrap.Image[ndwrap.F, 3]
PB = ndwrap.PyBuffer[T]
def make():
    img = T.New(); img.SetRegions([16, 8, 4]); img.Allocate()
    np.asarray(img)[...] = np.arange(512, dtype=np.float32).reshape(4, 8, 16)
    return img
"""

SCENARIOS = {
    "delete image, then touch the view": """
for i in range(2000):
    img = make()
    view = PB.GetArrayViewFromImage(img)
    del img; gc.collect()
    view += 1
    assert view[3, 7, 15] == 512.0 and view.sum() == sum(range(512)) + 512
""",
    "delete array, then touch the image": """
for i in range(2000):
    arr = np.arange(512, dtype=np.float32).reshape(4, 8, 16)[:, ::-1, :]
    img = PB.GetImageViewFromArray(arr)
    del arr; gc.collect()
    img.SetPixel((0, 0, 0), -1.0)
    assert img.GetPixel((15, 0, 3)) == 3 * 128 + 7 * 16 + 15
    assert img.GetPixel((0, 0, 0)) == -1.0
    assert np.asarray(img)[3, 0, 15] == 3 * 128 + 7 * 16 + 15
""",
    "chains: image -> array -> image -> array, deleted in every order": """
for i in range(1000):
    img = make()
    a = PB.GetArrayViewFromImage(img)
    img2 = PB.GetImageViewFromArray(a[:, ::2])
    b = PB.GetArrayViewFromImage(img2, keepAxes=True)
    for name in (["img", "a", "img2"] if i % 2 else ["img2", "a", "img"]):
        del globals()[name]
    gc.collect()
    b[0, 0, 0] += 1
    assert b.shape == (16, 4, 4) and b[15, 3, 3] == 3 * 128 + 6 * 16 + 15
""",
    "re-allocate refused while viewed, allowed after": """
for i in range(500):
    img = make()
    v = PB.GetArrayViewFromImage(img)
    try:
        img.Allocate(); raise SystemExit("Allocate should have raised")
    except BufferError:
        pass
    del v; gc.collect()
    img.Allocate(initialize=True)
    assert np.asarray(img).sum() == 0
""",
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_lifetime_scenario(name):
    code = textwrap.dedent(PRELUDE) + textwrap.dedent(SCENARIOS[name]) + "\nprint('ok')\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
