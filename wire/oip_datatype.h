// The Open Inference Protocol's (KServe v2) names of the element types served:
// the one mapping between them and DataType, for the server's front ends and
// the client's bench alike.
#pragma once

#include <string_view>

#include "compute/dtype.h"

namespace activation::wire {

// "FP32", "FP16", "BF16" or "FP64".
std::string_view OipDatatypeName(DataType dtype);

// The dtype the protocol's datatype `name` stands for; false for a datatype
// not served.
bool ReadOipDatatype(std::string_view name, DataType* dtype);

}  // namespace activation::wire
