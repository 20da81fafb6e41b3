/* ndwrap C++ layer: header-only C++17 classes over the C instantiations.
 *
 *   #include <ndw/ndw.hpp>
 *
 *   ndw::Image<float, 3> image;                 // owns an ndw_image_f32_3
 *   image.SetRegions({64, 64, 32});             // size; or an ndw::Region<3>
 *   image.SetSpacing({0.5, 0.5, 2.0});
 *   image.Allocate(true);                       // zero-filled
 *   image.SetPixel({1, 2, 3}, 4.5f);
 *   float v = image.GetPixel({1, 2, 3});
 *   for (float &p : image.GetBuffer()) p += 1;  // contiguous view
 *
 * Mapping.  ndw::Image<T, D> and ndw::VectorImage<T, D> exist for exactly the
 * (pixel type, dimension) pairs this build of ndwrap wraps: the traits below
 * are generated from NDW_FOR_EACH_PIXEL / NDW_FOR_EACH_IMAGE (ndw/config.h,
 * itself generated from the pixel table), never listed by hand.  T is the
 * pixel table's C type as C++ sees it: bool for B, std::complex<float> and
 * std::complex<double> for CF and CD, int8_t ... uint64_t, float, double.
 * An unwrapped pair is a compile-time error that names the CMake options.
 *
 * Method names follow ITK (SetRegions, Allocate, GetPixel, ...), as the
 * Python proxies do; small value types (Region, span) use STL-style names.
 *
 * Ownership.  Images are move-only RAII handles (like std::unique_ptr): the
 * destructor frees the C image.  get() / base() give the C handle without
 * giving up ownership; release() gives it up.  Should the buffer still be
 * exported (a live NumPy view made through the C bridge) when the destructor
 * runs, the C library refuses to free it (NDW_E_BUSY) and the image is left
 * alive rather than leaving a dangling view.
 *
 * Errors.  Every failing C status becomes an exception derived from
 * ndw::error (itself a std::runtime_error carrying the ndw_status), one
 * class per status, mirroring the Python mapping of DESIGN.md:
 *
 *   NDW_E_NOMEM    ndw::memory_error     (Python MemoryError)
 *   NDW_E_INVALID  ndw::value_error      (ValueError)
 *   NDW_E_TYPE     ndw::type_error       (TypeError)
 *   NDW_E_RANGE    ndw::index_error      (IndexError)
 *   NDW_E_BUSY     ndw::buffer_error     (BufferError)
 *   NDW_E_READONLY ndw::readonly_error   (ValueError: derives value_error)
 *   NDW_E_STATE    ndw::state_error      (RuntimeError)
 *   NDW_E_IO       ndw::io_error         (OSError)
 *   NDW_E_FORMAT   ndw::format_error     (ValueError: derives value_error)
 */
#ifndef NDW_NDW_HPP
#define NDW_NDW_HPP

#if !defined(__cplusplus)
#error "ndw/ndw.hpp is the C++ layer of ndwrap; C code includes ndw/image.h"
#elif (defined(_MSVC_LANG) ? _MSVC_LANG : __cplusplus) < 201703L
#error "ndw/ndw.hpp needs C++17 or newer"
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ndw/image.h"

