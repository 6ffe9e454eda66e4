// Byte-level input and output for the array formats: a source to pull bytes
// from (a file, stdin, or a buffer in memory, which is what the fuzzers feed)
// and a sink to push bytes to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace activation::client {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into buf; returns 0 only at the end of the input.
  virtual std::size_t Read(char* buf, std::size_t n) = 0;
  // Total byte count when known in advance (regular files, buffers).
  virtual std::optional<std::uint64_t> size() const { return std::nullopt; }
  // The name used in error messages ("data.csv", "<stdin>").
  virtual const std::string& name() const = 0;
};

class MemorySource : public ByteSource {
 public:
  MemorySource(std::string_view bytes, std::string name = "<memory>")
      : bytes_(bytes), name_(std::move(name)) {}
  std::size_t Read(char* buf, std::size_t n) override;
  std::optional<std::uint64_t> size() const override { return bytes_.size(); }
  const std::string& name() const override { return name_; }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::string name_;
};

// A file, or stdin for "-". Throws std::runtime_error naming the file when it
// cannot be opened or read.
class FileSource : public ByteSource {
 public:
  explicit FileSource(const std::string& path);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::size_t Read(char* buf, std::size_t n) override;
  std::optional<std::uint64_t> size() const override { return size_; }
  const std::string& name() const override { return name_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
  std::optional<std::uint64_t> size_;
  std::string name_;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void Write(const char* data, std::size_t n) = 0;
  void Write(std::string_view s) { Write(s.data(), s.size()); }
  // Overwrites bytes already written (npy headers whose shape is known only
  // at the end). Returns false when the sink cannot seek (a pipe).
  virtual bool Patch(std::uint64_t offset, std::string_view bytes) = 0;
};

class StringSink : public ByteSink {
 public:
  using ByteSink::Write;
  void Write(const char* data, std::size_t n) override { bytes.append(data, n); }
  bool Patch(std::uint64_t offset, std::string_view b) override;
  std::string bytes;
};

// Output to a file that appears under its final name only once complete:
// bytes go to a temporary file next to it, renamed by Commit(). Destroying an
// uncommitted output removes the temporary file, so a failed run never leaves
// a partial file that looks finished. "-" (stdout) and existing non-regular
// files (/dev/null, FIFOs) are written directly.
class AtomicFileSink : public ByteSink {
 public:
  explicit AtomicFileSink(const std::string& path);
  ~AtomicFileSink() override;
  AtomicFileSink(const AtomicFileSink&) = delete;
  AtomicFileSink& operator=(const AtomicFileSink&) = delete;
  using ByteSink::Write;
  void Write(const char* data, std::size_t n) override;
  bool Patch(std::uint64_t offset, std::string_view bytes) override;
  void Commit();
  const std::string& temp_path() const { return temp_path_; }

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
  bool is_stdout_ = false;
  bool direct_ = false;
  bool committed_ = false;
};

}  // namespace activation::client
