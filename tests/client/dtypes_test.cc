// float16, bfloat16 and float64 through the formats: every 16-bit value
// printed with the fewest digits that read back to it and round-tripped
// through every format; decimals read with one correct rounding; .npy files
// of another dtype refused naming both. Expected values come from MPFR
// (tests/client/dtype_reference.h), never from compute/dtype.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "client/formats/byte_io.h"
#include "client/formats/number.h"
#include "client/formats/open.h"
#include "tests/client/dtype_reference.h"
#include "tests/client/elements_util.h"

namespace activation::client {
namespace {

using ::testing::HasSubstr;

constexpr DataType kNarrow[] = {DataType::kFloat16, DataType::kBFloat16};

bool IsNan(DataType dtype, std::uint16_t bits) { return std::isnan(reference::Value(dtype, bits)); }

std::string Printed(DataType dtype, const void* data) {
  char buf[kMaxFloatChars];
  return std::string(buf, FormatElement(dtype, data, 0, buf));
}

std::string Write(Format format, const Elements& values) {
  StringSink sink;
  OutputLayout layout;
  layout.dtype = values.dtype();
  auto writer = OpenWriter(format, sink, layout);
  writer->Write(values.data(), values.size());
  writer->Finish();
  return sink.bytes;
}

// The fewest %g digits whose decimal MPFR rounds back to the same value.
TEST(Dtypes, EveryNarrowValuePrintsItsShortestRoundTripDigits) {
  for (DataType dtype : kNarrow) {
    const int max_digits = dtype == DataType::kFloat16 ? 5 : 4;
    for (std::uint32_t b = 0; b <= 0xffff; ++b) {
      const auto bits = static_cast<std::uint16_t>(b);
      if (IsNan(dtype, bits)) continue;
      const double value = reference::Value(dtype, bits);
      std::string expected;
      for (int digits = 1; digits <= max_digits; ++digits) {
        char text[64];
        std::snprintf(text, sizeof text, "%.*g", digits, value);
        expected = text;
        if (reference::Bits(dtype, reference::RoundDecimal(dtype, expected)) == bits) break;
      }
      ASSERT_EQ(reference::Bits(dtype, reference::RoundDecimal(dtype, expected)), bits)
          << DataTypeName(dtype) << " " << bits << ": more than " << max_digits << " digits";
      ASSERT_EQ(Printed(dtype, &bits), expected) << DataTypeName(dtype) << " " << bits;
    }
  }
}

TEST(Dtypes, EveryNarrowValueRoundTripsThroughEveryFormat) {
  for (DataType dtype : kNarrow) {
    std::vector<std::uint16_t> all, finite;
    for (std::uint32_t b = 0; b <= 0xffff; ++b) {
      all.push_back(static_cast<std::uint16_t>(b));
      if (!IsNan(dtype, static_cast<std::uint16_t>(b))) finite.push_back(static_cast<std::uint16_t>(b));
    }
    for (Format format : {Format::kText, Format::kCsv, Format::kNpy, Format::kRaw}) {
      // Text prints every NaN as "nan": the binary formats keep their payloads.
      const std::vector<std::uint16_t>& values = format == Format::kText || format == Format::kCsv ? finite : all;
      const ParsedArray back = ParseArray(format, Write(format, MakeElements(values, dtype)), "x", dtype);
      EXPECT_EQ(back.elements.dtype(), dtype);
      EXPECT_EQ(ValuesOf<std::uint16_t>(back.elements), values) << DataTypeName(dtype) << " " << FormatName(format);
    }
  }
}

// Decimals of up to 25 digits, many of them halfway between two values of
// the type or one unit of their last digit beside it.
std::vector<std::string> Decimals(DataType dtype, std::mt19937_64& rng) {
  std::vector<std::string> texts;
  std::uniform_int_distribution<int> pattern(0, 0x7bff);
  for (int i = 0; i < 20000; ++i) {
    const auto bits = static_cast<std::uint16_t>(pattern(rng) & (dtype == DataType::kFloat64 ? 0x7bff : 0x7fff));
    double a = dtype == DataType::kFloat64 ? std::ldexp(static_cast<double>(rng() >> 11), -40 + static_cast<int>(rng() % 80))
                                           : reference::Value(dtype, bits);
    if (std::isnan(a) || std::isinf(a)) continue;
    const double b = dtype == DataType::kFloat64 ? std::nextafter(a, 1e300)
                                                 : reference::Value(dtype, static_cast<std::uint16_t>(bits + 1));
    if (std::isinf(b) || std::isnan(b)) continue;
    char text[256];
    // The midpoint, exactly: 120 digits hold every digit of these dyadic numbers.
    mpfr_t mid;
    mpfr_init2(mid, 256);
    mpfr_set_d(mid, a, MPFR_RNDN);
    mpfr_add_d(mid, mid, b, MPFR_RNDN);
    mpfr_div_ui(mid, mid, 2, MPFR_RNDN);
    mpfr_snprintf(text, sizeof text, "%.120Re", mid);
    mpfr_clear(mid);
    texts.push_back(text);
    for (int digits : {6, 12, 17, 20, 25}) {
      std::snprintf(text, sizeof text, "%.*e", digits - 1, (a + b) / 2);
      texts.push_back(text);
      std::snprintf(text, sizeof text, "%.*e", digits - 1, std::nextafter((a + b) / 2, 0.0));
      texts.push_back(text);
    }
    std::snprintf(text, sizeof text, "-%.9g", a * 1.37);
    texts.push_back(text);
  }
  return texts;
}

TEST(Dtypes, DecimalsAreRoundedOnceToTheDtype) {
  std::mt19937_64 rng(21);
  for (DataType dtype : {DataType::kFloat16, DataType::kBFloat16, DataType::kFloat64}) {
    for (const std::string& text : Decimals(dtype, rng)) {
      const double expected = reference::RoundDecimal(dtype, text);
      double got = 0;
      std::uint16_t bits = 0;
      const bool ok = dtype == DataType::kFloat64 ? ParseElement(text, dtype, &got) : ParseElement(text, dtype, &bits);
      if (std::isinf(expected)) {
        EXPECT_FALSE(ok) << text << " overflows " << DataTypeName(dtype);
        continue;
      }
      ASSERT_TRUE(ok) << text;
      if (dtype != DataType::kFloat64) got = reference::Value(dtype, bits);
      ASSERT_EQ(got, expected) << DataTypeName(dtype) << " " << text;
    }
  }
}

TEST(Dtypes, Float64PrintsTheShortestDigitsThatReadBack) {
  std::mt19937_64 rng(5);
  std::vector<double> values = {0.1, 1.0 / 3, -2.5, 5e-324, 1.7976931348623157e308, -0.0};
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, 8);
    if (std::isfinite(v)) values.push_back(v);
  }
  for (double v : values) {
    const std::string text = Printed(DataType::kFloat64, &v);
    ASSERT_EQ(reference::RoundDecimal(DataType::kFloat64, text), v) << text;
    // One digit fewer does not read back.
    const std::size_t e = text.find('e');
    std::string mantissa = text.substr(0, e);
    int digits = 0;
    bool leading = true;
    for (char c : mantissa) {
      if (c >= '1' && c <= '9') leading = false;
      if (std::isdigit(static_cast<unsigned char>(c)) && !leading) ++digits;
    }
    ASSERT_LE(digits, 17) << text;
    if (digits > 1) {
      char shorter[400];
      std::snprintf(shorter, sizeof shorter, "%.*g", digits - 1, v);
      EXPECT_NE(reference::RoundDecimal(DataType::kFloat64, shorter), v) << text << " is not the shortest";
    }
  }
}