namespace ndw {

/* ---- errors ---------------------------------------------------------------- */

/** Base of every ndwrap exception: a std::runtime_error with the status. */
class error : public std::runtime_error {
 public:
  error(ndw_status status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  /** The C status code that caused this exception. */
  ndw_status status() const noexcept { return status_; }

 private:
  ndw_status status_;
};

/** NDW_E_NOMEM: an allocation failed. */
class memory_error : public error {
 public:
  using error::error;
};
/** NDW_E_INVALID: a bad argument (size, length, rank). */
class value_error : public error {
 public:
  using error::error;
};
/** NDW_E_TYPE: pixel type or layout not supported. */
class type_error : public error {
 public:
  using error::error;
};
/** NDW_E_RANGE: an index outside the buffered region. */
class index_error : public error {
 public:
  using error::error;
};
/** NDW_E_BUSY: the memory is exported and cannot be reallocated or freed. */
class buffer_error : public error {
 public:
  using error::error;
};
/** NDW_E_READONLY: a write to read-only memory (a value_error, as in Python). */
class readonly_error : public value_error {
 public:
  using value_error::value_error;
};
/** NDW_E_STATE: e.g. pixel access before Allocate(). */
class state_error : public error {
 public:
  using error::error;
};

/** NDW_E_IO: the operating system or a stream failed (errno: ndw_last_os_error()). */
class io_error : public error {
 public:
  using error::error;
};
/** NDW_E_FORMAT: malformed, truncated or unsupported file content. */
class format_error : public value_error {
 public:
  using value_error::value_error;
};

/** Throw the exception class of `status` with `message` (never NDW_OK). */
[[noreturn]] inline void throw_status(ndw_status status, const std::string &message) {
  switch (status) {
    case NDW_E_NOMEM: throw memory_error(status, message);
    case NDW_E_INVALID: throw value_error(status, message);
    case NDW_E_TYPE: throw type_error(status, message);
    case NDW_E_RANGE: throw index_error(status, message);
    case NDW_E_BUSY: throw buffer_error(status, message);
    case NDW_E_READONLY: throw readonly_error(status, message);
    case NDW_E_STATE: throw state_error(status, message);
    case NDW_E_IO: throw io_error(status, message);
    case NDW_E_FORMAT: throw format_error(status, message);
    case NDW_OK: break;
  }
  throw error(status, message);
}

/** Throw for a failed status, with the thread's ndw_last_error() message. */
inline void check(ndw_status status) {
  if (status == NDW_OK) return;
  const char *name = ndw_status_name(status);
  const char *what = ndw_last_error();
  std::string message = name != nullptr ? name : "ndw_status";
  if (what != nullptr && *what != '\0') {
    message += ": ";
    message += what;
  }
  throw_status(status, message);
}

/* ---- span: a minimal contiguous view (C++17 has no std::span) ------------- */

template <class T>
class span {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using size_type = std::size_t;
  using pointer = T *;
  using reference = T &;
  using iterator = T *;
  using reverse_iterator = std::reverse_iterator<iterator>;

  constexpr span() noexcept = default;
  constexpr span(T *data, std::size_t size) noexcept : data_(data), size_(size) {}
  template <std::size_t N>
  constexpr span(T (&array)[N]) noexcept : data_(array), size_(N) {}
  /** Any contiguous container with data() and size() (std::vector, std::array,
   *  another span), including span<T> -> span<const T>.  A temporary
   *  container is accepted only for span<const T> (a call argument). */
  template <class C, class Raw = std::remove_reference_t<C>,
            class = std::enable_if_t<
                !std::is_same_v<std::remove_cv_t<Raw>, span> &&
                (std::is_lvalue_reference_v<C> || std::is_const_v<T>) &&
                std::is_convertible_v<std::remove_pointer_t<decltype(std::declval<Raw &>().data())> (*)[],
                                      T (*)[]>>,
            class = decltype(std::declval<Raw &>().size())>
  constexpr span(C &&container) noexcept
      : data_(container.data()), size_(static_cast<std::size_t>(container.size())) {}

  constexpr T *data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr std::size_t size_bytes() const noexcept { return size_ * sizeof(T); }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T *begin() const noexcept { return data_; }
  constexpr T *end() const noexcept { return data_ + size_; }
  constexpr reverse_iterator rbegin() const noexcept { return reverse_iterator(end()); }
  constexpr reverse_iterator rend() const noexcept { return reverse_iterator(begin()); }
  constexpr T &operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr T &front() const noexcept { return data_[0]; }
  constexpr T &back() const noexcept { return data_[size_ - 1]; }
  /** Bounds-checked access: ndw::index_error past the end. */
  T &at(std::size_t i) const {
    if (i >= size_)
      throw index_error(NDW_E_RANGE, "ndw::span::at: index " + std::to_string(i) +
                                         " out of range (size " + std::to_string(size_) + ")");
    return data_[i];
  }

