#include "client/formats/open.h"

#include "client/formats/json.h"
#include "client/formats/npy.h"
#include "client/formats/raw.h"
#include "client/formats/text.h"

namespace activation::client {

std::unique_ptr<ArrayReader> OpenReader(Format format, ByteSource& source,
                                        std::shared_ptr<CsvLayout> csv_layout) {
  switch (format) {
    case Format::kText: return MakeTextReader(source);
    case Format::kCsv: return MakeCsvReader(source, std::move(csv_layout));
    case Format::kNpy: return MakeNpyReader(source);
    case Format::kRaw: return MakeRawReader(source);
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
    case Format::kRaw: return MakeRawWriter(sink);
    case Format::kJson: return MakeJsonWriter(sink, layout, json_field);
  }
  return MakeTextWriter(sink, layout);
}

ParsedArray ParseArray(Format format, std::string_view bytes, const std::string& name) {
  MemorySource source(bytes, name);
  std::unique_ptr<ArrayReader> reader = OpenReader(format, source);
  ParsedArray parsed;
  parsed.shape = reader->shape();
  float block[4096];
  for (std::size_t n; (n = reader->Read(block, 4096)) != 0;) {
    parsed.values.insert(parsed.values.end(), block, block + n);
  }
  return parsed;
}

}  // namespace activation::client
