// Consumer test (c): the C++17 layer ndw/ndw.hpp.  Prints "cxx-consumer: OK"
// and exits 0 when every check holds.
#include <ndw/ndw.hpp>

#include <complex>
#include <cstdio>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const char *what, int line) {
  if (!ok) {
    std::fprintf(stderr, "main.cpp:%d: check failed: %s\n", line, what);
    ++failures;
  }
}
#define CHECK(cond) check(static_cast<bool>(cond), #cond, __LINE__)

// Run `f` and check that it throws exactly exception class E with `status`.
template <class E, class F>
void expect_throw(F &&f, ndw_status status, const char *what, int line) {
  try {
    f();
  } catch (const E &e) {
    if (e.status() != status) check(false, what, line);
    return;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "main.cpp:%d: %s: wrong exception: %s\n", line, what, e.what());
    ++failures;
    return;
  }
  check(false, what, line);
}
#define EXPECT_THROW(E, status, ...) expect_throw<E>([&] { __VA_ARGS__; }, status, #E, __LINE__)

// ---- compile-time facts ----------------------------------------------------
using F3 = ndw::Image<float, 3>;
static_assert(!std::is_copy_constructible_v<F3> && !std::is_copy_assignable_v<F3>,
              "images are move-only");
static_assert(std::is_nothrow_move_constructible_v<F3> && std::is_nothrow_move_assignable_v<F3>,
              "moves do not throw");
static_assert(std::is_same_v<F3::handle_type, ndw_image_f32_3>, "maps to the C instantiation");
static_assert(std::is_same_v<ndw::VectorImage<std::uint8_t, 2>::handle_type,
                             ndw_vector_image_u8_2>, "vector images too");
static_assert(std::is_base_of_v<std::runtime_error, ndw::error>, "ndw::error is runtime_error");
static_assert(std::is_base_of_v<ndw::value_error, ndw::readonly_error>,
              "read-only is a value error, as in Python");
static_assert(ndw::pixel_traits<std::complex<double>>::type == NDW_PIXEL_CD, "CD");
static_assert(ndw::pixel_traits<bool>::type == NDW_PIXEL_B, "B");
static_assert(!ndw::pixel_traits<char>::wrapped && !ndw::pixel_traits<long double>::wrapped,
              "only table types");
static_assert(!ndw::is_wrapped_v<float, 9>, "dimension 9 is never wrapped");

constexpr unsigned expected_dims[] = {NDW_EXPECT_DIMS};
constexpr bool dim_expected(unsigned d) {
  for (unsigned e : expected_dims)
    if (e == d) return true;
  return false;
}
template <unsigned... Ds>
constexpr bool dims_consistent(std::integer_sequence<unsigned, Ds...>) {
  return ((ndw::is_wrapped_v<float, Ds + 1> == dim_expected(Ds + 1)) && ...);
}
static_assert(dims_consistent(std::make_integer_sequence<unsigned, 8>{}),
              "ndw::Image<float, D> exists exactly for ndwrap_WRAP_DIMS");
static_assert(sizeof(ndw::wrapped_dims) == sizeof(expected_dims), "ndw::wrapped_dims");

#define COUNT_TYPE(code, tok, ctype) +1
constexpr int wrapped_types = 0 NDW_FOR_EACH_PIXEL(COUNT_TYPE);
#undef COUNT_TYPE
static_assert(wrapped_types == NDW_EXPECT_NTYPES, "pixel traits follow ndwrap_PIXEL_CODES");

// ---- every wrapped (pixel type, dimension), from the same X-macro list --------
template <class T, unsigned D>
void sweep() {
  const T one = static_cast<T>(1);
  ndw::Size<D> size;
  size.fill(2);
  ndw::Index<D> last;
  last.fill(1);

  ndw::Image<T, D> img;
  img.SetRegions(size);
  img.Allocate(true);
  CHECK(img.GetBuffer().size() == (std::size_t{1} << D));
  CHECK(img.GetPixel(last) == T{});
  img.SetPixel(last, one);
  CHECK(img.GetPixel(last) == one);
  CHECK(img.GetBuffer().back() == one);
  img.FillBuffer(one);
  CHECK(img.GetBuffer().front() == one);

  ndw::VectorImage<T, D> vec;
  vec.SetNumberOfComponentsPerPixel(2);
  vec.SetRegions(size);
  vec.Allocate(true);
  vec.SetPixel(last, {T{}, one});
  const std::vector<T> px = vec.GetPixel(last);
  CHECK(px.size() == 2 && px[0] == T{} && px[1] == one);
  CHECK(vec.GetBuffer().size() == (std::size_t{2} << D));
}