 private:
  T *data_ = nullptr;
  std::size_t size_ = 0;
};

/* ---- geometry: Index, Size, Region, metadata arrays ------------------------ */

template <unsigned D>
using Index = std::array<std::int64_t, D>;
template <unsigned D>
using Size = std::array<std::uint64_t, D>;
/** Spacing or origin: one double per axis, x first. */
template <unsigned D>
using Vector = std::array<double, D>;
/** Direction cosines, D x D row-major. */
template <unsigned D>
using Direction = std::array<double, static_cast<std::size_t>(D) * D>;

/** ImageRegion: start index and size, x first. */
template <unsigned D>
struct Region {
  Index<D> index{};
  Size<D> size{};

  constexpr Region() noexcept = default;
  constexpr Region(const Index<D> &start, const Size<D> &extent) noexcept
      : index(start), size(extent) {}
  /** Region of `extent` starting at index 0. */
  constexpr Region(const Size<D> &extent) noexcept : index{}, size(extent) {}  // NOLINT

  std::uint64_t GetNumberOfPixels() const noexcept {
    std::uint64_t n = 1;
    for (std::uint64_t s : size) n *= s;
    return n;
  }
  const Index<D> &GetIndex() const noexcept { return index; }
  const Size<D> &GetSize() const noexcept { return size; }
  bool IsInside(const Index<D> &i) const noexcept {
    for (unsigned a = 0; a < D; ++a) {
      if (i[a] < index[a] || static_cast<std::uint64_t>(i[a] - index[a]) >= size[a]) return false;
    }
    return true;
  }
  friend bool operator==(const Region &a, const Region &b) noexcept {
    return a.index == b.index && a.size == b.size;
  }
  friend bool operator!=(const Region &a, const Region &b) noexcept { return !(a == b); }
};

/* ---- traits generated from the pixel table --------------------------------- */

/** pixel_traits<T>: wrapped == true for every pixel type of this build. */
template <class T>
struct pixel_traits {
  static constexpr bool wrapped = false;
};

#define NDW_CXX_PIXEL_TRAITS(code_, tok_, ctype_)                          \
  template <>                                                            \
  struct pixel_traits<ctype_> {                                          \
    static constexpr bool wrapped = true;                                \
    static constexpr ndw_pixel_type type = NDW_PIXEL_##code_;            \
    static constexpr const char *code = #code_;                          \
    static constexpr const char *token = #tok_;                          \
  };
NDW_FOR_EACH_PIXEL(NDW_CXX_PIXEL_TRAITS)
#undef NDW_CXX_PIXEL_TRAITS

/** Wrapped image dimensions of this build, ascending. */
#define NDW_CXX_DIM_ITEM(D) D,
inline constexpr unsigned wrapped_dims[] = {NDW_FOR_EACH_DIM(NDW_CXX_DIM_ITEM)};
#undef NDW_CXX_DIM_ITEM

/* ---- fixed-size pixel types (NDW_COMPOUND_TABLE of ndw/pixel_types.h) -------- */

/** ITK's fixed-size pixel types as plain C++ values: N components of T, e.g.
 *  ndw::pixel::Vector<float, 3>{{1, 2, 3}}; ndw::Image<ndw::pixel::Vector<float,
 *  3>, 3> is a displacement field (C facade ndw_image_vf3_3) where the pixel
 *  table's rows and the NDW_WRAP_<code> options wrap it. */
namespace pixel {
template <class T, unsigned N>
struct FixedArray {
  std::array<T, N> v;
  using value_type = T;
  static constexpr unsigned Length = N;
  T *data() noexcept { return v.data(); }
  const T *data() const noexcept { return v.data(); }
  T &operator[](std::size_t i) noexcept { return v[i]; }
  const T &operator[](std::size_t i) const noexcept { return v[i]; }
  static constexpr std::size_t size() noexcept { return N; }
  friend bool operator==(const FixedArray &a, const FixedArray &b) { return a.v == b.v; }
  friend bool operator!=(const FixedArray &a, const FixedArray &b) { return a.v != b.v; }
};
template <class T, unsigned N>
struct Vector : FixedArray<T, N> {};
template <class T, unsigned N>
struct CovariantVector : FixedArray<T, N> {};
template <class T, unsigned N = 3>
struct RGBPixel : FixedArray<T, N> {
  static_assert(N == 3, "RGBPixel has 3 components");
};
template <class T, unsigned N = 4>
struct RGBAPixel : FixedArray<T, N> {
  static_assert(N == 4, "RGBAPixel has 4 components");
};
}  // namespace pixel

namespace detail {

/* component_of<P>: the component type of a pixel (P itself for scalars). */
template <class P, class = void>
struct component_of {
  using type = P;
  static constexpr bool fixed = false;
};
template <class P>
struct component_of<P, std::void_t<typename P::value_type, decltype(P::Length)>> {
  using type = typename P::value_type;
  static constexpr bool fixed = std::is_base_of_v<pixel::FixedArray<type, P::Length>, P>;
};

/* The C geometry value types of each wrapped dimension. */
template <unsigned D>
struct geometry_traits {
  static constexpr bool wrapped = false;
};
#define NDW_CXX_GEOMETRY_TRAITS(D)      \
  template <>                           \
  struct geometry_traits<D> {           \
    static constexpr bool wrapped = true; \
    using c_index = ndw_index_##D;      \
    using c_size = ndw_size_##D;        \
    using c_region = ndw_region_##D;    \
  };
NDW_FOR_EACH_DIM(NDW_CXX_GEOMETRY_TRAITS)
#undef NDW_CXX_GEOMETRY_TRAITS

/* The typed C facade of one (pixel type, dimension, scalar/vector): its
 * handle type and function pointers.  IsVector = false: ndw_image_<tok>_<D>,
 * IsVector = true: ndw_vector_image_<tok>_<D>. */
template <class T, unsigned D, bool IsVector>
struct image_traits {
  static constexpr bool wrapped = false;
};

#define NDW_CXX_FACADE_MEMBERS(prefix, tok, D)                                \
  static constexpr bool wrapped = true;                                     \
  using handle = prefix##_##tok##_##D;                                      \
  static constexpr const char *c_name = #prefix "_" #tok "_" #D;            \
  static constexpr auto create = &prefix##_##tok##_##D##_new;               \
  static constexpr auto destroy = &prefix##_##tok##_##D##_free;             \
  static constexpr auto base = &prefix##_##tok##_##D##_base;                \
  static constexpr auto from_base = &prefix##_##tok##_##D##_from_base;      \
  static constexpr auto set_regions = &prefix##_##tok##_##D##_set_regions;  \
  static constexpr auto allocate = &prefix##_##tok##_##D##_allocate;        \
  static constexpr auto fill_buffer = &prefix##_##tok##_##D##_fill_buffer;  \
  static constexpr auto get_pixel = &prefix##_##tok##_##D##_get_pixel;      \
  static constexpr auto set_pixel = &prefix##_##tok##_##D##_set_pixel;      \
  static constexpr auto largest_region = &prefix##_##tok##_##D##_largest_region; \
  static constexpr auto buffered_region = &prefix##_##tok##_##D##_buffered_region; \
  static constexpr auto set_spacing = &prefix##_##tok##_##D##_set_spacing;  \
  static constexpr auto get_spacing = &prefix##_##tok##_##D##_get_spacing;  \
  static constexpr auto set_origin = &prefix##_##tok##_##D##_set_origin;    \
  static constexpr auto get_origin = &prefix##_##tok##_##D##_get_origin;    \
  static constexpr auto set_direction = &prefix##_##tok##_##D##_set_direction; \
  static constexpr auto get_direction = &prefix##_##tok##_##D##_get_direction; \
  static constexpr auto buffer = &prefix##_##tok##_##D##_buffer;            \
  static constexpr auto components = &prefix##_##tok##_##D##_components;

#define NDW_CXX_IMAGE_TRAITS(code, tok, ctype, D)                         \
  template <>                                                           \
  struct image_traits<ctype, D, false> {                                \
    NDW_CXX_FACADE_MEMBERS(ndw_image, tok, D)                           \
  };                                                                    \
  template <>                                                           \
  struct image_traits<ctype, D, true> {                                 \
    NDW_CXX_FACADE_MEMBERS(ndw_vector_image, tok, D)                    \
    static constexpr auto set_components =                              \
        &ndw_vector_image_##tok##_##D##_set_components;                 \
  };
NDW_FOR_EACH_IMAGE(NDW_CXX_IMAGE_TRAITS)
#undef NDW_CXX_IMAGE_TRAITS

/* Images of fixed-size pixels: image_traits<pixel::Vector<float, 3>, 3, false>
 * is the facade ndw_image_vf3_3 (one per NDW_FOR_EACH_COMPOUND_IMAGE entry). */
#define NDW_CXX_COMPOUND_TRAITS(code, itk, tok, ctype, comp, n, D, layout) \
  template <>                                                           \
  struct image_traits<pixel::itk<ctype, n>, D, false> {                 \
    NDW_CXX_FACADE_MEMBERS(ndw_image, tok, D)                           \
  };
NDW_FOR_EACH_COMPOUND_IMAGE(NDW_CXX_COMPOUND_TRAITS)
#undef NDW_CXX_COMPOUND_TRAITS
#undef NDW_CXX_FACADE_MEMBERS

template <unsigned D>
typename geometry_traits<D>::c_index to_c(const Index<D> &i) noexcept {
  typename geometry_traits<D>::c_index out;
  for (unsigned a = 0; a < D; ++a) out.v[a] = i[a];
  return out;
}
template <unsigned D>
typename geometry_traits<D>::c_region to_c(const Region<D> &r) noexcept {
  typename geometry_traits<D>::c_region out;
  for (unsigned a = 0; a < D; ++a) {
    out.index.v[a] = r.index[a];
    out.size.v[a] = r.size[a];
  }
  return out;
}
template <unsigned D, class CRegion>
Region<D> from_c(const CRegion &r) noexcept {
  Region<D> out;
  for (unsigned a = 0; a < D; ++a) {
    out.index[a] = r.index.v[a];
    out.size[a] = r.size.v[a];
  }
  return out;
}

/* What Image and VectorImage share: ownership, regions, metadata, buffer. */
template <class P, unsigned D, bool IsVector>
class image_base {
  using traits = image_traits<P, D, IsVector>;
  /* T: the component type (P itself, or the component of a fixed-size pixel) */
  using T = typename component_of<P>::type;
  static_assert(pixel_traits<T>::wrapped,
                "ndw::Image<T, D>: T is not a pixel type wrapped by this build of ndwrap "
                "(pixel types: bool, int8_t..uint64_t, float, double, std::complex<float>, "
                "std::complex<double>; enable one with the CMake option NDW_WRAP_<code>)");
  static_assert(geometry_traits<D>::wrapped,
                "ndw::Image<T, D>: dimension D is not wrapped by this build of ndwrap "
                "(add it to the CMake option NDW_WRAP_DIMS)");
  static_assert(!component_of<P>::fixed || traits::wrapped,
                "ndw::Image<P, D>: this fixed-size pixel type is not wrapped by this build "
                "of ndwrap in dimension D (CMake options NDW_WRAP_<code>, e.g. NDW_WRAP_VF, "
                "and NDW_WRAP_VECTOR_COMPONENTS)");

