#include "wire/oip_datatype.h"

#include <utility>

namespace activation::wire {
namespace {

constexpr std::pair<DataType, std::string_view> kOipDatatypes[] = {
    {DataType::kFloat32, "FP32"},
    {DataType::kFloat16, "FP16"},
    {DataType::kBFloat16, "BF16"},
    {DataType::kFloat64, "FP64"},
};

}  // namespace

std::string_view OipDatatypeName(DataType dtype) {
  for (const auto& [type, name] : kOipDatatypes) {
    if (type == dtype) return name;
  }
  return kOipDatatypes[0].second;
}

bool ReadOipDatatype(std::string_view name, DataType* dtype) {
  for (const auto& [type, type_name] : kOipDatatypes) {
    if (type_name == name) {
      *dtype = type;
      return true;
    }
  }
  return false;
}

}  // namespace activation::wire