int swept = 0;
#define SWEEP(code, tok, ctype, D) \
  sweep<ctype, D>();               \
  ++swept;
void sweep_all() { NDW_FOR_EACH_IMAGE(SWEEP) }
#undef SWEEP

void release_nothing(void *) {}

// Fixed-size pixel types (NDW_COMPOUND_TABLE): ndw::Image<ndw::pixel::Vector<float, 3>, 3>
// over the facade ndw_image_vf3_3, RGB pixels of uint8_t (when this build wraps them).
void check_fixed_pixels() {
#if NDW_WRAP_VF && NDW_WRAP_DIM_3
  using Field = ndw::Image<ndw::pixel::Vector<float, 3>, 3>;
  static_assert(ndw::is_wrapped_v<ndw::pixel::Vector<float, 3>, 3>);
  static_assert(std::is_same_v<Field::value_type, float>);
  Field f;
  CHECK(f.GetNumberOfComponentsPerPixel() == 3);
  f.SetRegions({4, 3, 2});
  f.Allocate(true);
  f.SetPixel({1, 2, 1}, {{1.5f, 2.5f, 3.5f}});
  CHECK((f.GetPixel({1, 2, 1}) == ndw::pixel::Vector<float, 3>{{1.5f, 2.5f, 3.5f}}));
  f.FillBuffer({{1, 1, 1}});
  CHECK(f.GetBuffer().size() == 4 * 3 * 2 * 3 && f.GetBuffer()[5] == 1.0f);
  CHECK(std::string(Field::c_type_name()) == "ndw_image_vf3_3");
  CHECK(f.Duplicate().GetPixel({0, 0, 0})[2] == 1.0f);
  // the component count is the type's
  EXPECT_THROW(ndw::value_error, NDW_E_INVALID, ndw::check(ndw_image_set_components(f.base(), 4)));
#endif
#if NDW_WRAP_RGBUC && NDW_WRAP_DIM_2
  ndw::Image<ndw::pixel::RGBPixel<uint8_t>, 2> rgb;
  rgb.SetRegions({2, 2});
  rgb.Allocate();
  rgb.FillBuffer({{255, 0, 7}});
  CHECK(rgb.GetPixel({1, 1})[2] == 7 && rgb.GetNumberOfComponentsPerPixel() == 3);
  EXPECT_THROW(ndw::type_error, NDW_E_TYPE, ndw::Image<std::uint8_t, 2>::FromBase(rgb.base()));
#endif
  static_assert(!ndw::is_wrapped_v<ndw::pixel::Vector<float, 7>, 2>);
}

}  // namespace

