"""A bounded fuzz test of the image file readers: hypothesis mutates the
headers and data of valid MetaImage and NRRD files (ndwrap's and
SimpleITK's) and every read must either succeed or raise a clear exception:
no crash, no sanitizer report (tests/run_all.sh runs this file under
ASan + UBSan too), no allocation the input could not fill.  Deterministic
(derandomize) and bounded (a few hundred examples, about a second)."""
import io
import os
import resource

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ndwrap

if not hasattr(ndwrap, "imread"):
    pytest.skip("the image file modules are off in this build", allow_module_level=True)

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
# what a read of a bad file may raise: a clear Python exception, nothing else
CLEAN = (ValueError, TypeError, OSError, KeyError, ndwrap.NotWrappedError)


def _seeds():
    seeds = []
    pixel = next((p for p in ndwrap.PIXEL_TYPES if p.wrapped and p.code in ("SS", "F", "UC", "D")), None)
    d = ndwrap.WRAPPED_DIMS[0]
    if pixel is not None:
        shape = tuple(range(3, 3 + d))[::-1]
        arr = (np.arange(int(np.prod(shape))) % 100).astype(pixel.numpy_name).reshape(shape)
        for vector in (False, True):
            img = ndwrap.image_from_array(np.stack([arr, arr], -1) if vector else arr, is_vector=vector)
            for fmt in [f for f, name in (("mha", "metaimage"), ("nrrd", "nrrd"))
                        if name in ndwrap.imageio.FORMATS]:
                for compression in (False, True):
                    b = io.BytesIO()
                    ndwrap.imwrite(img, b, compression, format=fmt)
                    seeds.append(b.getvalue())
    for name in sorted(os.listdir(DATA)):
        if name.endswith((".mha", ".nrrd")) and \
                ("metaimage" if name.endswith(".mha") else "nrrd") in ndwrap.imageio.FORMATS:
            with open(os.path.join(DATA, name), "rb") as f:
                seeds.append(f.read())
    return seeds


SEEDS = _seeds()
HEADER_WORDS = [b"NDims", b"DimSize", b"ElementType", b"ElementSpacing", b"TransformMatrix",
                b"ElementNumberOfChannels", b"CompressedData", b"CompressedDataSize",
                b"ElementDataFile", b"HeaderSize", b"dimension", b"sizes", b"type", b"encoding",
                b"endian", b"space directions", b"kinds", b"data file", b"byte skip", b"MET_DOUBLE",
                b"MET_UCHAR", b"LOCAL", b"True", b"False", b"none", b"gzip", b"raw", b"vector",
                b"complex", b"../x", b"/etc/passwd", b"-1", b"0", b"4294967296",
                b"18446744073709551616", b"1e308", b"nan", b"(1,0)", b" = ", b": ", b"\n", b"\r\n"]

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(0, 7)),
    st.tuples(st.just("cut"), st.integers(0, 10**6)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.sampled_from(HEADER_WORDS)),
    st.tuples(st.just("replace"), st.integers(0, 10**6), st.binary(min_size=1, max_size=12)),
    st.tuples(st.just("digits"), st.integers(0, 10**6), st.sampled_from([b"9", b"99999999999", b"0", b"-"])),
)


def _mutate(data, ops):
    b = bytearray(data)
    for op in ops:
        if not b:
            break
        at = op[1] % len(b)
        if op[0] == "flip":
            b[at] ^= 1 << op[2]
        elif op[0] == "cut":
            del b[at:]
        elif op[0] == "insert":
            b[at:at] = op[2]
        elif op[0] == "replace":
            b[at:at + len(op[2])] = op[2]
        else:
            # header numbers live in the first few hundred bytes
            at = op[1] % min(len(b), 400)
            b[at:at + 1] = op[2]
    return bytes(b)


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.integers(0, 10**6), ops=st.lists(mutation, min_size=1, max_size=6),
       seekable=st.booleans())
def test_mutated_files_read_or_raise_cleanly(seed, ops, seekable):
    data = _mutate(SEEDS[seed % len(SEEDS)], ops)
    stream = io.BytesIO(data)
    if not seekable:
        class Unseekable(io.RawIOBase):
            def readable(self):
                return True

            def readinto(self, b):
                return stream.readinto(b)
        source = Unseekable()
    else:
        source = stream
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        image = ndwrap.imread(source)
    except CLEAN:
        image = None
    if image is not None:
        arr = ndwrap.array_view_from_image(image)
        # the pixels came from the input (inflate expands at most 1032 times)
        assert arr.nbytes <= len(data) * 1032 + 1024
    # nothing near the claimed sizes was ever allocated
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 128 * 1024


def test_the_seeds_themselves_read():
    assert len(SEEDS) >= 2
    for data in SEEDS:
        try:
            ndwrap.imread(io.BytesIO(data))
        except ndwrap.NotWrappedError:
            pass  # a fixture of a type this build does not wrap
