#include "client/formats/open.h"

#include "client/formats/json.h"
#include "client/formats/npy.h"
#include "client/formats/raw.h"
#include "client/formats/text.h"

namespace activation::client {

std::unique_ptr<ArrayReader> OpenReader(Format format, ByteSource& source, std::shared_ptr<CsvLayout> csv_layout,
                                        std::optional<DataType> dtype) {
  const DataType given = dtype.value_or(DataType::kFloat32);
  switch (format) {
    case Format::kText: return MakeTextReader(source, given);
    case Format::kCsv: return MakeCsvReader(source, std::move(csv_layout), given);
    case Format::kNpy: return MakeNpyReader(source, dtype);
    case Format::kRaw: return MakeRawReader(source, given);
    case Format::kJson: break;
  }
  throw FormatError("json is an output format only; read text, csv, npy or raw");
}

std::unique_ptr<ArrayWriter> OpenWriter(Format format, ByteSink& sink, const OutputLayout& layout,
                                        std::shared_ptr<CsvLayout> csv_layout,
                                        const std::string& json_field) {
  switch (format) {
    case Format::kText: return MakeTextWriter(sink, layout);
    case Format::kCsv: return MakeCsvWriter(sink, layout, std::move(csv_layout));
    case Format::kNpy: return MakeNpyWriter(sink, layout);
    case Format::kRaw: return MakeRawWriter(sink, layout.dtype);
    case Format::kJson: return MakeJsonWriter(sink, layout, json_field);
  }
  return MakeTextWriter(sink, layout);
}

ParsedArray ParseArray(Format format, std::string_view bytes, const std::string& name,
                       std::optional<DataType> dtype) {
  MemorySource source(bytes, name);
  std::unique_ptr<ArrayReader> reader = OpenReader(format, source, nullptr, dtype);
  ParsedArray parsed;
  parsed.shape = reader->shape();
  Elements& all = parsed.elements;
  all.set_dtype(reader->dtype());
  constexpr std::size_t kBlock = 4096;
  for (std::size_t n = 1; n != 0;) {
    const std::size_t had = all.size();
    all.resize(had + kBlock);
    n = reader->Read(all.bytes() + had * all.element_bytes(), kBlock);
    all.resize(had + n);
  }
  if (all.dtype() == DataType::kFloat32) parsed.values.assign(all.as<float>(), all.as<float>() + all.size());
  return parsed;
}

}  // namespace activation::client
