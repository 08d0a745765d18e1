#pragma once
// The HTTP/1.1 server under `baton serve` (Boost.Beast on Asio): keep-alive, requests on
// one connection answered in order, limits on headers, bodies, time and connections.
// It knows nothing of baton: a handler answers each request, perhaps later and from
// another thread (after the engine's commit). Routes are in http/routes.hpp.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace baton::http {

struct request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent
  std::string content_type;
  std::string authorization;
  std::string idempotency_key;  // the Idempotency-Key header, if any
  /// The X-Request-Id header when the client sent a sane one (at most 128 of
  /// A-Z a-z 0-9 . _ : -), else one the server made; echoed in the answer's
  /// X-Request-Id and in log lines about it.
  std::string request_id;
  std::string body;
};

struct response {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

/// `{"error":{"code":"...","message":"..."}}` with `status`.
response error_response(unsigned status, std::string_view code, std::string_view message);

/// Answers a request by calling `done` exactly once, from any thread, now or later.
using respond = std::function<void(response)>;
using handler = std::function<void(request&&, respond done)>;

struct server_options {
  std::size_t body_limit = 10 * 1024 * 1024;  // an Alertmanager group of many alerts fits
  std::size_t header_limit = 16 * 1024;
  /// From the moment a connection waits for a request (when it opens, and after each
  /// answer) the request must arrive whole within this, else the connection is closed:
  /// a client sending a byte a second cannot hold it, nor can an idle one for long.
  std::chrono::milliseconds read_timeout{30'000};
  std::size_t max_connections = 10'000;
  unsigned threads = 2;
  /// Told of every answer the server gives itself, before any handler sees the request
  /// (400 not HTTP, 413 body too large, 431 headers too large), with the request id it
  /// carries; called on a server thread, so it must be quick and thread-safe.
  std::function<void(const response&, const std::string& request_id)> on_refused;
};

class server {
 public:
  /// Listens on `host`:`port` (port 0: any free one). Throws std::runtime_error naming
  /// the address when it cannot.
  server(const std::string& host, std::uint16_t port, handler h, server_options o = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  std::uint16_t port() const noexcept;
  /// Starts the server threads.
  void start();
  /// Stops accepting connections; those open are served on (the first step of a
  /// graceful stop).
  void stop_accepting();
  /// Waits until every request handed to the handler has had its answer written (or
  /// its connection closed), at most `limit`. True when none is left.
  bool drain(std::chrono::milliseconds limit);
  /// Stops accepting, closes every connection and ends the threads. Answers not yet
  /// given are dropped (the sender retries; what was committed stays committed). A
  /// handler may still call `done` after stop() but not after the server is destroyed:
  /// stop what answers (the engine service) first.
  void stop();
  std::size_t connections() const noexcept;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
  std::vector<std::thread> threads_;
};

}  // namespace baton::http
