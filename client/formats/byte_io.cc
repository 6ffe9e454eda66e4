#include "client/formats/byte_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace activation::client {
namespace {

std::runtime_error IoError(const std::string& what, const std::string& name) {
  return std::runtime_error(name + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

std::size_t MemorySource::Read(char* buf, std::size_t n) {
  const std::size_t k = std::min(n, bytes_.size() - pos_);
  if (k == 0) return 0;  // an empty view's data() may be null
  std::memcpy(buf, bytes_.data() + pos_, k);
  pos_ += k;
  return k;
}

FileSource::FileSource(const std::string& path) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
    name_ = "<stdin>";
  } else {
    name_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IoError("cannot open", name_);
    owned_ = true;
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) size_ = static_cast<std::uint64_t>(st.st_size);
  if (owned_ && ::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    throw IoError("cannot read", name_);
  }
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
}

FileSource::~FileSource() {
  if (owned_) ::close(fd_);
}

std::size_t FileSource::Read(char* buf, std::size_t n) {
  for (;;) {
    const ssize_t k = ::read(fd_, buf, n);
    if (k >= 0) return static_cast<std::size_t>(k);
    if (errno != EINTR) throw IoError("cannot read", name_);
  }
}

bool StringSink::Patch(std::uint64_t offset, std::string_view b) {
  if (offset + b.size() > bytes.size()) return false;
  bytes.replace(offset, b.size(), b);
  return true;
}

AtomicFileSink::AtomicFileSink(const std::string& path) : path_(path) {
  if (path == "-") {
    is_stdout_ = true;
    file_ = stdout;
    return;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A device or a pipe (/dev/null, a FIFO): nothing to rename; write through.
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) throw IoError("cannot open", path);
    direct_ = true;
    return;
  }
  temp_path_ = path + ".partial-XXXXXX";
  const int fd = ::mkstemp(temp_path_.data());
  if (fd < 0) throw IoError("cannot create a temporary file next to it", path);
  ::fchmod(fd, 0644);
  file_ = ::fdopen(fd, "wb");
  if (file_ == nullptr) {
    ::close(fd);
    ::unlink(temp_path_.c_str());
    throw IoError("cannot open", temp_path_);
  }
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AtomicFileSink::~AtomicFileSink() {
  if (is_stdout_) {
    std::fflush(stdout);
    return;
  }
  if (direct_) {
    if (!committed_) std::fclose(file_);
    return;
  }
  if (!committed_) {
    std::fclose(file_);
    ::unlink(temp_path_.c_str());
  }
}

void AtomicFileSink::Write(const char* data, std::size_t n) {
  if (n != 0 && std::fwrite(data, 1, n, file_) != n) {
    throw IoError("cannot write", is_stdout_ ? "<stdout>" : path_);
  }
}

bool AtomicFileSink::Patch(std::uint64_t offset, std::string_view bytes) {
  if (is_stdout_ || direct_) return false;
  const off_t end = ::ftello(file_);
  if (::fseeko(file_, static_cast<off_t>(offset), SEEK_SET) != 0) return false;
  Write(bytes.data(), bytes.size());
  return ::fseeko(file_, end, SEEK_SET) == 0;
}

void AtomicFileSink::Commit() {
  if (is_stdout_) {
    if (std::fflush(stdout) != 0) throw IoError("cannot write", "<stdout>");
    return;
  }
  if (std::fflush(file_) != 0) throw IoError("cannot write", path_);
  if (direct_) {
    committed_ = true;
    if (std::fclose(file_) != 0) throw IoError("cannot write", path_);
    return;
  }
  if (std::fclose(file_) != 0) {
    committed_ = true;  // the stream is gone either way
    ::unlink(temp_path_.c_str());
    throw IoError("cannot write", path_);
  }
  committed_ = true;
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    ::unlink(temp_path_.c_str());
    throw IoError("cannot rename the finished output to", path_);
  }
}

}  // namespace activation::client
