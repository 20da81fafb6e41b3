"""ndwrap.imread / ndwrap.imwrite: MetaImage and NRRD round trips for every
wrapped pixel type and dimension (from the generated table), files made by
SimpleITK (tests/data, see make_fixtures.py), files read back by SimpleITK
when it is installed, mmap, file objects, and bad files."""
import gc
import gzip
import io
import os
import resource
import sys

import numpy as np
import pytest

import ndwrap
from conftest import IMAGE_KEYS, WRAPPED_PIXELS, extreme_values, key_id, small_size

if not hasattr(ndwrap, "imread"):
    pytest.skip("the image file modules are off in this build", allow_module_level=True)

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
sys.path.insert(0, DATA)
import make_fixtures  # noqa: E402

# the formats of this build (Module_IOMetaImage, Module_IONRRD): tests follow
HAVE = set(ndwrap.imageio.FORMATS)
FORMAT_OF = {"mha": "metaimage", "mhd": "metaimage", "nrrd": "nrrd", "nhdr": "nrrd"}
FORMATS = [(ext, c) for ext in ("mha", "mhd", "nrrd", "nhdr") for c in (False, True)
           if FORMAT_OF[ext] in HAVE]
WRAPPED = {p.code for p in WRAPPED_PIXELS}


def need(*formats):
    missing = [f for f in formats if f not in HAVE]
    if missing:
        pytest.skip(f"{', '.join(missing)} is off in this build")


def geometry(d):
    spacing = [0.5 + 0.25 * i for i in range(d)]
    origin = [-1.5 + 2.125 * i for i in range(d)]
    direction = np.zeros((d, d))
    for i in range(d):  # a signed cyclic permutation: not symmetric, not the identity
        direction[i, (i + 1) % d] = -1.0 if i % 2 else 1.0
    return spacing, origin, direction


def make_image(p, d, vector, comps=3):
    size = small_size(d)
    shape = tuple(reversed(size)) + ((comps,) if vector else ())
    arr = extreme_values(p, int(np.prod(shape))).reshape(shape)
    spacing, origin, direction = geometry(d)
    image = ndwrap.image_from_array(arr, is_vector=vector, ttype=(p, d))
    image.SetSpacing(spacing)
    image.SetOrigin(origin)
    image.SetDirection(direction)
    return image, arr


def assert_same(image, arr, p, d, vector):
    name, key = ndwrap.template(type(image))
    assert (name, key) == ("VectorImage" if vector else "Image", (p, d))
    got = ndwrap.array_from_image(image)
    assert got.dtype == arr.dtype and got.shape == arr.shape
    np.testing.assert_array_equal(got, arr)
    spacing, origin, direction = geometry(d)
    assert image.GetSpacing() == tuple(spacing)
    assert image.GetOrigin() == tuple(origin)
    assert np.array_equal(np.array(image.GetDirection()), direction)


@pytest.mark.parametrize("vector", [False, True], ids=["scalar", "vector"])
@pytest.mark.parametrize("key", IMAGE_KEYS, ids=key_id)
def test_round_trip_every_type_format_and_compression(tmp_path, key, vector):
    p, d = key
    image, arr = make_image(p, d, vector)
    for ext, compression in FORMATS:
        path = tmp_path / f"img_{int(compression)}.{ext}"
        ndwrap.imwrite(image, path, compression=compression)
        back = ndwrap.imread(path, pixel_type=p)
        assert_same(back, arr, p, d, vector)
        # and through file objects (the data follows the header)
        if ext in ("mha", "nrrd"):
            buf = io.BytesIO()
            ndwrap.imwrite(image, buf, compression, format=ext)
            buf.seek(0)
            assert_same(ndwrap.imread(buf, p), arr, p, d, vector)


def test_detached_files_are_named_like_itk(tmp_path):
    need("metaimage", "nrrd")
    image, _ = make_image(ndwrap.F if "F" in WRAPPED else WRAPPED_PIXELS[0], ndwrap.WRAPPED_DIMS[-1], False)
    ndwrap.imwrite(image, tmp_path / "a.mhd")
    ndwrap.imwrite(image, tmp_path / "b.mhd", compression=True)
    ndwrap.imwrite(image, tmp_path / "c.nhdr")
    ndwrap.imwrite(image, tmp_path / "d.nhdr", compression=True)
    names = sorted(os.listdir(tmp_path))
    assert names == ["a.mhd", "a.raw", "b.mhd", "b.zraw", "c.nhdr", "c.raw", "d.nhdr", "d.raw.gz"]
    assert b"ElementDataFile = a.raw" in (tmp_path / "a.mhd").read_bytes()
    assert b"data file: d.raw.gz" in (tmp_path / "d.nhdr").read_bytes()


