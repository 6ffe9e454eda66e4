// Just enough HTTP/2 to send a server hand-made (and deliberately broken)
// gRPC traffic over a plain TCP socket: the connection preface, frames, and
// a header block of literal fields (no Huffman, no indexing).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace activation::reliability::http2 {

enum FrameType : std::uint8_t { kData = 0, kHeaders = 1, kRstStream = 3, kSettings = 4, kGoaway = 7 };
enum Flags : std::uint8_t { kEndStream = 1, kAck = 1, kEndHeaders = 4 };

inline const std::string kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

inline std::string Frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, const std::string& payload,
                         std::uint32_t declared_length = UINT32_MAX) {
  const std::uint32_t length = declared_length == UINT32_MAX ? payload.size() : declared_length;
  std::string f;
  f += static_cast<char>(length >> 16);
  f += static_cast<char>(length >> 8);
  f += static_cast<char>(length);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) f += static_cast<char>((stream >> shift) & 0x7f);
  return f + payload;
}

// HPACK "literal header field without indexing, new name"; lengths < 127.
inline std::string HeaderBlock(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string block;
  for (const auto& [name, value] : fields) {
    block += '\0';
    block += static_cast<char>(name.size());
    block += name;
    block += static_cast<char>(value.size());
    block += value;
  }
  return block;
}

// The request headers of a unary call to `method` ("/pkg.Service/Method").
inline std::string GrpcRequestHeaders(std::uint32_t stream, const std::string& method, const std::string& authority) {
  return Frame(kHeaders, kEndHeaders, stream,
               HeaderBlock({{":method", "POST"},
                            {":scheme", "http"},
                            {":path", method},
                            {":authority", authority},
                            {"content-type", "application/grpc"},
                            {"te", "trailers"}}));
}

// A gRPC length-prefixed message: compressed flag, 4-byte big-endian length, bytes.
inline std::string GrpcMessage(const std::string& bytes, std::uint8_t compressed = 0,
                               std::uint32_t declared_length = UINT32_MAX) {
  const std::uint32_t length = declared_length == UINT32_MAX ? bytes.size() : declared_length;
  std::string m(1, static_cast<char>(compressed));
  for (int shift = 24; shift >= 0; shift -= 8) m += static_cast<char>((length >> shift) & 0xff);
  return m + bytes;
}

class Connection {
 public:
  explicit Connection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return connected_; }

  bool Send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // What the server sends until it closes the connection (*closed), `done`
  // says enough has arrived, or `limit` passes.
  std::string Receive(std::chrono::milliseconds limit, bool* closed,
                      const std::function<bool(const std::string&)>& done = nullptr) {
    std::string received;
    *closed = false;
    const auto until = std::chrono::steady_clock::now() + limit;
    char buffer[4096];
    while (std::chrono::steady_clock::now() < until && !(done && done(received))) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        *closed = true;
        break;
      }
      received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
  }

  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// The frames in `bytes` (server to client), as (type, flags, stream id).
struct FrameHeader {
  std::uint8_t type, flags;
  std::uint32_t stream;
};
inline std::vector<FrameHeader> ParseFrames(const std::string& bytes) {
  std::vector<FrameHeader> frames;
  std::size_t at = 0;
  while (at + 9 <= bytes.size()) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])); };
    const std::uint32_t length = byte(0) << 16 | byte(1) << 8 | byte(2);
    frames.push_back({static_cast<std::uint8_t>(byte(3)), static_cast<std::uint8_t>(byte(4)),
                      (byte(5) << 24 | byte(6) << 16 | byte(7) << 8 | byte(8)) & 0x7fffffffu});
    at += 9 + length;
  }
  return frames;
}

}  // namespace activation::reliability::http2