int main() {
  // ---- an image, ITK style --------------------------------------------------
  F3 img;
  CHECK(static_cast<bool>(img) && img.get() != nullptr && img.base() != nullptr);
  CHECK(std::string(F3::c_type_name()) == "ndw_image_f32_3");
  EXPECT_THROW(ndw::state_error, NDW_E_STATE, img.GetBuffer());

  const ndw::Region<3> region({1, 0, 0}, {4, 3, 2});
  img.SetRegions(region);
  CHECK(img.GetLargestPossibleRegion() == region);
  CHECK(img.GetBufferedRegion().GetNumberOfPixels() == 24);
  img.SetSpacing({0.5, 0.5, 2.0});
  img.SetOrigin({10.0, 20.0, 30.0});
  img.SetDirection({0, 1, 0, 1, 0, 0, 0, 0, 1});
  CHECK(img.GetSpacing()[2] == 2.0 && img.GetOrigin()[1] == 20.0 && img.GetDirection()[1] == 1.0);
  EXPECT_THROW(ndw::state_error, NDW_E_STATE, img.GetPixel({1, 0, 0}));

  img.Allocate(true);
  img.FillBuffer(1.0f);
  img.SetPixel({2, 2, 1}, 42.0f);
  CHECK(img.GetPixel({2, 2, 1}) == 42.0f);
  float sum = 0.0f;
  for (float v : img.GetBuffer()) sum += v;
  CHECK(sum == 23.0f + 42.0f);
  // scaled (2, 1, 2), then the direction swaps x and y, then + origin
  const auto p = img.TransformIndexToPhysicalPoint({4, 2, 1});
  CHECK(p[0] == 11.0 && p[1] == 22.0 && p[2] == 32.0);

  // ---- exceptions follow DESIGN's status table ------------------------------
  EXPECT_THROW(ndw::index_error, NDW_E_RANGE, img.GetPixel({0, 0, 0}));
  EXPECT_THROW(ndw::index_error, NDW_E_RANGE, img.GetBuffer().at(24));
  EXPECT_THROW(ndw::value_error, NDW_E_INVALID, img.SetDirection({1, 0, 0, 1, 0, 0, 0, 0, 1}));
  EXPECT_THROW(ndw::type_error, NDW_E_TYPE, ndw::Image<double, 3>::FromBase(img.base()));
  EXPECT_THROW(ndw::memory_error, NDW_E_NOMEM, {
    F3 huge;
    huge.SetRegions({1u << 20, 1u << 20, 1u << 10});
    huge.Allocate();
  });
  CHECK(ndw_image_export_acquire(img.base()) == NDW_OK);  // as a NumPy view would
  EXPECT_THROW(ndw::buffer_error, NDW_E_BUSY, img.Allocate());
  ndw_image_export_release(img.base());
  try {
    img.GetPixel({9, 9, 9});
  } catch (const ndw::error &e) {
    CHECK(std::string(e.what()).rfind("NDW_E_RANGE: ", 0) == 0);
  }
  {
    float memory[6] = {0, 1, 2, 3, 4, 5};
    ndw::Image<float, 2> view;
    view.SetRegions({3, 2});
    const std::ptrdiff_t strides[2] = {sizeof(float), 3 * sizeof(float)};
    ndw::check(ndw_image_wrap(view.base(), memory, strides, 0, 1, release_nothing, nullptr));
    CHECK(view.IsReadOnly() && view.GetPixel({2, 1}) == 5.0f);
    EXPECT_THROW(ndw::readonly_error, NDW_E_READONLY, view.SetPixel({0, 0}, 1.0f));
    EXPECT_THROW(ndw::value_error, NDW_E_READONLY, view.FillBuffer(1.0f));
  }

  // ---- ownership -------------------------------------------------------------
  F3 moved = std::move(img);
  CHECK(!img && moved && moved.GetPixel({2, 2, 1}) == 42.0f);  // NOLINT(bugprone-use-after-move)
  EXPECT_THROW(ndw::state_error, NDW_E_STATE, img.GetSize());
  F3 copy = moved.Duplicate();
  copy.SetPixel({2, 2, 1}, 7.0f);
  CHECK(moved.GetPixel({2, 2, 1}) == 42.0f && copy.GetSpacing()[0] == 0.5);
  ndw_image_f32_3 *raw = copy.release();
  CHECK(!copy && raw != nullptr);
  F3 adopted(raw);
  CHECK(adopted.GetPixel({2, 2, 1}) == 7.0f);

  // ---- vector image ---------------------------------------------------------
  ndw::VectorImage<std::complex<float>, 2> field;
  field.SetVectorLength(3);
  field.SetRegions({5, 4});
  field.Allocate();
  field.FillBuffer({{1, 0}, {0, 1}, {2, 2}});
  const std::vector<std::complex<float>> px{{4, 0}, {5, 0}, {6, -1}};
  field.SetPixel({4, 3}, px);
  CHECK(field.GetPixel({4, 3}) == px && field.GetPixel({0, 0})[1] == std::complex<float>(0, 1));
  CHECK(field.GetBuffer().size() == 5 * 4 * 3);
  EXPECT_THROW(ndw::value_error, NDW_E_INVALID, field.SetPixel({0, 0}, {1.0f}));

  check_fixed_pixels();
  sweep_all();
  std::printf("swept %d (pixel type, dimension) pairs, dims:", swept);
  for (unsigned d : ndw::wrapped_dims) std::printf(" %u", d);
  std::printf("\n");

  if (failures != 0) {
    std::printf("cxx-consumer: %d check(s) FAILED\n", failures);
    return 1;
  }
  std::printf("cxx-consumer: OK\n");
  return 0;
}