 public:
  using pixel_type = P;
  /** Component type (vector images and fixed-size pixels: one component). */
  using value_type = T;
  using handle_type = typename traits::handle;
  using index_type = Index<D>;
  using size_type = Size<D>;
  using region_type = Region<D>;
  using spacing_type = Vector<D>;
  using point_type = Vector<D>;
  using direction_type = Direction<D>;
  static constexpr unsigned ImageDimension = D;
  static constexpr unsigned dimension = D;
  static constexpr bool is_vector = IsVector;

  image_base(const image_base &) = delete;
  image_base &operator=(const image_base &) = delete;

  /** The owned C handle (still owned by this object). */
  handle_type *get() const noexcept { return handle_; }
  /** The owned C handle as the generic ndw_image (still owned). */
  ndw_image *base() const noexcept { return handle_ != nullptr ? traits::base(handle_) : nullptr; }
  /** Give up ownership: the caller frees the returned handle. */
  handle_type *release() noexcept {
    handle_type *h = handle_;
    handle_ = nullptr;
    return h;
  }
  /** False only for a moved-from or released image. */
  explicit operator bool() const noexcept { return handle_ != nullptr; }
  /** Name of the C instantiation, e.g. "ndw_image_f32_3". */
  static constexpr const char *c_type_name() noexcept { return traits::c_name; }

