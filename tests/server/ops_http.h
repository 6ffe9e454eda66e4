// A minimal HTTP GET over loopback and a reader of Prometheus text samples,
// so the metrics tests check what a real scrape returns.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

namespace activation::server::testing {

// The whole response (status line, headers, body); empty on connect failure.
inline std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  return response;
}

// The value of sample `name` whose label set is exactly `labels`; NaN if absent.
inline double Sample(const std::string& text, const std::string& name,
                     const std::map<std::string, std::string>& labels = {}) {
  std::string wanted = name;
  if (!labels.empty()) {
    wanted += '{';
    bool first = true;
    for (const auto& [key, value] : labels) {  // prometheus-cpp writes labels sorted, like std::map
      wanted += (first ? "" : ",") + key + "=\"" + value + "\"";
      first = false;
    }
    wanted += '}';
  }
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, wanted.size() + 1, wanted + " ") == 0) return std::stod(line.substr(wanted.size() + 1));
  }
  return std::nan("");
}

}  // namespace activation::server::testing
