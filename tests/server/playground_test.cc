// The playground page on the HTTP port: every file of server/playground/
// served byte for byte from the binary, under a policy that lets the page
// reach this server only, and the catalogue it lists equal to ListActivations.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "compute/registry.h"
#include "server/catalogue_info.h"
#include "server/playground.h"
#include "tests/server/test_server.h"

namespace activation::server::testing {
namespace {

using nlohmann::json;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class PlaygroundTest : public ::testing::Test {
 protected:
  static ServerConfig WithHttp() {
    ServerConfig config = TestServer::Defaults();
    config.http_listen = "127.0.0.1:0";
    return config;
  }
  TestServer server_{WithHttp()};
  httplib::Client http_{"127.0.0.1", server_.server->http_port()};
};

TEST_F(PlaygroundTest, ServesEveryFileOfTheFolderFromTheBinary) {
  const std::filesystem::path folder = PLAYGROUND_SOURCE_DIR;
  std::set<std::string> embedded;
  for (std::size_t i = 0; i < kPlaygroundFileCount; ++i) embedded.insert(std::string(kPlaygroundFiles[i].name));
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name == "embed.cmake") continue;  // the build step, not a page file
    EXPECT_EQ(embedded.count(name), 1u) << name << " is in server/playground/ but not embedded (server/CMakeLists.txt)";
    auto result = http_.Get("/playground/" + name);
    ASSERT_TRUE(result) << name;
    EXPECT_EQ(result->status, 200) << name;
    EXPECT_EQ(result->body, ReadFile(entry.path())) << name;
  }
  ASSERT_EQ(embedded.count("index.html"), 1u);
}

TEST_F(PlaygroundTest, PageAtTheRootWithItsPolicy) {
  auto page = http_.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page->body, ReadFile(std::filesystem::path(PLAYGROUND_SOURCE_DIR) / "index.html"));
  const std::string policy = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("connect-src 'self'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  for (const auto& [path, type] : {std::pair{"/playground/playground.js", "text/javascript; charset=utf-8"},
                                   std::pair{"/playground/playground.css", "text/css; charset=utf-8"},
                                   std::pair{"/playground/catalogue.json", "application/json"}}) {
    auto result = http_.Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->get_header_value("Content-Type"), type) << path;
    EXPECT_EQ(result->get_header_value("Content-Security-Policy"), policy) << path;
  }
}

TEST_F(PlaygroundTest, CatalogueIsTheListActivationsAnswer) {
  auto result = http_.Get("/playground/catalogue.json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200);
  v1::ListActivationsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(result->body, &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), CatalogueResponse().SerializeAsString());

  // What the page reads: the .proto's field names, every field present.
  const json catalogue = json::parse(result->body)["activations"];
  ASSERT_EQ(catalogue.size(), Catalogue().size());
  for (std::size_t i = 0; i < catalogue.size(); ++i) {
    const Activation& a = Catalogue()[i];
    const json& info = catalogue[i];
    EXPECT_EQ(info["name"], a.name);
    EXPECT_EQ(info["formula"], a.formula);
    EXPECT_EQ(info["derivative_formula"], a.derivative_formula);
    EXPECT_EQ(info["rowwise"], a.rowwise);
    EXPECT_EQ(info["aliases"].size(), a.aliases.size());
    EXPECT_TRUE(info["accuracy"]["forward_max_ulp"].is_number()) << a.name;
    ASSERT_EQ(info["parameters"].size(), a.params.size()) << a.name;
    for (std::size_t j = 0; j < a.params.size(); ++j) {
      const json& p = info["parameters"][j];
      EXPECT_EQ(p["name"], a.params[j].name);
      EXPECT_EQ(p["range"], DescribeRange(a.params[j]));
      EXPECT_EQ(p["required"], a.params[j].required);
      EXPECT_TRUE(p["default_value"].is_number()) << a.name;
    }
  }
  // An unbounded side, as proto3 JSON writes it.
  const json& slope = catalogue[4]["parameters"][0];
  ASSERT_EQ(slope["name"], "negative_slope");
  EXPECT_EQ(slope["min"], "-Infinity");
  EXPECT_EQ(slope["max"], "Infinity");
}

TEST_F(PlaygroundTest, UnknownFileIsNotFound) {
  for (const char* path : {"/playground/nothing.js", "/playground/", "/playground/../server.cc", "/index.html"}) {
    auto result = http_.Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 404) << path;
    EXPECT_TRUE(json::parse(result->body)["error"].is_string()) << path;
  }
}

}  // namespace
}  // namespace activation::server::testing