  /* -- regions -- */
  void SetRegions(const region_type &region) {
    const auto r = to_c<D>(region);
    check(traits::set_regions(live(), &r));
  }
  void SetRegions(const size_type &size) { SetRegions(region_type(size)); }
  region_type GetLargestPossibleRegion() const {
    return from_c<D>(traits::largest_region(live()));
  }
  region_type GetBufferedRegion() const { return from_c<D>(traits::buffered_region(live())); }
  size_type GetSize() const { return GetLargestPossibleRegion().size; }
  std::uint64_t GetNumberOfPixels() const { return ndw_image_number_of_pixels(live_base()); }

  /* -- metadata -- */
  void SetSpacing(const spacing_type &spacing) {
    check(traits::set_spacing(live(), spacing.data()));
  }
  spacing_type GetSpacing() const {
    spacing_type out{};
    traits::get_spacing(live(), out.data());
    return out;
  }
  void SetOrigin(const point_type &origin) { check(traits::set_origin(live(), origin.data())); }
  point_type GetOrigin() const {
    point_type out{};
    traits::get_origin(live(), out.data());
    return out;
  }
  /** Direction cosines, row-major; must be non-singular (value_error). */
  void SetDirection(const direction_type &direction) {
    check(traits::set_direction(live(), direction.data()));
  }
  direction_type GetDirection() const {
    direction_type out{};
    traits::get_direction(live(), out.data());
    return out;
  }
  /** Physical point of an index: origin + direction * (spacing .* index). */
  point_type TransformIndexToPhysicalPoint(const index_type &index) const {
    const spacing_type s = GetSpacing();
    const point_type o = GetOrigin();
    const direction_type d = GetDirection();
    point_type p = o;
    for (unsigned r = 0; r < D; ++r)
      for (unsigned c = 0; c < D; ++c)
        p[r] += d[static_cast<std::size_t>(r) * D + c] * s[c] * static_cast<double>(index[c]);
    return p;
  }
  /** Copy spacing, origin and direction from another image of dimension D. */
  template <class Other>
  void CopyInformation(const Other &other) {
    check(ndw_image_copy_information(live_base(), other.base()));
  }