def _natural_cases():
    d = ndwrap.WRAPPED_DIMS[0]
    return d


def test_bool_files_are_unsigned_char(tmp_path):
    need("metaimage", "nrrd")
    if "B" not in WRAPPED:
        pytest.skip("B is not wrapped")
    d = _natural_cases()
    image, arr = make_image(ndwrap.B, d, False)
    for ext in ("mha", "nrrd"):
        ndwrap.imwrite(image, tmp_path / f"b.{ext}")
        assert_same(ndwrap.imread(tmp_path / f"b.{ext}", pixel_type="bool"), arr, ndwrap.B, d, False)
        if "UC" in WRAPPED:
            natural = ndwrap.imread(tmp_path / f"b.{ext}")
            assert ndwrap.template(type(natural)) == ("Image", (ndwrap.UC, d))
            np.testing.assert_array_equal(ndwrap.array_from_image(natural), arr.astype(np.uint8))
        else:
            with pytest.raises(ndwrap.NotWrappedError, match="NDW_WRAP_UC"):
                ndwrap.imread(tmp_path / f"b.{ext}")


def test_uchar_data_read_as_bool_is_zero_or_one(tmp_path):
    need("metaimage")
    if "B" not in WRAPPED:
        pytest.skip("B is not wrapped")
    d = _natural_cases()
    raw = bytes([0, 1, 2, 255] * 6)[: int(np.prod(small_size(d)))]
    header = f"NDims = {d}\nDimSize = {' '.join(map(str, small_size(d)))}\nElementType = MET_UCHAR\n" \
             "ElementDataFile = LOCAL\n"
    image = ndwrap.imread(io.BytesIO(header.encode() + raw), pixel_type=ndwrap.B)
    got = ndwrap.array_from_image(image).ravel()
    assert got.dtype == bool
    np.testing.assert_array_equal(got, np.frombuffer(raw, np.uint8) != 0)


def test_complex_files_as_itk_writes_them(tmp_path):
    need("metaimage", "nrrd")
    if not {"CF", "F"} <= WRAPPED:
        pytest.skip("CF and F are needed")
    d = _natural_cases()
    image, arr = make_image(ndwrap.CF, d, False)
    ndwrap.imwrite(image, tmp_path / "c.nrrd")
    ndwrap.imwrite(image, tmp_path / "c.mha")
    # NRRD marks the axis "complex": a complex image again
    assert_same(ndwrap.imread(tmp_path / "c.nrrd"), arr, ndwrap.CF, d, False)
    # MetaImage has two float channels (ITK's spelling): a 2-component vector
    # image unless pixel_type asks for complex
    natural = ndwrap.imread(tmp_path / "c.mha")
    assert ndwrap.template(type(natural)) == ("VectorImage", (ndwrap.F, d))
    np.testing.assert_array_equal(ndwrap.array_from_image(natural), arr.view(np.float32).reshape(arr.shape + (2,)))
    assert_same(ndwrap.imread(tmp_path / "c.mha", ndwrap.CF), arr, ndwrap.CF, d, False)


