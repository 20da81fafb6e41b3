"""Process a volume larger than any one worker's memory with ndwrap on Dask.

A 2-worker ``dask.distributed.LocalCluster`` (separate processes, each with
a memory limit smaller than the volume) smooths a float32 volume with a
3x3x3 mean (``map_overlap``: each block gets a one-pixel halo from its
neighbours) and casts it to int16 with ``ndwrap.CastImage`` (``map_blocks``).
Every block reaches its function as an ndwrap image viewing the block, with
the block's own origin; the volume itself is made blockwise from physical
coordinates, so no process but the client ever holds it whole.  The result
is then checked, pixel for pixel, against the same functions run in this one
process on the whole volume; and an image makes a trip to a worker and back
(pickled, its pixels out of band) to show that images travel as they are.

The mean is SciPy's ``uniform_filter`` on the image's NumPy view, or with
``--mean extfilters`` the ``Mean`` of examples/ExternalModule (a module made
with ``ndw_add_module``; the same definition, a box mean with mirrored
borders, but a plain 27-tap loop: several times slower).

    python examples/dask_volume.py [--size 272 512 512] [--memory-limit 256MiB]

Needs ``pip install 'ndwrap[dask]'`` (dask, distributed) and NumPy.
"""
import argparse
import logging
import sys
import time

import numpy as np

import ndwrap
import ndwrap.dask


def parse_bytes(text):
    import dask.utils

    return dask.utils.parse_bytes(text)


def phantom(image):
    """Pixel values from the physical coordinates (x, y, z in mm) of the
    image's pixels: its spacing and origin say where the block lies."""
    shape = np.asarray(image).shape
    sp, org = image.GetSpacing(), image.GetOrigin()
    px = org[0] + sp[0] * np.arange(shape[2], dtype=np.float64)[None, None, :]
    py = org[1] + sp[1] * np.arange(shape[1], dtype=np.float64)[None, :, None]
    pz = org[2] + sp[2] * np.arange(shape[0], dtype=np.float64)[:, None, None]
    v = 400.0 * np.sin(px / 9.0) * np.cos(py / 13.0) + 3.0 * pz + 0.05 * px * py
    out = ndwrap.image_from_array(v.astype(np.float32))
    out.CopyInformation(image)
    return out


def image_summary_and_self(image):
    """Runs on a worker: what the worker sees of an image, and the image."""
    return (float(np.asarray(image, dtype=np.float64).sum()), image.GetSpacing(),
            image.GetOrigin()), image