  /* -- buffer -- */
  /** Allocate an x-fastest contiguous buffer; zeroed when `initialize`. */
  void Allocate(bool initialize = false) { check(traits::allocate(live(), initialize ? 1 : 0)); }
  bool IsAllocated() const { return ndw_image_is_allocated(live_base()) != 0; }
  bool IsReadOnly() const { return ndw_image_is_readonly(live_base()) != 0; }
  bool IsContiguous() const { return ndw_image_is_contiguous(live_base()) != 0; }
  unsigned GetNumberOfComponentsPerPixel() const { return traits::components(live()); }

  /** The whole buffer, x fastest and components innermost.  state_error
   *  before Allocate(); type_error for a strided view of foreign memory
   *  (use GetPixel/SetPixel there). */
  span<T> GetBuffer() { return span<T>(checked_buffer(), buffer_length()); }
  span<const T> GetBuffer() const { return span<const T>(checked_buffer(), buffer_length()); }
  /** First pixel, or nullptr before Allocate() (no layout check: the
   *  strides of a view are in ndw_image_get_strides(base())). */
  T *GetBufferPointer() noexcept { return handle_ != nullptr ? traits::buffer(handle_) : nullptr; }
  const T *GetBufferPointer() const noexcept {
    return handle_ != nullptr ? traits::buffer(handle_) : nullptr;
  }