def test_pixel_type_casts(tmp_path):
    need("metaimage", "nrrd")
    d = _natural_cases()
    if not {"SS", "F"} <= WRAPPED:
        pytest.skip("SS and F are needed")
    image, arr = make_image(ndwrap.SS, d, False)
    ndwrap.imwrite(image, tmp_path / "s.nrrd")
    as_float = ndwrap.imread(tmp_path / "s.nrrd", pixel_type=ndwrap.F)
    assert ndwrap.template(type(as_float)) == ("Image", (ndwrap.F, d))
    np.testing.assert_array_equal(ndwrap.array_from_image(as_float), arr.astype(np.float32))
    assert as_float.GetSpacing() == image.GetSpacing()
    # an image type names the pixel type too
    assert type(ndwrap.imread(tmp_path / "s.nrrd", ndwrap.Image[ndwrap.F, d])) is ndwrap.Image[ndwrap.F, d]
    vimage, varr = make_image(ndwrap.SS, d, True)
    ndwrap.imwrite(vimage, tmp_path / "v.mha")
    vf = ndwrap.imread(tmp_path / "v.mha", "float")
    assert ndwrap.template(type(vf)) == ("VectorImage", (ndwrap.F, d))
    np.testing.assert_array_equal(ndwrap.array_from_image(vf), varr.astype(np.float32))
    assert vf.GetOrigin() == vimage.GetOrigin() and vf.GetDirection() == vimage.GetDirection()
    if "CF" in WRAPPED:
        cimage, _ = make_image(ndwrap.CF, d, False)
        ndwrap.imwrite(cimage, tmp_path / "c.nrrd")
        with pytest.raises(TypeError, match="complex"):
            ndwrap.imread(tmp_path / "c.nrrd", ndwrap.F)


# ---- files of another toolkit ------------------------------------------------


@pytest.mark.parametrize("name", sorted(make_fixtures.FIXTURES))
def test_simpleitk_fixtures(name):
    need(FORMAT_OF[name.rsplit(".", 1)[1]])
    arr, spacing, origin, direction, comps, cplx = make_fixtures.expected(name)
    p = ndwrap.PIXEL_TYPES[[q.numpy_name for q in ndwrap.PIXEL_TYPES].index(arr.dtype.name)]
    d = len(spacing)
    if not p.wrapped or d not in ndwrap.WRAPPED_DIMS:
        with pytest.raises(ndwrap.NotWrappedError):
            ndwrap.imread(os.path.join(DATA, name))
        return
    image = ndwrap.imread(os.path.join(DATA, name))
    assert ndwrap.template(type(image)) == ("VectorImage" if comps else "Image", (p, d))
    np.testing.assert_array_equal(ndwrap.array_from_image(image), arr)
    assert image.GetSpacing() == spacing and image.GetOrigin() == origin
    assert image.GetDirection() == direction


def test_simpleitk_reads_what_ndwrap_writes(tmp_path):
    sitk = pytest.importorskip("SimpleITK")
    sitk_types = {"SC", "UC", "SS", "US", "SI", "UI", "SL", "UL", "F", "D", "CF", "CD"}
    checked = 0
    for p in WRAPPED_PIXELS:
        if p.code not in sitk_types:
            continue
        for d in (dd for dd in ndwrap.WRAPPED_DIMS if dd in (2, 3, 4)):
            for vector in (False, True) if p.kind != "c" else (False,):
                image, arr = make_image(p, d, vector)
                spacing, origin, direction = geometry(d)
                for ext, compression in FORMATS:
                    if p.kind == "c" and ext in ("mha", "mhd"):
                        continue  # MetaImage has no complex marker: ITK reads 2 channels
                    path = str(tmp_path / f"x.{ext}")
                    ndwrap.imwrite(image, path, compression=compression)
                    s = sitk.ReadImage(path)
                    got = sitk.GetArrayFromImage(s)
                    np.testing.assert_array_equal(got, arr, err_msg=f"{p.code} {d} {ext}")
                    assert s.GetNumberOfComponentsPerPixel() == (3 if vector else 1)
                    np.testing.assert_allclose(s.GetSpacing(), spacing, rtol=1e-15)
                    np.testing.assert_allclose(s.GetOrigin(), origin, rtol=1e-15)
                    np.testing.assert_allclose(np.reshape(s.GetDirection(), (d, d)), direction, atol=1e-15)
                    checked += 1
    assert checked > 0


# ---- mmap ----------------------------------------------------------------------


def _float_type():
    for code in ("F", "D", "SI", "SS"):
        if code in WRAPPED:
            return getattr(ndwrap, code)
    pytest.skip("no multi-byte pixel type is wrapped")