def mean_function(which):
    """extfilters.Mean[F3, F3] (radius 1), or SciPy's box mean."""
    F3 = ndwrap.Image[ndwrap.F, 3]
    if which == "extfilters":
        import extfilters

        mean = extfilters.Mean[F3, F3]
        return "extfilters.Mean", lambda image: mean(image, radius=[1, 1, 1])
    from scipy import ndimage

    def scipy_mean(image):
        out = ndwrap.image_from_array(ndimage.uniform_filter(np.asarray(image), size=3,
                                                             mode="reflect"))
        out.CopyInformation(image)
        return out

    return "scipy.ndimage.uniform_filter", scipy_mean


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, nargs=3, default=[272, 512, 512], metavar=("Z", "Y", "X"))
    ap.add_argument("--chunks", type=int, nargs=3, default=[68, 128, 128], metavar=("Z", "Y", "X"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-limit", default="256MiB", help="per worker")
    ap.add_argument("--mean", choices=["scipy", "extfilters"], default="scipy")
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds: a task that cannot finish fails the run instead of hanging it")
    args = ap.parse_args(argv)

    import dask.array as da
    from dask.array.core import slices_from_chunks
    from dask.distributed import Client, LocalCluster, as_completed

    shape = tuple(args.size)
    volume_bytes = int(np.prod(shape)) * 4
    limit = parse_bytes(args.memory_limit)
    if volume_bytes <= limit:
        ap.error(f"the volume ({volume_bytes / 2**20:.0f} MiB) must be larger than a "
                 f"worker's memory limit ({limit / 2**20:.0f} MiB)")
    spacing, origin = [0.8, 0.8, 1.5], [-100.0, -120.0, 40.0]
    F3, SS3 = ndwrap.Image[ndwrap.F, 3], ndwrap.Image[ndwrap.SS, 3]
    cast = ndwrap.CastImage[F3, SS3]
    mean_name, mean = mean_function(args.mean)
    geometry = dict(spacing=spacing, origin=origin)

    # the lazy pipeline: volume from coordinates -> 3x3x3 mean -> int16
    blocks = da.zeros(shape, dtype=np.float32, chunks=tuple(args.chunks))
    volume = ndwrap.dask.map_blocks(phantom, blocks, **geometry)
    smooth = ndwrap.dask.map_overlap(mean, volume, depth=1, **geometry)
    result = ndwrap.dask.map_blocks(cast, smooth, **geometry)

    t0 = time.perf_counter()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      memory_limit=args.memory_limit, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        limits = {w.memory_manager.memory_limit for w in cluster.workers.values()}
        # stream the blocks back as they finish, so that no worker keeps the
        # whole result (it does not fit one worker either)
        got = np.empty(result.shape, result.dtype)
        futures = client.compute(list(result.to_delayed().ravel()))
        where = dict(zip((f.key for f in futures), slices_from_chunks(result.chunks)))
        for future in as_completed(futures, timeout=args.timeout):
            got[where[future.key]] = future.result(timeout=args.timeout)
            future.release()
        try:
            peaks = client.run(lambda dask_worker: max(dask_worker.monitor.range_query(0)["memory"]))
            peak = max(peaks.values())
        except Exception:  # the monitor is a diagnostic only
            peak = 0
        # images themselves travel too: to a worker and back, pickled (protocol 5,
        # pixels out of band), with their geometry
        sample = ndwrap.image_from_array(got[:8, :16, :32], spacing=spacing, origin=origin)
        back = client.submit(image_summary_and_self, sample, pure=False).result(
            timeout=args.timeout)
    t_cluster = time.perf_counter() - t0
    if back[0] != (float(np.asarray(sample, dtype=np.float64).sum()), sample.GetSpacing(),
                   sample.GetOrigin()) or not np.array_equal(np.asarray(back[1]),
                                                             np.asarray(sample)):
        print("FAIL: an image did not survive the trip to a worker and back")
        return 1

    # the same functions, in this process, on the whole volume at once (its
    # input made by the same blocks, so that only the processing is compared)
    t0 = time.perf_counter()
    full = volume.compute(scheduler="threads")
    whole = ndwrap.image_view_from_array(full, spacing=spacing, origin=origin)
    expect = np.asarray(cast(mean(whole)))
    t_single = time.perf_counter() - t0
    # and each block had its own geometry: the blockwise volume is the volume
    # made from the whole image's coordinates
    ref = np.asarray(phantom(whole))
    if not np.allclose(full, ref, rtol=1e-5, atol=1e-3):
        print("FAIL: blocks were made with the wrong geometry")
        return 1

    print(f"volume {shape} float32 = {volume_bytes / 2**20:.0f} MiB; {args.workers} worker "
          f"processes, memory limit {sorted(limits)[0] / 2**20:.0f} MiB each"
          + (f" (peak worker memory {peak / 2**20:.0f} MiB)" if peak else ""))
    print(f"mean: {mean_name}; cluster {t_cluster:.1f} s, one process {t_single:.1f} s")
    if got.shape != expect.shape or got.dtype != expect.dtype:
        print(f"FAIL: cluster gave {got.shape} {got.dtype}, one process {expect.shape} "
              f"{expect.dtype}")
        return 1
    bad = int(np.count_nonzero(got != expect))
    if bad:
        print(f"FAIL: {bad} of {got.size} pixels differ")
        return 1
    print(f"OK: the {args.workers}-worker result equals the single-process result "
          f"({got.size} pixels, int16, {int(got.min())}..{int(got.max())}); an image went "
          "to a worker and back intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
