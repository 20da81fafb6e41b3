"""Issue 12's I/O figures: reading a 1 GiB raw-data .mha through
ndwrap.imread, and streaming it through ndwrap.FileStream.readinto, each
against Python's own open(...).readinto of the same bytes, in the same
process, in rounds (one run of every statement per round; ratios are
medians of per-round ratios).  The file lives in a temporary folder and is
deleted at the end.  The page cache is warm (the file was just written);
every read allocates its destination, as imread must.

    cd /tmp && PYTHONPATH=/path/to/build/python python /path/to/ndwrap/benchmarks/bench_imageio.py
    options: --size-mib 1024 --repeat 5 --dir /tmp
"""
import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time

import numpy as np

import ndwrap

CHUNK = 1 << 20


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", default=None, help="folder for the temporary file (default: the system's)")
    a = ap.parse_args()

    folder = tempfile.mkdtemp(prefix="ndw_bench_io_", dir=a.dir)
    try:
        nx, ny = 1024, 1024
        nz = a.size_mib * (1 << 20) // (nx * ny * 4)
        path = os.path.join(folder, "volume.mha")
        image = ndwrap.Image[ndwrap.F, 3].New()
        image.SetRegions([nx, ny, nz])
        image.Allocate()
        arr = ndwrap.array_view_from_image(image)
        arr[...] = np.arange(nx, dtype=np.float32)  # real bytes, not a sparse file
        t_write = timed(lambda: ndwrap.imwrite(image, path))
        del arr, image
        # clean pages: no write-back of this file stalls the reads below when
        # memory is reclaimed
        with open(path, "rb") as f:
            os.fsync(f.fileno())
        nbytes = nx * ny * nz * 4
        offset = os.path.getsize(path) - nbytes
        print(f"file: {path}  {nbytes / 2**30:.3f} GiB of float32 pixels, header {offset} bytes; "
              f"imwrite {nbytes / t_write / 1e9:.2f} GB/s")

        def py_readinto():
            buf = bytearray(nbytes)
            with open(path, "rb", buffering=0) as f:
                f.seek(offset)
                got = f.readinto(buf)
            assert got == nbytes

        def py_readinto_chunks():
            buf = bytearray(nbytes)
            view = memoryview(buf)
            with open(path, "rb", buffering=0) as f:
                f.seek(offset)
                pos = 0
                while pos < nbytes:
                    n = f.readinto(view[pos:pos + CHUNK])
                    if not n:
                        break
                    pos += n
            assert pos == nbytes

        def nd_imread():
            img = ndwrap.imread(path)
            assert img.GetLargestPossibleRegion().GetSize()[2] == nz

        def nd_filestream():
            buf = bytearray(nbytes)
            with ndwrap.FileStream(path, "rb") as f:
                f.seek(offset)
                got = f.readinto(buf)
            assert got == nbytes

        def nd_filestream_chunks():
            buf = bytearray(nbytes)
            view = memoryview(buf)
            with ndwrap.FileStream(path, "rb") as f:
                f.seek(offset)
                pos = 0
                while pos < nbytes:
                    n = f.readinto(view[pos:pos + CHUNK])
                    if not n:
                        break
                    pos += n
            assert pos == nbytes

        def nd_imread_mmap():
            img = ndwrap.imread(path, mmap=True)
            v = ndwrap.array_view_from_image(img)
            assert v.shape == (nz, ny, nx)

        rows = [("open().readinto, one call", py_readinto, None),
                ("ndwrap.imread(path)", nd_imread, "open().readinto, one call"),
                ("FileStream.readinto, one call", nd_filestream, "open().readinto, one call"),
                ("open().readinto, 1 MiB chunks", py_readinto_chunks, None),
                ("FileStream.readinto, 1 MiB chunks", nd_filestream_chunks, "open().readinto, 1 MiB chunks"),
                ("ndwrap.imread(path, mmap=True) + view", nd_imread_mmap, "open().readinto, one call")]
        py_readinto()  # warm the page cache
        times = {name: [] for name, _, _ in rows}
        ratios = {name: [] for name, _, ref in rows if ref}
        for r in range(a.repeat):
            this = {}
            # rotate the order: no statement always follows the same one
            for name, fn, _ in rows[r % len(rows):] + rows[:r % len(rows)]:
                this[name] = timed(fn)
                times[name].append(this[name])
            for name, _, ref in rows:
                if ref:
                    ratios[name].append(this[name] / this[ref])
        print(f"\n{a.repeat} rounds; Python {platform.python_version()}, NumPy {np.__version__}, "
              f"{os.cpu_count()} CPUs, {platform.machine()}")
        print(f"{'statement':42s} {'best ms':>9s} {'median ms':>10s} {'GB/s':>7s} {'ratio':>7s}")
        for name, _, ref in rows:
            best, med = min(times[name]), statistics.median(times[name])
            ratio = f"{statistics.median(ratios[name]):.2f}x" if ref else "ref"
            print(f"{name:42s} {best * 1e3:9.1f} {med * 1e3:10.1f} {nbytes / med / 1e9:7.2f} {ratio:>7s}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