@pytest.mark.parametrize("ext", ["mha", "mhd", "nrrd", "nhdr"])
def test_mmap_views_the_files_pages(tmp_path, ext):
    need(FORMAT_OF[ext])
    p, d = _float_type(), ndwrap.WRAPPED_DIMS[-1]
    image, arr = make_image(p, d, False)
    path = tmp_path / f"m.{ext}"
    ndwrap.imwrite(image, path)
    mapped = ndwrap.imread(path, mmap=True)
    view = ndwrap.array_view_from_image(mapped)
    np.testing.assert_array_equal(view, arr)
    assert not view.flags.writeable
    with pytest.raises(ValueError):
        view[(0,) * view.ndim] = 1
    assert mapped.GetSpacing() == image.GetSpacing()
    # the pixels are the file's pages: a change of the file shows in the view
    data_path = tmp_path / "m.raw" if ext in ("mhd", "nhdr") else path
    offset = os.path.getsize(data_path) - arr.nbytes
    new = np.array([42], dtype=arr.dtype)
    with open(data_path, "r+b") as f:
        f.seek(offset)
        f.write(new.tobytes())
    assert view.ravel()[0] == 42
    # the mapping lives as long as any view: delete the image first
    del mapped
    gc.collect()
    assert view.ravel()[0] == 42 and view.ravel()[-1] == arr.ravel()[-1]
    del view
    gc.collect()


def test_mmap_complex_files(tmp_path):
    need("metaimage", "nrrd")
    if not {"CF", "F"} <= WRAPPED:
        pytest.skip("CF and F are needed")
    d = ndwrap.WRAPPED_DIMS[-1]
    image, arr = make_image(ndwrap.CF, d, False)
    ndwrap.imwrite(image, tmp_path / "c.nrrd")
    ndwrap.imwrite(image, tmp_path / "c.mha")
    for name, kw in (("c.nrrd", {}), ("c.mha", {"pixel_type": ndwrap.CF})):
        mapped = ndwrap.imread(tmp_path / name, mmap=True, **kw)
        assert ndwrap.template(type(mapped)) == ("Image", (ndwrap.CF, d))
        np.testing.assert_array_equal(ndwrap.array_view_from_image(mapped), arr)


def test_mmap_copy_on_write_leaves_the_file(tmp_path):
    need("nrrd")
    p, d = _float_type(), ndwrap.WRAPPED_DIMS[-1]
    image, arr = make_image(p, d, False)
    path = tmp_path / "cow.nrrd"
    ndwrap.imwrite(image, path)
    before = path.read_bytes()
    mapped = ndwrap.imread(path, mmap="c")
    view = ndwrap.array_view_from_image(mapped)
    assert view.flags.writeable
    view[...] = 7
    assert (ndwrap.array_from_image(mapped) == 7).all()
    del view, mapped
    gc.collect()
    assert path.read_bytes() == before


def test_mmap_opens_a_huge_sparse_volume_at_once(tmp_path):
    """A 4 GiB volume (a sparse file: no disk blocks) opens without reading:
    resident memory does not grow by the volume's size."""
    need("metaimage")
    if "UC" not in WRAPPED or 3 not in ndwrap.WRAPPED_DIMS:
        pytest.skip("needs UC and dimension 3")
    path = tmp_path / "huge.mhd"
    path.write_text("NDims = 3\nDimSize = 2048 2048 1024\nElementType = MET_UCHAR\nElementDataFile = huge.raw\n")
    with open(tmp_path / "huge.raw", "wb") as f:
        f.truncate(2048 * 2048 * 1024)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    image = ndwrap.imread(path, mmap=True)
    view = ndwrap.array_view_from_image(image)
    assert view.shape == (1024, 2048, 2048) and view[512, 1000, 77] == 0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss
    assert grown_kib < 256 * 1024
    del view, image


def test_mmap_refusals(tmp_path):
    need("metaimage")
    p, d = _float_type(), ndwrap.WRAPPED_DIMS[-1]
    image, arr = make_image(p, d, False)
    ndwrap.imwrite(image, tmp_path / "z.mha", compression=True)
    with pytest.raises(ValueError, match="compressed"):
        ndwrap.imread(tmp_path / "z.mha", mmap=True)
    ndwrap.imwrite(image, tmp_path / "u.mha")
    with pytest.raises(ValueError, match="mmap needs a path"):
        ndwrap.imread(open(tmp_path / "u.mha", "rb"), mmap=True)
    with pytest.raises(ValueError, match="mmap must be"):
        ndwrap.imread(tmp_path / "u.mha", mmap="w")
    other = next((q for q in WRAPPED_PIXELS if q is not p and q.kind != "c"), None)
    if other is not None:
        with pytest.raises(ValueError, match="mmap"):
            ndwrap.imread(tmp_path / "u.mha", pixel_type=other, mmap=True)
    # data at an offset not aligned for the pixel type (a header of odd length)
    size = small_size(d)
    header = (f"NDims = {d}\nDimSize = {' '.join(map(str, size))}\n"
              f"ElementType = {MET[p.code]}\n"
              "ElementDataFile = LOCAL\n")
    if len(header) % 2 == 0:
        header = "Comment = xy\n" + header  # 13 bytes: an odd length
    (tmp_path / "odd.mha").write_bytes(header.encode() + arr.tobytes())
    with pytest.raises(ValueError, match="aligned"):
        ndwrap.imread(tmp_path / "odd.mha", mmap=True)
    assert_same_values = ndwrap.array_from_image(ndwrap.imread(tmp_path / "odd.mha"))
    np.testing.assert_array_equal(assert_same_values, arr)