TEST(Dtypes, Float64RoundTripsThroughEveryFormat) {
  const std::vector<double> values = {0.1, -1.0 / 3, 1e-310, 1.7976931348623157e308,
                                      -std::numeric_limits<double>::infinity(), 0.0, -0.0};
  for (Format format : {Format::kText, Format::kCsv, Format::kNpy, Format::kRaw}) {
    const ParsedArray back =
        ParseArray(format, Write(format, MakeElements(values, DataType::kFloat64)), "x", DataType::kFloat64);
    const std::vector<double> got = ValuesOf<double>(back.elements);
    ASSERT_EQ(got.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(std::signbit(got[i]), std::signbit(values[i]));
      EXPECT_EQ(got[i], values[i]) << FormatName(format);
    }
  }
}

TEST(Dtypes, NpyHeadersNameTheDtype) {
  const auto descr = [](DataType dtype) {
    const std::string bytes = Write(Format::kNpy, MakeElements(std::vector<std::uint64_t>{}, dtype));
    return bytes.substr(10, bytes.find(',') - 10);
  };
  EXPECT_EQ(descr(DataType::kFloat32), "{'descr': '<f4'");
  EXPECT_EQ(descr(DataType::kFloat64), "{'descr': '<f8'");
  EXPECT_EQ(descr(DataType::kFloat16), "{'descr': '<f2'");
  EXPECT_EQ(descr(DataType::kBFloat16), "{'descr': '<u2'");  // NumPy has no bfloat16
}

std::string ErrorOf(const std::string& bytes, std::optional<DataType> dtype) {
  try {
    ParseArray(Format::kNpy, bytes, "x.npy", dtype);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Dtypes, NpyOfAnotherDtypeIsRefusedNamingBoth) {
  const std::string f8 = Write(Format::kNpy, MakeElements(std::vector<double>{1, 2}, DataType::kFloat64));
  EXPECT_EQ(ErrorOf(f8, DataType::kFloat16),
            "x.npy: the array is float64 ('<f8'), but --dtype is float16 ('<f2'); convert the array or pass "
            "--dtype float64");
  const std::string u2 = Write(Format::kNpy, MakeElements(std::vector<std::uint16_t>{1, 2}, DataType::kBFloat16));
  EXPECT_THAT(ErrorOf(u2, std::nullopt), HasSubstr("x.npy: a uint16 ('<u2') array is read only as bfloat16"));
  EXPECT_THAT(ErrorOf(u2, DataType::kFloat32), HasSubstr("the array is bfloat16 ('<u2'), but --dtype is float32"));
  EXPECT_EQ(ErrorOf(u2, DataType::kBFloat16), "(no error)");
  EXPECT_EQ(ErrorOf(f8, std::nullopt), "(no error)");  // without --dtype, the file's own
}

TEST(Dtypes, TextNamesTheDtypeARejectedNumberMisses) {
  try {
    ParseArray(Format::kText, "1\n65520\n", "x.txt", DataType::kFloat16);  // rounds past float16's largest
    FAIL() << "accepted";
  } catch (const FormatError& e) {
    EXPECT_STREQ(e.what(), "x.txt:2:1: '65520' is not a float16 number");
  }
  std::uint16_t bits;
  EXPECT_TRUE(ParseElement("65519", DataType::kFloat16, &bits));  // below the midpoint: the largest
}

}  // namespace
}  // namespace activation::client
