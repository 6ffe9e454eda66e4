// The one codec between activation.v1's Tensor message and float arrays:
// the server, the client and the fuzz harness count, decode and encode
// tensors only through these functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "activation/v1/activation.pb.h"
#include "compute/status.h"
#include "wire/float_bytes.h"
#include "wire/evaluation.h"

namespace activation::wire {

// Elements a tensor carries (raw bytes / the dtype's size, values or
// double_values), without decoding or validating it: for metrics and
// consistency checks.
std::size_t ElementCount(const v1::Tensor& tensor);

// The tensor's element type (UNSPECIFIED is float32); false for a value
// outside the enum.
bool ReadDataType(const v1::Tensor& tensor, DataType* dtype);
// The same for an enum value (e.g. DtypeAccuracy.dtype).
bool ReadDataType(v1::DataType value, DataType* dtype);

// A decoded tensor: points into the message itself; owns a copy only when
// `raw` bytes happen to be misaligned for float. The message must outlive it.
class DecodedTensor {
 public:
  const TensorRef& ref() const { return ref_; }  // data, size, shape
  bool is_copy() const { return raw_.is_copy() || !narrow_.empty() || !wide_.empty(); }

 private:
  friend Status Decode(const v1::Tensor& tensor, std::string_view field, DecodedTensor* decoded);
  TensorRef ref_;
  FloatBytes raw_;
  std::vector<std::uint16_t> narrow_;  // float16/bfloat16 bit patterns, copied (aligned)
  std::vector<double> wide_;           // float64 sent as raw, copied (aligned)
};

// Checks the dtype and the encoding (one of values, raw and double_values;
// raw a multiple of the element size; double_values only for float64) and
// reads the elements and shape; errors name `field` ("input", "output").
// float16 and bfloat16 elements are copied as bit patterns (values rounded
// to the dtype); float64 ones in double_values are read in place, in raw
// copied.
// The shape itself is checked by Evaluation::Prepare.
Status Decode(const v1::Tensor& tensor, std::string_view field, DecodedTensor* decoded);

// Decodes a float32 tensor that must hold `expected` elements into `out` (a
// copy); an error names `field` and both counts. What a client does with an
// answer.
Status DecodeInto(const v1::Tensor& tensor, std::string_view field, std::size_t expected, std::vector<float>* out);

// Fills `tensor` with n floats and `shape` (empty: 1-D, no shape sent), as
// raw bytes or as packed values.
void Encode(const float* data, std::size_t n, const std::vector<std::int64_t>& shape, bool raw, v1::Tensor* tensor);

// Serialized bytes of a tensor field (tag, length and body) holding n floats
// in the encoding and shape of `like`: what an answer will cost on the wire,
// known before computing it.
std::size_t EncodedFieldSize(const v1::Tensor& like, std::size_t n);

// float16 / bfloat16 bit patterns into `tensor`, with `dtype` set.
void EncodeNarrow(DataType dtype, const std::uint16_t* bits, std::size_t n, const std::vector<std::int64_t>& shape,
                  bool raw, v1::Tensor* tensor);

// n doubles into `tensor` with dtype FLOAT64, as raw bytes or as
// double_values.
void EncodeFloat64(const double* data, std::size_t n, const std::vector<std::int64_t>& shape, bool raw,
                   v1::Tensor* tensor);

// Gives `out` the dtype, encoding and shape of `like` with n float16 /
// bfloat16 elements from `bits`.
void EncodeNarrowLike(const v1::Tensor& like, DataType dtype, const std::uint16_t* bits, std::size_t n,
                      v1::Tensor* out);

// Gives `out` the dtype, encoding and shape of a float32 `like` with room
// for n floats, sized once, and returns where to write them.
float* PrepareOutput(const v1::Tensor& like, std::size_t n, v1::Tensor* out);

// Gives `out` the dtype (FLOAT64), encoding (raw or double_values) and
// shape of a float64 `like` with room for n doubles, and returns where to
// write them.
double* PrepareOutputFloat64(const v1::Tensor& like, std::size_t n, v1::Tensor* out);

// Moves a float32 `input`'s storage (raw or values, no copy), dtype and shape into
// `out`, and returns where those floats now are, for computing in place.
float* TakeStorage(v1::Tensor* input, v1::Tensor* out);

}  // namespace activation::wire