# ---- file objects and errors ---------------------------------------------------


def test_file_objects(tmp_path):
    need("metaimage", "nrrd")
    p, d = _float_type(), ndwrap.WRAPPED_DIMS[0]
    image, arr = make_image(p, d, True)
    with gzip.open(tmp_path / "g.nrrd.gz", "wb") as g:
        ndwrap.imwrite(image, g, format="nrrd")
    with gzip.open(tmp_path / "g.nrrd.gz", "rb") as g:
        assert_same(ndwrap.imread(g, p, format="nrrd"), arr, p, d, True)
    m = ndwrap.MemoryStream()
    ndwrap.imwrite(image, m, format="mha", compression=True)
    m.seek(0)
    assert_same(ndwrap.imread(m, p), arr, p, d, True)
    with open(tmp_path / "f.mha", "wb") as f:
        ndwrap.imwrite(image, f, format="mha")
    with open(tmp_path / "f.mha", "rb") as f:
        assert_same(ndwrap.imread(f, p), arr, p, d, True)
        assert f.tell() == os.path.getsize(tmp_path / "f.mha")  # read-ahead given back
    with open(tmp_path / "f.mha", "rb") as f, pytest.raises(ValueError, match="not nrrd"):
        ndwrap.imread(f, format="nrrd")
    info = ndwrap.imread_info(tmp_path / "f.mha")
    assert info["size"] == tuple(small_size(d)) and info["components"] == 3 and info["format"] == "metaimage"


def test_two_images_in_one_stream():
    need("metaimage", "nrrd")
    p, d = _float_type(), ndwrap.WRAPPED_DIMS[0]
    a, arr_a = make_image(p, d, False)
    b, arr_b = make_image(p, d, True)
    buf = io.BytesIO()
    ndwrap.imwrite(a, buf, format="nrrd")
    ndwrap.imwrite(b, buf, format="mha", compression=True)
    buf.seek(0)
    assert_same(ndwrap.imread(buf, p), arr_a, p, d, False)
    assert_same(ndwrap.imread(buf, p), arr_b, p, d, True)


def test_imwrite_errors(tmp_path):
    need("metaimage")
    p, d = _float_type(), ndwrap.WRAPPED_DIMS[0]
    image, arr = make_image(p, d, False)
    with pytest.raises(ValueError, match="extension"):
        ndwrap.imwrite(image, tmp_path / "x.png")
    with pytest.raises(ValueError, match="format="):
        ndwrap.imwrite(image, io.BytesIO())
    with pytest.raises(ValueError, match="separate data file"):
        ndwrap.imwrite(image, io.BytesIO(), format="mhd")
    with pytest.raises(ValueError, match="unknown image file format"):
        ndwrap.imwrite(image, io.BytesIO(), format="png")
    with pytest.raises(TypeError, match="Image"):
        ndwrap.imwrite(arr, tmp_path / "x.mha")
    empty = ndwrap.Image[p, d].New()
    with pytest.raises(RuntimeError, match="not allocated"):
        ndwrap.imwrite(empty, tmp_path / "x.mha")
    with pytest.raises(FileNotFoundError):
        ndwrap.imwrite(image, tmp_path / "no" / "dir" / "x.mha")
    # writing locks the image: an exported image still writes, and can be
    # written while a view exists
    view = ndwrap.array_view_from_image(image)
    ndwrap.imwrite(image, tmp_path / "v.mha")
    del view


class Boom(Exception):
    pass


