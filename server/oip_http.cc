#include "server/oip_http.h"

#include <utility>

#include <httplib.h>

#include "compute/client_text.h"
#include "server/config.h"
#include "server/oip_rest.h"
#include "server/playground.h"

namespace activation::server {
namespace {

constexpr std::string_view kService = "inference.REST";
constexpr MethodName kServerLive{kService, "ServerLive"};
constexpr MethodName kServerReady{kService, "ServerReady"};
constexpr MethodName kServerMetadata{kService, "ServerMetadata"};
constexpr MethodName kModelReady{kService, "ModelReady"};
constexpr MethodName kModelMetadata{kService, "ModelMetadata"};
constexpr MethodName kModelInfer{kService, "ModelInfer"};

constexpr std::size_t kHttpThreads = 64;

// The call of the request this thread is serving: started by the handler,
// ended by the logger once the response has been written, so the memory
// budget covers the response until it is on the wire.
thread_local std::unique_ptr<Call> t_call;

// Starts this request's call on this thread; a refusal is answered at once.
absl::Status StartCall(CallTracker& calls, const MethodName& method, std::string_view model,
                       const httplib::Request& req) {
  t_call = std::make_unique<Call>();
  absl::Status status = calls.Start(method, t_call.get());
  t_call->Received(model, req.body.size());
  return status;
}

void Send(HttpAnswer answer, httplib::Response& res) {
  res.status = answer.status;
  if (!answer.header_length.empty()) res.set_header(kInferenceHeaderLength, answer.header_length);
  res.set_content(std::move(answer.body), answer.content_type);
  if (answer.status == 200) t_call->Served(answer.elements, res.body.size(), answer.dtype);
}

std::string_view Match(const httplib::Request& req, std::size_t i) {
  return i < req.matches.size() && req.matches[i].matched
             ? std::string_view(&*req.matches[i].first, static_cast<std::size_t>(req.matches[i].length()))
             : std::string_view();
}

}  // namespace

std::unique_ptr<HttpFrontEnd> HttpFrontEnd::Start(const std::string& listen, const TlsFiles& tls, CallTracker* calls,
                                                  std::size_t max_message_bytes, std::string* error) {
  std::unique_ptr<HttpFrontEnd> front(new HttpFrontEnd);
  if (tls.cert.empty()) {
    front->http_ = std::make_unique<httplib::Server>();
  } else {
    front->http_ = std::make_unique<httplib::SSLServer>(tls.cert.c_str(), tls.key.c_str(),
                                                        tls.client_ca.empty() ? nullptr : tls.client_ca.c_str());
  }
  httplib::Server& http = *front->http_;
  if (!http.is_valid()) {
    *error = "--http-listen: cannot set up HTTPS with --tls-cert/--tls-key";
    return nullptr;
  }
  http.set_payload_max_length(max_message_bytes);
  http.set_keep_alive_max_count(1000);
  // A keep-alive connection holds one of these threads while it is open, so
  // there are enough for many clients; admission still bounds the calls.
  http.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };

  // Every endpoint: admitted and observed first (a refusal is its answer).
  auto serve = [calls](const MethodName& method, bool names_model, auto answer) {
    return [calls, method, names_model, answer](const httplib::Request& req, httplib::Response& res) {
      const absl::Status admitted = StartCall(*calls, method, names_model ? Match(req, 1) : "", req);
      Send(admitted.ok() ? answer(req) : ErrorAnswer(admitted), res);
    };
  };
  http.Get("/v2/health/live", serve(kServerLive, false, [](const httplib::Request&) { return LiveAnswer(); }));
  // Admitted means ready: while draining, admission answers 503.
  http.Get("/v2/health/ready", serve(kServerReady, false, [](const httplib::Request&) { return ReadyAnswer(); }));
  http.Get("/v2", serve(kServerMetadata, false, [](const httplib::Request&) { return ServerMetadataAnswer(); }));
  const std::string model_path = R"(/v2/models/([^/]+)(?:/versions/([^/]+))?)";
  http.Get(model_path + "/ready", serve(kModelReady, true, [](const httplib::Request& req) {
             return ModelReadyAnswer(Match(req, 1), Match(req, 2));
           }));
  http.Get(model_path, serve(kModelMetadata, true, [](const httplib::Request& req) {
             return ModelMetadataAnswer(Match(req, 1), Match(req, 2));
           }));
  http.Post(model_path + "/infer", [calls, max_message_bytes](const httplib::Request& req, httplib::Response& res) {
    absl::Status admitted = StartCall(*calls, kModelInfer, Match(req, 1), req);
    // The body, the floats decoded from it and up to two outputs.
    if (admitted.ok()) admitted = t_call->Reserve(3 * static_cast<std::uint64_t>(req.body.size()));
    if (!admitted.ok()) return Send(ErrorAnswer(admitted), res);
    const std::string header = req.get_header_value(kInferenceHeaderLength);
    Send(ServeInfer(req.body, req.has_header(kInferenceHeaderLength) ? &header : nullptr, Match(req, 1),
                    Match(req, 2), max_message_bytes),
         res);
  });
  ServePlayground(http);
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const absl::Status what =
        res.status == 404   ? absl::NotFoundError("not found: " + req.method + " " + ClientText(req.path))
        : res.status == 413 ? absl::ResourceExhaustedError("request body exceeds the server's --max-message-bytes")
                            : absl::UnknownError("HTTP status " + std::to_string(res.status));
    HttpAnswer answer = ErrorAnswer(what);
    res.set_content(std::move(answer.body), answer.content_type);  // keeps httplib's status
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    HttpAnswer answer = ErrorAnswer(absl::InternalError("internal error"));
    res.status = answer.status;
    res.set_content(std::move(answer.body), answer.content_type);
  });
  http.set_logger([calls](const httplib::Request& req, const httplib::Response& res) {
    std::unique_ptr<Call> call = std::move(t_call);
    if (call == nullptr && res.status == 404) {
      // A path no endpoint serves: counted under the fixed "unknown" labels.
      call = std::make_unique<Call>();
      calls->Start(kUnknownMethod, call.get()).IgnoreError();
      call->Received({}, req.body.size());
    }
    if (call == nullptr) return;
    const absl::StatusCode code = StatusCodeOf(res.status);
    std::string message;
    if (code != absl::StatusCode::kOk) message = res.body.substr(0, 512);
    call->End(code, message, req.remote_addr + ":" + std::to_string(req.remote_port));
  });
  std::string host;
  int port = 0;
  SplitHostPort(listen, &host, &port);
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  front->port_ = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (front->port_ <= 0) {
    *error = "--http-listen: cannot listen on " + listen + " (address in use, or not a local address?)";
    return nullptr;
  }
  front->thread_ = std::thread([&http] { http.listen_after_bind(); });
  return front;
}

void HttpFrontEnd::Stop() {
  if (http_ != nullptr) http_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpFrontEnd::~HttpFrontEnd() { Stop(); }

}  // namespace activation::server
