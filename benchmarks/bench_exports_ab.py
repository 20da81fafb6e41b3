"""A/B timing of the ordered image exports and the vnl copies (issue 16,
helper `exports`; benchmarks/RESULTS.md "exports").  Run it alternately
against two builds, e.g.

    for i in 1 2; do
      PYTHONPATH=/tmp/base/build/python python benchmarks/bench_exports_ab.py 15 BASE
      PYTHONPATH=build/dev/python python benchmarks/bench_exports_ab.py 15 NEW
    done

Each round times every row once (random order, best of 3 x 10 000 calls);
ratios are per round against the floors of the same round, then the median
over rounds (`x floor`: np.asarray(bare exporter); `x fresh`: np.asarray of
CPython's _testbuffer exporter; `x copy()`: ndarray.copy() of 1000 float32).
Needs Image[F, 3] and VectorImage[F, 3]."""
import sys, timeit, random, statistics as st, numpy as np, ndwrap, _testbuffer
F=ndwrap.F; n=64
def bare(shape):
    return memoryview(bytearray(int(np.prod(shape))*4)).cast('f', shape)
I=ndwrap.Image[F,3]; im=I.New(); im.SetRegions([n]*3); im.Allocate()
V=ndwrap.VectorImage[F,3]; v=V.New(); v.SetRegions([n]*3); v.SetNumberOfComponentsPerPixel(3); v.Allocate()
P=ndwrap.PyVnl[F]; x=np.arange(1000, dtype=np.float32); vn=P.GetVnlVectorFromArray(x, copy=True)
g=dict(np=np, im=im, v=v, PI=ndwrap.PyBuffer[I], PV=ndwrap.PyBuffer[V], mv=bare((n,n,n)),
       tb=_testbuffer.ndarray(bare((n,n,n)), getbuf=_testbuffer.PyBUF_FULL_RO), avi=ndwrap.array_view_from_image,
       P=P, x=x, vn=vn)
rows={"floor":"np.asarray(mv)","fresh":"np.asarray(tb)","copyfloor":"x.copy()",
 "array_view_from_image(image)":"avi(im)",
 "array_view_from_image(image, keep_axes=True)":"avi(im, keep_axes=True)",
 "array_view_from_image(image, axes='XZY')":"avi(im, axes='XZY')",
 "PyBuffer[T].GetArrayViewFromImage(image, keepAxes=True)":"PI.GetArrayViewFromImage(im, keepAxes=True)",
 "vector: array_view_from_image(image)":"avi(v)",
 "vector: array_view_from_image(image, keep_axes=True)":"avi(v, keep_axes=True)",
 "vector: array_view_from_image(image, axes='CXYZ')":"avi(v, axes='CXYZ')",
 "vector: PyBuffer[T].GetArrayViewFromImage(image, keepAxes=True)":"PV.GetArrayViewFromImage(v, keepAxes=True)",
 "PyVnl[F].GetArrayFromVnlVector(v, copy=True), n=1000":"P.GetArrayFromVnlVector(vn, copy=True)",
 "PyVnl[F].GetVnlVectorFromArray(x, copy=True), n=1000":"P.GetVnlVectorFromArray(x, copy=True)",
}
ts={k:timeit.Timer(s,globals=g) for k,s in rows.items()}
R = int(sys.argv[1]) if len(sys.argv) > 1 else 15; N = 10000; res={k:[] for k in rows}
for r in range(R):
    ks=list(rows); random.shuffle(ks)
    for k in ks: res[k].append(min(ts[k].repeat(3,N))/N*1e9)
print("##", sys.argv[2] if len(sys.argv) > 2 else "")
for k in rows:
    if k in ("floor","fresh","copyfloor"):
        print(f"{k:66s} {st.median(res[k]):5.0f} ns"); continue
    if "Vnl" in k:
        c=[a/b for a,b in zip(res[k],res['copyfloor'])]
        print(f"{k:66s} {st.median(res[k]):5.0f} ns  x copy() {st.median(c):.2f} [{min(c):.2f}-{max(c):.2f}]"); continue
    fl=[a/b for a,b in zip(res[k],res['floor'])]; fr=[a/b for a,b in zip(res[k],res['fresh'])]
    
    pl=[a-b for a,b in zip(res[k],res["vector: array_view_from_image(image)" if "vector" in k else "array_view_from_image(image)"])]
    print(f"{k:66s} {st.median(res[k]):5.0f} ns  x floor {st.median(fl):.2f}  x fresh {st.median(fr):.2f} [{min(fr):.2f}-{max(fr):.2f}]  vs plain {st.median(pl):+4.0f} ns")