MET = {"F": "MET_FLOAT", "D": "MET_DOUBLE", "SI": "MET_INT", "SS": "MET_SHORT"}


def test_exceptions_of_python_files_come_back():
    need("metaimage")
    p, d = _float_type(), ndwrap.WRAPPED_DIMS[0]
    header = (f"NDims = {d}\nDimSize = {' '.join(map(str, small_size(d)))}\nElementType = {MET[p.code]}\n"
              "ElementDataFile = LOCAL\n").encode()

    class Failing(io.RawIOBase):
        def __init__(self):
            self.inner = io.BytesIO(header)

        def readable(self):
            return True

        def readinto(self, b):
            n = self.inner.readinto(b)
            if n == 0:
                raise Boom("disk on fire")
            return n

    with pytest.raises(Boom, match="disk on fire"):
        ndwrap.imread(Failing())


def _mha(header_lines, data=b""):
    return ("\n".join(header_lines) + "\n").encode() + data


BAD = [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n....", "not an image file"),
    (_mha(["NDims = 2", "DimSize = 4 4", "ElementType = MET_UCHAR", "ElementDataFile = LOCAL"], b"x" * 15),
     "truncated"),
    (_mha(["NDims = 3", "DimSize = 100000 100000 100000", "ElementType = MET_DOUBLE",
           "ElementDataFile = LOCAL"], b"x" * 64), "truncated"),
    (_mha(["NDims = 2", "DimSize = 100000 100000", "ElementType = MET_UCHAR", "CompressedData = True",
           "ElementDataFile = LOCAL"], b"x" * 64), "can hold at most"),
    (_mha(["NDims = 2", "DimSize = 4 4", "ElementType = MET_STRING", "ElementDataFile = LOCAL"]),
     "ElementType"),
    (_mha(["NDims = 12", "DimSize = 4 4", "ElementType = MET_UCHAR", "ElementDataFile = LOCAL"]), "NDims"),
    (_mha(["NDims = 2", "DimSize = 18446744073709551615 18446744073709551615", "ElementType = MET_UCHAR",
           "ElementDataFile = LOCAL"]), "overflow"),
    (_mha(["NDims = 2", "DimSize = 4 4", "ElementType = MET_UCHAR", "ElementDataFile = ../../etc/passwd"]),
     "escapes"),
    (_mha(["NDims = 2", "DimSize = 4 4", "ElementType = MET_UCHAR", "ElementDataFile = /etc/passwd"]),
     "relative"),
    (b"NRRD0004\ntype: float\ndimension: 2\nsizes: 4 4\nencoding: bzip2\nendian: little\n\n", "encoding"),
    (b"NRRD0004\ntype: float\ndimension: 2\nsizes: 4 4\nencoding: raw\nendian: middle\n\n", "endian"),
]


@pytest.mark.parametrize("data, message", BAD, ids=[m for _, m in BAD])
def test_bad_files_raise_clear_errors(tmp_path, data, message):
    need("metaimage", "nrrd")
    if "UC" not in WRAPPED or 2 not in ndwrap.WRAPPED_DIMS:
        # the header may parse and then name a type the build lacks
        with pytest.raises((ValueError, ndwrap.NotWrappedError)):
            ndwrap.imread(io.BytesIO(data))
        return
    with pytest.raises(ValueError, match=message):
        ndwrap.imread(io.BytesIO(data))
    path = tmp_path / "bad.mha"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=message):
        ndwrap.imread(path)


def test_missing_data_file_is_file_not_found(tmp_path):
    need("metaimage")
    (tmp_path / "a.mhd").write_text("NDims = 2\nDimSize = 4 4\nElementType = MET_UCHAR\nElementDataFile = gone.raw\n")
    if "UC" not in WRAPPED or 2 not in ndwrap.WRAPPED_DIMS:
        pytest.skip("needs UC 2")
    with pytest.raises(FileNotFoundError):
        ndwrap.imread(tmp_path / "a.mhd")
    with pytest.raises(FileNotFoundError):
        ndwrap.imread(tmp_path / "nothing.mha")


class Unseekable(io.RawIOBase):
    def __init__(self, data):
        self.inner = io.BytesIO(data)

    def readable(self):
        return True

    def seekable(self):
        return False

    def readinto(self, b):
        return self.inner.readinto(b)