 protected:
  image_base() { check(traits::create(&handle_)); }
  explicit image_base(handle_type *adopt) noexcept : handle_(adopt) {}
  image_base(image_base &&other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
  image_base &operator=(image_base &&other) noexcept {
    if (this != &other) {
      destroy();
      handle_ = other.handle_;
      other.handle_ = nullptr;
    }
    return *this;
  }
  ~image_base() { destroy(); }

  handle_type *live() const {
    if (handle_ == nullptr)
      throw state_error(NDW_E_STATE, "NDW_E_STATE: use of a moved-from or released ndw image");
    return handle_;
  }
  ndw_image *live_base() const { return traits::base(live()); }
  std::size_t buffer_length() const {
    return static_cast<std::size_t>(GetNumberOfPixels()) * GetNumberOfComponentsPerPixel();
  }
  T *checked_buffer() const {
    if (!IsAllocated())
      throw state_error(NDW_E_STATE, "NDW_E_STATE: GetBuffer() before Allocate()");
    if (!IsContiguous())
      throw type_error(NDW_E_TYPE,
                       "NDW_E_TYPE: GetBuffer() needs a contiguous buffer; this image is a "
                       "strided view (use GetPixel/SetPixel)");
    return traits::buffer(handle_);
  }
  static handle_type *adopt_base(ndw_image *base) {
    handle_type *h = traits::from_base(base);
    if (h == nullptr && base != nullptr)
      throw type_error(NDW_E_TYPE, std::string("NDW_E_TYPE: the ndw_image is not an ") +
                                       traits::c_name);
    return h;
  }

 private:
  void destroy() noexcept {
    if (handle_ != nullptr) {
      /* NDW_E_BUSY (exported buffer) leaves the C image alive: no dangling view. */
      (void)traits::destroy(handle_);
      handle_ = nullptr;
    }
  }

  handle_type *handle_ = nullptr;
};

}  // namespace detail

/** Is ndw::Image<T, D> (and VectorImage<T, D> for a scalar T) available in
 *  this build?  T may be a fixed-size pixel (ndw::pixel::RGBPixel<uint8_t>). */
template <class T, unsigned D>
inline constexpr bool is_wrapped_v = detail::image_traits<T, D, false>::wrapped;

/* ---- Image<T, D> ------------------------------------------------------------ */

/** A scalar image owning an ndw_image_<tok>_<D>; move-only. */
template <class T, unsigned D>
class Image : public detail::image_base<T, D, false> {
  using base_type = detail::image_base<T, D, false>;
  using traits = detail::image_traits<T, D, false>;

 public:
  using typename base_type::handle_type;
  using typename base_type::index_type;

  /** A new empty image (no region, no buffer). */
  Image() = default;
  /** Take ownership of a C handle (e.g. from ndw_image_f32_3_new). */
  explicit Image(handle_type *adopt) noexcept : base_type(adopt) {}
  /** Take ownership of a generic ndw_image of this pixel type and dimension;
   *  type_error (and nothing taken) when it is not one. */
  static Image FromBase(ndw_image *base) { return Image(base_type::adopt_base(base)); }

  Image(Image &&) noexcept = default;
  Image &operator=(Image &&) noexcept = default;
  ~Image() = default;

  /** New image with the same region, metadata and a copy of the pixels. */
  Image Duplicate() const {
    ndw_image *out = nullptr;
    check(ndw_image_duplicate(this->live_base(), &out));
    return FromBase(out);
  }

  /* T may be a fixed-size pixel (ndw::pixel::Vector<float, 3>): the C facade
   * then takes and gives its components through pointers. */
  static constexpr bool fixed_pixel = detail::component_of<T>::fixed;

