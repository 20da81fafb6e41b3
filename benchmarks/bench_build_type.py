"""What the build type costs: the same C work timed in two ndwrap builds.

    python benchmarks/bench_build_type.py <build dir A> <build dir B> [--rounds N]

Each build dir is a CMake build tree with the Python package (its
``python/`` folder is put on ``sys.path``). The builds cannot share a process
(same package name), so each round runs one subprocess per build, alternately,
each timing every case as the best of a few repeats; a case's figure is the
median over rounds, and the ratio is A / B. Used for the default
CMAKE_BUILD_TYPE (issue 10): A = a plain configure before the default
(no build type: no -O flag), B = the same with the default (Release, -O3).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

CASES = r"""
import json, sys, timeit
sys.path.insert(0, sys.argv[1])
import numpy as np, ndwrap
F3, UC3 = ndwrap.Image[ndwrap.F, 3], ndwrap.Image[ndwrap.UC, 3]
big = F3.New(); big.SetRegions([256, 256, 256]); big.Allocate()
img = F3.New(); img.SetRegions([128, 128, 128]); img.Allocate(); img.FillBuffer(3.0)
rng = np.random.default_rng(0)
f_order = np.asfortranarray(rng.random((128, 128, 128), dtype=np.float32))
strided = rng.random((256, 256, 256), dtype=np.float32)[:, ::2, ::2]
def pixels():
    for i in range(1000):
        img.SetPixel([i % 128, 6, 7], 2.0)
        img.GetPixel([i % 128, 6, 7])
cases = {
    "CastImage[F3, UC3], 128^3": lambda: ndwrap.CastImage[F3, UC3](img),
    "1000 x SetPixel + GetPixel": pixels,
    "GetImageFromArray, F-order 128^3 (strided copy)": lambda: ndwrap.GetImageFromArray(f_order),
    "GetImageFromArray, [:, ::2, ::2] of 256^3": lambda: ndwrap.GetImageFromArray(strided),
    "FillBuffer, float32 256^3": lambda: big.FillBuffer(1.5),
}
out = {}
for name, f in cases.items():
    f()
    out[name] = min(timeit.repeat(f, number=3, repeat=5)) / 3
print(json.dumps(out))
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    builds = [os.path.join(os.path.abspath(d), "python") for d in (args.a, args.b)]
    times = [[], []]
    for _ in range(args.rounds):
        for k, path in enumerate(builds):
            res = subprocess.run([sys.executable, "-c", CASES, path], check=True,
                                 capture_output=True, text=True, cwd="/")
            times[k].append(json.loads(res.stdout))
    print(f"A = {args.a}\nB = {args.b}\nmedian of {args.rounds} rounds (each the best of 5)\n")
    print(f"| case | A ms | B ms | A / B |\n|---|---:|---:|---:|")
    for name in times[0][0]:
        a = statistics.median(r[name] for r in times[0]) * 1e3
        b = statistics.median(r[name] for r in times[1]) * 1e3
        print(f"| {name} | {a:.2f} | {b:.2f} | {a / b:.2f}x |")


if __name__ == "__main__":
    main()