def test_a_lying_header_on_a_stream_of_unknown_size_allocates_only_what_arrives():
    """8 PB claimed, 64 bytes sent, size unknown: the buffer grows with the
    data (from 1 MiB), so the lie costs at most a few MiB, never the claim."""
    need("metaimage")
    if "D" not in WRAPPED or 3 not in ndwrap.WRAPPED_DIMS:
        pytest.skip("needs D 3")
    data = _mha(["NDims = 3", "DimSize = 100000 100000 100000", "ElementType = MET_DOUBLE",
                 "ElementDataFile = LOCAL"], b"x" * 64)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ValueError, match="truncated"):
        ndwrap.imread(Unseekable(data))
    zdata = _mha(["NDims = 3", "DimSize = 100000 100000 100000", "ElementType = MET_DOUBLE",
                  "CompressedData = True", "ElementDataFile = LOCAL"], __import__("zlib").compress(b"\0" * 4096))
    with pytest.raises(ValueError, match="compressed"):
        ndwrap.imread(Unseekable(zdata))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 64 * 1024


def test_symlinked_data_file_outside_the_folder(tmp_path):
    need("metaimage")
    if "UC" not in WRAPPED or 2 not in ndwrap.WRAPPED_DIMS:
        pytest.skip("needs UC 2")
    outside = tmp_path / "secret.raw"
    outside.write_bytes(b"s" * 16)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "link.raw").symlink_to(outside)
    (sub / "a.mhd").write_text("NDims = 2\nDimSize = 4 4\nElementType = MET_UCHAR\nElementDataFile = link.raw\n")
    with pytest.raises(ValueError, match="outside"):
        ndwrap.imread(sub / "a.mhd")
    with pytest.raises(ValueError, match="path"):
        ndwrap.imread(io.BytesIO((sub / "a.mhd").read_bytes()))  # a stream has no folder


# ---- header features: skips, byte order, spaces, strided images -------------


def _int_type():
    for code in ("SS", "SI", "US", "F"):
        if code in WRAPPED:
            return getattr(ndwrap, code)
    pytest.skip("no 2-4 byte type wrapped")


NRRD_TYPE = {"SS": "short", "SI": "int", "US": "ushort", "F": "float"}
MET_TYPE = {"SS": "MET_SHORT", "SI": "MET_INT", "US": "MET_USHORT", "F": "MET_FLOAT"}


def test_data_file_skips(tmp_path):
    need("metaimage", "nrrd")
    p, d = _int_type(), ndwrap.WRAPPED_DIMS[0]
    size = small_size(d)
    arr = np.arange(int(np.prod(size)), dtype=p.numpy_name).reshape(tuple(reversed(size)))
    sizes = " ".join(map(str, size))
    (tmp_path / "skip.raw").write_bytes(b"J" * 16 + arr.tobytes())
    (tmp_path / "tail.raw").write_bytes(b"junk of any length" + arr.tobytes())
    (tmp_path / "lines.raw").write_bytes(b"first line\nsecond\n" + arr.tobytes())
    headers = {
        "a.mhd": f"NDims = {d}\nDimSize = {sizes}\nElementType = {MET_TYPE[p.code]}\nHeaderSize = 16\n"
                 "ElementDataFile = skip.raw\n",
        "b.mhd": f"NDims = {d}\nDimSize = {sizes}\nElementType = {MET_TYPE[p.code]}\nHeaderSize = -1\n"
                 "ElementDataFile = tail.raw\n",
        "c.nhdr": f"NRRD0004\ntype: {NRRD_TYPE[p.code]}\ndimension: {d}\nsizes: {sizes}\nendian: little\n"
                  "encoding: raw\nbyte skip: -1\ndata file: tail.raw\n",
        "d.nhdr": f"NRRD0004\ntype: {NRRD_TYPE[p.code]}\ndimension: {d}\nsizes: {sizes}\nendian: little\n"
                  "encoding: raw\nline skip: 2\ndata file: lines.raw\n",
    }
    for name, text in headers.items():
        (tmp_path / name).write_text(text)
        np.testing.assert_array_equal(ndwrap.array_from_image(ndwrap.imread(tmp_path / name)), arr,
                                      err_msg=name)
        if name != "d.nhdr":  # line skip needs a scan: not mappable
            np.testing.assert_array_equal(ndwrap.array_view_from_image(ndwrap.imread(tmp_path / name, mmap=True)),
                                          arr, err_msg=name)


