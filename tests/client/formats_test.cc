// The array formats: round trips, shapes, and malformed inputs reported
// with file, line and column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "client/formats/byte_io.h"
#include "client/formats/csv.h"
#include "client/formats/number.h"
#include "client/formats/open.h"
#include "tests/client/elements_util.h"

namespace activation::client {
namespace {

using ::testing::HasSubstr;

std::string Write(Format format, const std::vector<float>& values, OutputLayout layout = {},
                  std::shared_ptr<CsvLayout> csv = nullptr) {
  StringSink sink;
  auto writer = OpenWriter(format, sink, layout, std::move(csv));
  writer->Write(values.data(), values.size());
  writer->Finish();
  return sink.bytes;
}

std::string ErrorOf(Format format, const std::string& bytes, const std::string& name = "in.txt") {
  try {
    ParseArray(format, bytes, name);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "(no error)";
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
}

std::vector<float> Specials() {
  return {0.f, -0.f, 1.f, -1.f, 0.5f, 1e-45f, -1e-45f, 1.17549435e-38f, 3.40282347e38f, -3.40282347e38f,
          std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(), 0.1f, 1.f / 3};
}

TEST(Number, FormatMatchesPrintfNineDigits) {
  std::mt19937 rng(7);
  for (int i = 0; i < 100000; ++i) {
    std::uint32_t bits = rng();
    float v;
    std::memcpy(&v, &bits, 4);
    if (std::isnan(v)) continue;
    char ours[kMaxFloatChars + 1] = {};
    ours[FormatFloat(v, ours)] = '\0';
    char theirs[64];
    std::snprintf(theirs, sizeof theirs, "%.9g", static_cast<double>(v));
    ASSERT_STREQ(ours, theirs) << bits;
  }
}

TEST(Number, ParsesSignsExponentsAndSpecials) {
  float v;
  ASSERT_TRUE(ParseFloat("+1.5e3", &v));
  EXPECT_EQ(v, 1500.f);
  ASSERT_TRUE(ParseFloat("-inf", &v));
  EXPECT_TRUE(std::isinf(v) && v < 0);
  ASSERT_TRUE(ParseFloat("nan", &v));
  EXPECT_TRUE(std::isnan(v));
  ASSERT_TRUE(ParseFloat("1e-50", &v));  // underflow is a tiny input, not an error
  EXPECT_EQ(v, 0.f);
  EXPECT_FALSE(ParseFloat("1e39", &v));  // overflows float32
  EXPECT_FALSE(ParseFloat("1.2.3", &v));
  EXPECT_FALSE(ParseFloat("+-1", &v));
  EXPECT_FALSE(ParseFloat("", &v));
  EXPECT_FALSE(ParseFloat("0x", &v));
}

TEST(Text, ReadsWhitespaceAndCommaSeparatedNumbers) {
  const ParsedArray a = ParseArray(Format::kText, "1 2\t3\n4,5\r\n  -6e1\n\n");
  EXPECT_EQ(a.values, (std::vector<float>{1, 2, 3, 4, 5, -60}));
  EXPECT_TRUE(a.shape.empty());
}

TEST(Text, RoundTripsEveryFloatBitForBit) {
  std::vector<float> values = Specials();
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) {
    std::uint32_t bits = rng();
    float v;
    std::memcpy(&v, &bits, 4);
    if (!std::isnan(v)) values.push_back(v);
  }
  EXPECT_TRUE(SameBits(ParseArray(Format::kText, Write(Format::kText, values)).values, values));
}

TEST(Text, WritesOneValuePerLineWithNineDigits) {
  EXPECT_EQ(Write(Format::kText, {0.5f, 0.731058598f, 2.06115369e-09f}), "0.5\n0.731058598\n2.06115369e-09\n");
  OutputLayout pairs;
  pairs.width = 2;
  EXPECT_EQ(Write(Format::kText, {1, 2, 3, 4}, pairs), "1 2\n3 4\n");
}

TEST(Text, MalformedNumberNamesFileLineAndColumn) {
  EXPECT_EQ(ErrorOf(Format::kText, "1\n2 3\n4 x5 6\n", "data.txt"),
            "data.txt:3:3: 'x5' is not a float32 number");
  EXPECT_THAT(ErrorOf(Format::kText, "1e39"), HasSubstr("in.txt:1:1: '1e39'"));
}

TEST(Text, LongInputCrossesBufferBoundaries) {
  std::string text;
  std::vector<float> expected;
  for (int i = 0; i < 50000; ++i) {
    text += std::to_string(i) + ".25\n";
    expected.push_back(i + 0.25f);
  }
  EXPECT_EQ(ParseArray(Format::kText, text).values, expected);
  EXPECT_THAT(ErrorOf(Format::kText, text + "oops"), HasSubstr(":50001:1: 'oops'"));
}

TEST(Csv, KeepsHeaderTextCellsAndStructure) {
  const std::string in = "id,x,label\n1,0.5,\"a, b\"\r\n2,,\"c\"\n3,-2,\n";
  auto layout = std::make_shared<CsvLayout>();
  MemorySource source(in);
  auto reader = OpenReader(Format::kCsv, source, layout);
  std::vector<float> values(16);
  values.resize(reader->Read(values.data(), values.size()));
  EXPECT_EQ(values, (std::vector<float>{1, 0.5f, 2, 3, -2}));
  for (float& v : values) v *= 10;
  EXPECT_EQ(Write(Format::kCsv, values, {}, layout), "id,x,label\n10,5,\"a, b\"\r\n20,,\"c\"\n30,-20,\n");
}

TEST(Csv, PairedOutputDoublesTheNamesOfNumericColumns) {
  const std::string in = "id,\"x\",label\n1,0.5,\"a\"\n2,-2,\"c\"\n";
  auto layout = std::make_shared<CsvLayout>();
  MemorySource source(in);
  auto reader = OpenReader(Format::kCsv, source, layout);
  std::vector<float> values(16);
  values.resize(reader->Read(values.data(), values.size()));
  ASSERT_EQ(values.size(), 4u);
  OutputLayout paired;
  paired.width = 2;
  const std::vector<float> pairs = {1, 10, 0.5f, 5, 2, 20, -2, -20};
  EXPECT_EQ(Write(Format::kCsv, pairs, paired, layout),
            "id,id_grad,\"x\",\"x_grad\",label\n1,10,0.5,5,\"a\"\n2,20,-2,-20,\"c\"\n");
}

TEST(Csv, WithoutHeaderTheFirstRowIsData) {
  EXPECT_EQ(ParseArray(Format::kCsv, "1,2\n3,4\n").values, (std::vector<float>{1, 2, 3, 4}));
}

TEST(Csv, MalformedCellNamesLineAndColumn) {
  EXPECT_EQ(ErrorOf(Format::kCsv, "a,b\n1,2\n3, 4x\n", "t.csv"),
            "t.csv:3:4: '4x' is not a float32 number (quote text cells)");
  EXPECT_THAT(ErrorOf(Format::kCsv, "1,\"open\n2\n", "t.csv"), HasSubstr("t.csv:1:3: unterminated quoted cell"));
  EXPECT_THAT(ErrorOf(Format::kCsv, std::string("1,2\n3,\0", 7), "t.csv"), HasSubstr("NUL"));
}

TEST(Csv, RowLengthAndUniformRowsForRowwiseFunctions) {
  MemorySource source("h1,h2,h3\n1,2,3\n4,5\n");
  auto reader = OpenReader(Format::kCsv, source);
  EXPECT_EQ(reader->row_length(), 3u);
  reader->RequireUniformRows();
  std::vector<float> v(16);
  try {
    reader->Read(v.data(), v.size());
    FAIL() << "ragged rows accepted";
  } catch (const FormatError& e) {
    EXPECT_THAT(e.what(), HasSubstr("<memory>:3:1: row has 2 numbers, the first row 3"));
  }
}

TEST(Csv, OutputWithoutLayoutFollowsTheShape) {
  OutputLayout layout;
  layout.shape = {2, 3};
  EXPECT_EQ(Write(Format::kCsv, {1, 2, 3, 4, 5, 6}, layout), "1,2,3\n4,5,6\n");
  EXPECT_EQ(Write(Format::kCsv, {1, 2}), "1\n2\n");
}

std::string NpyBytes(const std::string& dict, const std::string& data, int version = 1) {
  std::string header = dict;
  const std::size_t prefix = version == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header.push_back(' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(version));
  out.push_back('\0');
  const std::size_t n = header.size();
  out.push_back(static_cast<char>(n & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  if (version != 1) out += std::string(2, '\0');
  return out + header + data;
}

template <typename T>
std::string Bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

TEST(Npy, RoundTripsShapes) {
  for (const std::vector<std::int64_t>& shape :
       std::vector<std::vector<std::int64_t>>{{5}, {2, 3}, {2, 1, 3, 2}, {0}, {3, 0}}) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    std::vector<float> values(n);
    for (std::size_t i = 0; i < n; ++i) values[i] = 0.25f * i - 1;
    OutputLayout layout;
    layout.shape = shape;
    const ParsedArray back = ParseArray(Format::kNpy, Write(Format::kNpy, values, layout));
    EXPECT_EQ(back.shape, shape);
    EXPECT_TRUE(SameBits(back.values, values));
  }
}

TEST(Npy, WritesTheHeaderNumpyExpects) {
  OutputLayout layout;
  layout.shape = {2, 3};
  const std::string bytes = Write(Format::kNpy, {1, 2, 3, 4, 5, 6}, layout);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
  EXPECT_EQ((10 + header) % 64, 0u);
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_EQ(bytes.substr(10, header), dict + std::string(header - dict.size() - 1, ' ') + "\n");
  layout.shape = {4};
  EXPECT_NE(Write(Format::kNpy, {1, 2, 3, 4}, layout).find("'shape': (4,)"), std::string::npos);
}

TEST(Npy, PairsAddATrailingAxisOfTwo) {
  OutputLayout layout;
  layout.shape = {2};
  layout.width = 2;
  EXPECT_EQ(ParseArray(Format::kNpy, Write(Format::kNpy, {1, 2, 3, 4}, layout)).shape,
            (std::vector<std::int64_t>{2, 2}));
}

TEST(Npy, UnknownCountIsPatchedAtTheEnd) {
  const std::vector<float> values = {1, 2, 3};
  const ParsedArray back = ParseArray(Format::kNpy, Write(Format::kNpy, values));
  EXPECT_EQ(back.shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(back.values, values);
}

TEST(Npy, UnknownCountOnAPipeFailsBeforeWritingAnything) {
  struct PipeSink : StringSink {
    bool Patch(std::uint64_t, std::string_view) override { return false; }
  } pipe;
  EXPECT_THROW(OpenWriter(Format::kNpy, pipe, {}), FormatError);
  EXPECT_TRUE(pipe.bytes.empty());
  OutputLayout known;
  known.count = 2;  // a known count needs no patching
  EXPECT_NO_THROW(OpenWriter(Format::kNpy, pipe, known));
}

TEST(Npy, ReadsFloat64AsFloat64AndVersion2) {
  const std::vector<double> wide = {0.1, -2.5, 1e300};
  const ParsedArray a = ParseArray(
      Format::kNpy, NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", Bytes(wide), 2));
  EXPECT_EQ(a.elements.dtype(), DataType::kFloat64);
  EXPECT_EQ(ValuesOf<double>(a.elements), wide);
}

TEST(Npy, RejectsWhatItCannotRead) {
  const std::string f4 = Bytes(std::vector<float>{1, 2});
  EXPECT_THAT(ErrorOf(Format::kNpy, "PK\x03\x04 not npy", "a.npy"), HasSubstr("a.npy: not a .npy file"));
  EXPECT_THAT(ErrorOf(Format::kNpy, NpyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f4)),
              HasSubstr("big-endian"));
  EXPECT_THAT(ErrorOf(Format::kNpy, NpyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", f4)),
              HasSubstr("dtype '<i4' is not supported"));
  EXPECT_THAT(ErrorOf(Format::kNpy, NpyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", f4)),
              HasSubstr("Fortran"));
  EXPECT_THAT(ErrorOf(Format::kNpy, NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f4)),
              HasSubstr("truncated .npy data"));
  EXPECT_THAT(ErrorOf(Format::kNpy, NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4)),
              HasSubstr("data continues past"));
  EXPECT_THAT(ErrorOf(Format::kNpy, NpyBytes("{'descr': '<f4', 'shape': (2,), }", f4)), HasSubstr("lacks"));
  EXPECT_THAT(ErrorOf(Format::kNpy, NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,x), }", f4)),
              HasSubstr("shape"));
  EXPECT_THAT(ErrorOf(Format::kNpy, std::string("\x93NUMPY\x01\x00\xff", 9)), HasSubstr("truncated"));
}

TEST(Raw, RoundTripsBitForBit) {
  const std::vector<float> values = Specials();
  const std::string bytes = Write(Format::kRaw, values);
  EXPECT_EQ(bytes.size(), values.size() * 4);
  EXPECT_TRUE(SameBits(ParseArray(Format::kRaw, bytes).values, values));
}

TEST(Raw, RejectsATrailingPartialFloat) {
  EXPECT_THAT(ErrorOf(Format::kRaw, std::string(10, '\0'), "x.f32"), HasSubstr("x.f32: size 10 bytes is not a multiple of 4"));
}

TEST(Json, NonFiniteValuesAreStrings) {
  EXPECT_EQ(Write(Format::kJson, {0.5f, std::numeric_limits<float>::infinity(), std::nanf("")}),
            "{\"output\": [0.5, \"Infinity\", \"NaN\"]}\n");
}

TEST(Detect, FormatFromTheExtension) {
  EXPECT_EQ(FormatFromPath("a/b.CSV"), Format::kCsv);
  EXPECT_EQ(FormatFromPath("x.npy"), Format::kNpy);
  EXPECT_EQ(FormatFromPath("x.f32"), Format::kRaw);
  EXPECT_EQ(FormatFromPath("x.bin"), Format::kRaw);
  EXPECT_EQ(FormatFromPath("dir.v2/data"), Format::kText);
  EXPECT_EQ(FormatFromPath("x.txt"), Format::kText);
}

}  // namespace
}  // namespace activation::client