  T GetPixel(const index_type &index) const {
    const auto i = detail::to_c<D>(index);
    T value{};
    if constexpr (fixed_pixel)
      check(traits::get_pixel(this->live(), &i, value.data()));
    else
      check(traits::get_pixel(this->live(), &i, &value));
    return value;
  }
  void SetPixel(const index_type &index, const T &value) {
    const auto i = detail::to_c<D>(index);
    if constexpr (fixed_pixel)
      check(traits::set_pixel(this->live(), &i, value.data()));
    else
      check(traits::set_pixel(this->live(), &i, value));
  }
  void FillBuffer(const T &value) {
    if constexpr (fixed_pixel)
      check(traits::fill_buffer(this->live(), value.data()));
    else
      check(traits::fill_buffer(this->live(), value));
  }
};

/* ---- VectorImage<T, D> ------------------------------------------------------- */

/** An image whose pixels have N components of type T, N set at run time
 *  (default 1); owns an ndw_vector_image_<tok>_<D>; move-only. */
template <class T, unsigned D>
class VectorImage : public detail::image_base<T, D, true> {
  using base_type = detail::image_base<T, D, true>;
  using traits = detail::image_traits<T, D, true>;

 public:
  using typename base_type::handle_type;
  using typename base_type::index_type;
  /** A whole pixel, as returned by GetPixel. */
  using pixel_value_type = std::vector<T>;

  VectorImage() = default;
  explicit VectorImage(handle_type *adopt) noexcept : base_type(adopt) {}
  static VectorImage FromBase(ndw_image *base) {
    return VectorImage(base_type::adopt_base(base));
  }

  VectorImage(VectorImage &&) noexcept = default;
  VectorImage &operator=(VectorImage &&) noexcept = default;
  ~VectorImage() = default;

  VectorImage Duplicate() const {
    ndw_image *out = nullptr;
    check(ndw_image_duplicate(this->live_base(), &out));
    return FromBase(out);
  }

  /** Components per pixel; drops the buffer when it changes (call before
   *  Allocate).  buffer_error while the buffer is exported. */
  void SetNumberOfComponentsPerPixel(unsigned n) { check(traits::set_components(this->live(), n)); }
  /** Alias of SetNumberOfComponentsPerPixel. */
  void SetVectorLength(unsigned n) { SetNumberOfComponentsPerPixel(n); }
  unsigned GetVectorLength() const { return this->GetNumberOfComponentsPerPixel(); }

  /** All components of one pixel. */
  std::vector<T> GetPixel(const index_type &index) const {
    const unsigned n = this->GetNumberOfComponentsPerPixel();
    std::unique_ptr<T[]> tmp(new T[n]());
    GetPixel(index, span<T>(tmp.get(), n));
    return std::vector<T>(tmp.get(), tmp.get() + n);
  }
  /** Components of one pixel into `out` (at least as many as components). */
  void GetPixel(const index_type &index, span<T> out) const {
    require_length(out.size(), true, "GetPixel");
    const auto i = detail::to_c<D>(index);
    check(traits::get_pixel(this->live(), &i, out.data()));
  }
  /** Set one pixel; `value` has exactly as many values as components. */
  void SetPixel(const index_type &index, span<const T> value) {
    require_length(value.size(), false, "SetPixel");
    const auto i = detail::to_c<D>(index);
    check(traits::set_pixel(this->live(), &i, value.data()));
  }
  void SetPixel(const index_type &index, std::initializer_list<T> value) {
    SetPixel(index, span<const T>(value.begin(), value.size()));
  }
  /** Set every pixel to `value` (exactly as many values as components). */
  void FillBuffer(span<const T> value) {
    require_length(value.size(), false, "FillBuffer");
    check(traits::fill_buffer(this->live(), value.data()));
  }
  void FillBuffer(std::initializer_list<T> value) {
    FillBuffer(span<const T>(value.begin(), value.size()));
  }

 private:
  void require_length(std::size_t have, bool at_least, const char *what) const {
    const unsigned n = this->GetNumberOfComponentsPerPixel();
    if (have == n || (at_least && have > n)) return;
    throw value_error(NDW_E_INVALID, std::string("NDW_E_INVALID: VectorImage::") + what +
                                         ": " + std::to_string(have) + " values for " +
                                         std::to_string(n) + " components per pixel");
  }
};

}  // namespace ndw

#endif