def test_big_endian_data(tmp_path):
    need("metaimage", "nrrd")
    p, d = _int_type(), ndwrap.WRAPPED_DIMS[0]
    size = small_size(d)
    arr = (np.arange(int(np.prod(size))) * 257 + 3).astype(p.numpy_name).reshape(tuple(reversed(size)))
    big = arr.astype(arr.dtype.newbyteorder(">")).tobytes()
    sizes = " ".join(map(str, size))
    mha = (f"NDims = {d}\nDimSize = {sizes}\nElementType = {MET_TYPE[p.code]}\nBinaryDataByteOrderMSB = True\n"
           "ElementDataFile = LOCAL\n").encode() + big
    nrrd = (f"NRRD0004\ntype: {NRRD_TYPE[p.code]}\ndimension: {d}\nsizes: {sizes}\nendian: big\n"
            "encoding: raw\n\n").encode() + big
    for data in (mha, nrrd):
        np.testing.assert_array_equal(ndwrap.array_from_image(ndwrap.imread(io.BytesIO(data))), arr)
    (tmp_path / "big.nrrd").write_bytes(nrrd)
    with pytest.raises(ValueError, match="byte order"):
        ndwrap.imread(tmp_path / "big.nrrd", mmap=True)


def test_nrrd_spaces_agree_with_simpleitk(tmp_path):
    need("nrrd")
    sitk = pytest.importorskip("SimpleITK")
    if "F" not in WRAPPED or 3 not in ndwrap.WRAPPED_DIMS:
        pytest.skip("needs F 3")
    data = np.arange(24, dtype=np.float32).tobytes()
    for space in ("right-anterior-superior", "left-anterior-superior", "left-posterior-superior", "RAS"):
        text = ("NRRD0004\ntype: float\ndimension: 3\n"
                f"space: {space}\nsizes: 2 3 4\n"
                "space directions: (0,0.5,0) (-2,0,0) (0,0,3)\nendian: little\nencoding: raw\n"
                "space origin: (1.5,-2,7)\n\n")
        path = tmp_path / "s.nrrd"
        path.write_bytes(text.encode() + data)
        ours, theirs = ndwrap.imread(path), sitk.ReadImage(str(path))
        np.testing.assert_allclose(ours.GetOrigin(), theirs.GetOrigin(), err_msg=space)
        np.testing.assert_allclose(ours.GetSpacing(), theirs.GetSpacing(), err_msg=space)
        np.testing.assert_allclose(np.ravel(ours.GetDirection()), theirs.GetDirection(), err_msg=space)
        np.testing.assert_array_equal(ndwrap.array_from_image(ours), sitk.GetArrayFromImage(theirs))


def test_strided_views_are_written_in_order(tmp_path):
    need("metaimage", "nrrd")
    p, d = _float_type(), ndwrap.WRAPPED_DIMS[-1]
    size = [s * 2 for s in small_size(d)]
    base = np.arange(int(np.prod(size)), dtype=p.numpy_name).reshape(tuple(reversed(size)))
    view = base[(slice(None, None, 2),) * d]  # every other pixel: a strided image
    image = ndwrap.image_view_from_array(view)
    assert np.shares_memory(ndwrap.array_view_from_image(image), base)
    for ext in ("mha", "nrrd"):
        ndwrap.imwrite(image, tmp_path / f"s.{ext}")
        np.testing.assert_array_equal(ndwrap.array_from_image(ndwrap.imread(tmp_path / f"s.{ext}")), view)


def test_the_example_runs(tmp_path):
    need("metaimage", "nrrd")
    if not {"F", "D"} <= WRAPPED or 3 not in ndwrap.WRAPPED_DIMS:
        pytest.skip("the example uses F and D images of dimension 3")
    import runpy

    example = os.path.join(os.path.dirname(DATA), os.pardir, "examples", "python", "image_files.py")
    argv = sys.argv
    sys.argv = [example, str(tmp_path)]
    try:
        runpy.run_path(example, run_name="__main__")
    finally:
        sys.argv = argv
    assert sorted(os.listdir(tmp_path)) == ["ct.mha", "ct.nhdr", "ct.nrrd.gz", "ct.raw"]
