#include "client/batch/batch.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "client/batch/progress.h"

namespace activation::client {
namespace {

// Reads up to `n` elements (all of them when n is 0) into `out`, in the
// reader's dtype.
std::size_t ReadUpTo(ArrayReader& reader, Elements& out, std::size_t n) {
  out.set_dtype(reader.dtype());
  const std::size_t block = n == 0 ? std::size_t{1} << 16 : n;
  std::size_t got = 0;
  for (;;) {
    out.resize(got + block);  // a recycled chunk already has the size: no zero-filling
    std::size_t k = 0;
    while (got < out.size() && (k = reader.Read(out.bytes() + got * out.element_bytes(), out.size() - got)) != 0) {
      got += k;
    }
    if (n != 0 || k == 0) break;
  }
  out.resize(got);
  return got;
}

// Results in input order, with at most `limit` chunks between Submit and
// Write; the first error wins and stops everything.
class OrderedWindow {
 public:
  explicit OrderedWindow(std::size_t limit) : limit_(limit) {}

  // Blocks until a chunk may enter; false once failed.
  bool Enter() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return in_window_ < limit_ || !error_.empty(); });
    if (!error_.empty()) return false;
    ++in_window_;
    return true;
  }
  void Done(std::unique_ptr<Chunk> chunk) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      finished_[chunk->seq] = std::move(chunk);
    }
    changed_.notify_all();
  }
  void Fail(const std::string& message) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (error_.empty()) error_ = message.empty() ? "failed" : message;
    }
    changed_.notify_all();
  }
  void EndOfInput(std::uint64_t total) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      total_ = total;
    }
    changed_.notify_all();
  }
  // The next chunk in order; null at the end or after a failure.
  std::unique_ptr<Chunk> Next() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] {
      return !error_.empty() || finished_.count(next_) != 0 || (total_ && next_ == *total_);
    });
    if (!error_.empty() || finished_.count(next_) == 0) return nullptr;
    auto it = finished_.find(next_++);
    std::unique_ptr<Chunk> chunk = std::move(it->second);
    finished_.erase(it);
    return chunk;
  }
  // A written chunk leaves the window; its buffers serve the next read, so
  // that steady state allocates (and page-faults) nothing.
  void Leave(std::unique_ptr<Chunk> spent) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --in_window_;
      if (spent) spare_.push_back(std::move(spent));
    }
    changed_.notify_all();
  }
  std::unique_ptr<Chunk> Recycled() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (spare_.empty()) return std::make_unique<Chunk>();
    std::unique_ptr<Chunk> chunk = std::move(spare_.back());
    spare_.pop_back();
    return chunk;
  }
  std::string error() {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t limit_;
  std::size_t in_window_ = 0;
  std::map<std::uint64_t, std::unique_ptr<Chunk>> finished_;
  std::uint64_t next_ = 0;
  std::optional<std::uint64_t> total_;
  std::string error_;
  std::vector<std::unique_ptr<Chunk>> spare_;
};

}  // namespace

BatchResult RunBatch(const Job& job, ArrayReader& input, ArrayReader* grad_output, Transport& transport,
                     ArrayWriter& writer, const BatchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::size_t row = 0;
  std::size_t chunk_elements = std::max<std::size_t>(options.chunk, 1);
  if (options.rowwise) {
    input.RequireUniformRows();
    row = options.row_length ? options.row_length : input.row_length();
    // Without rows in the input, the whole input is one row: one chunk.
    chunk_elements = row == 0 ? 0 : std::max<std::size_t>(1, chunk_elements / row) * row;
  }

  OrderedWindow window(std::max<std::size_t>(options.inflight, 1));
  BatchResult result;
  Progress progress(options.progress, input.count());
  transport.Start([&](std::unique_ptr<Chunk> c) { window.Done(std::move(c)); },
                  [&](const std::string& m) { window.Fail(m); });

  std::thread write_thread([&] {
    Elements pairs(job.dtype);
    try {
      while (std::unique_ptr<Chunk> chunk = window.Next()) {
        if (options.verifier != nullptr) {
          Chunk local;
          local.input = chunk->input;
          local.grad_output = chunk->grad_output;
          local.row_length = chunk->row_length;
          options.verifier->Run(local);
          options.verify_policy.Compare(chunk->result, local.result, &result.mismatches, &result.max_abs_diff);
          options.verify_policy.Compare(chunk->output, local.output, &result.mismatches, &result.max_abs_diff);
        }
        if (job.gradient() && job.include_output) {
          const std::size_t size = pairs.element_bytes();
          pairs.resize(chunk->result.size() * 2);
          for (std::size_t i = 0; i < chunk->result.size(); ++i) {
            std::memcpy(pairs.bytes() + 2 * i * size, chunk->output.bytes() + i * size, size);
            std::memcpy(pairs.bytes() + (2 * i + 1) * size, chunk->result.bytes() + i * size, size);
          }
          writer.Write(pairs.data(), pairs.size());
        } else {
          writer.Write(chunk->result.data(), chunk->result.size());
        }
        result.elements += chunk->input.size();
        progress.Update(result.elements);
        window.Leave(std::move(chunk));
      }
    } catch (const std::exception& e) {
      window.Fail(e.what());
    }
  });

  std::uint64_t seq = 0;
  try {
    while (window.Enter()) {
      std::unique_ptr<Chunk> chunk = window.Recycled();
      const std::size_t n = ReadUpTo(input, chunk->input, chunk_elements);
      if (n == 0) {
        window.Leave(std::move(chunk));
        break;
      }
      if (options.rowwise) {
        chunk->row_length = row == 0 ? n : row;
        if (n % chunk->row_length != 0) {
          throw FormatError("the input ends inside a row: " + std::to_string(n % chunk->row_length) +
                            " elements after the last whole row of " + std::to_string(chunk->row_length));
        }
      }
      if (job.mode == Mode::kVjp) {
        if (ReadUpTo(*grad_output, chunk->grad_output, n) != n) {
          throw FormatError("--grad-output has fewer elements than the input");
        }
      }
      chunk->seq = seq++;
      transport.Submit(std::move(chunk));
      if (chunk_elements == 0) break;  // the whole input went in one chunk
    }
    if (job.mode == Mode::kVjp && window.error().empty()) {
      double extra;  // room for one element of any dtype
      if (grad_output->Read(&extra, 1) != 0) throw FormatError("--grad-output has more elements than the input");
    }
  } catch (const std::exception& e) {
    window.Fail(e.what());
  }
  window.EndOfInput(seq);
  transport.Close();
  write_thread.join();
  progress.Finish();
  if (std::string error = window.error(); !error.empty()) throw std::runtime_error(error);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace activation::client
