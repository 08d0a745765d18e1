#pragma once
// The HTTP API as a client sees it: the service rig (engine service on the reference
// organisation, a real SQLite file) behind a real server on 127.0.0.1 on an ephemeral
// port, and a real HTTP client (Beast, synchronous, keep-alive). Every wait is bounded.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <string>

#include "http/routes.hpp"
#include "http/server.hpp"
#include "tests/support/service_rig.hpp"

namespace baton::test {

using http_response = boost::beast::http::response<boost::beast::http::string_body>;

inline std::string bearer(std::string_view token) { return "Bearer " + std::string(token); }

// One keep-alive connection to the server, sending `authorization` with every request
// (the monitoring integration's token unless changed; "" for none).
class client {
 public:
  explicit client(std::uint16_t port, std::string auth = bearer(compel_secrets::monitoring))
      : authorization(std::move(auth)), socket_(ioc_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  http_response send(boost::beast::http::verb method, const std::string& target, const std::string& body = "",
                     const std::string& content_type = "application/json", const std::string& idempotency_key = "") {
    namespace bhttp = boost::beast::http;
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!body.empty()) {
      req.set(bhttp::field::content_type, content_type);
    }
    if (!authorization.empty()) {
      req.set(bhttp::field::authorization, authorization);
    }
    if (!idempotency_key.empty()) {
      req.set("Idempotency-Key", idempotency_key);
    }
    req.body() = body;
    req.prepare_payload();
    bhttp::write(socket_, req);
    return receive();
  }
  http_response post(const std::string& target, const std::string& body = "") {
    return send(boost::beast::http::verb::post, target, body);
  }
  http_response get(const std::string& target) { return send(boost::beast::http::verb::get, target); }

  http_response receive() {
    namespace bhttp = boost::beast::http;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }

  void write_raw(std::string_view bytes) {
    boost::asio::write(socket_, boost::asio::buffer(bytes.data(), bytes.size()));
  }
  void shutdown_send() { socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send); }
  /// True when the server has closed the connection (a read ends at end of stream).
  bool closed_by_server() {
    boost::beast::error_code ec;
    char byte = 0;
    socket_.read_some(boost::asio::buffer(&byte, 1), ec);
    return ec == boost::asio::error::eof;
  }

  std::string authorization;

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

inline boost::json::object json_of(const http_response& r) { return boost::json::parse(r.body()).as_object(); }

inline std::string code_of(const http_response& r) {
  return std::string(json_of(r).at("error").at("code").as_string());
}

struct http_rig {
  explicit http_rig(http::server_options o = {}, service::engine_service::options so = {})
      : svc(with_metrics(so, metrics)),
        reads([path = svc.db_path] { return store::sqlite_store::open_reader(path); }),
        api(*svc.svc, svc.clock, reads, svc.org,
            [this](boost::json::object line) {
              std::lock_guard lock(log_mu);
              log.push_back(std::move(line));
            },
            &metrics),
        srv("127.0.0.1", 0, api.routes(), with_refusals(std::move(o), api)) {
    api.serving(srv);
    srv.start();
  }
  ~http_rig() {
    srv.stop();
    svc.svc->stop();
  }
  std::vector<boost::json::object> log_lines() {
    std::lock_guard lock(log_mu);
    return log;
  }

  // As baton serve wires it: the server's own refusals are counted and logged.
  static http::server_options with_refusals(http::server_options o, const http::api& a) {
    o.on_refused = [&a](const http::response& out, const std::string& id) { a.refused(out, id); };
    return o;
  }

  static service::engine_service::options with_metrics(service::engine_service::options so,
                                                       service::service_metrics& m) {
    so.metrics = &m;
    return so;
  }

  service::service_metrics metrics;  // before svc: the service counts into it
  service_rig svc;
  std::mutex log_mu;
  std::vector<boost::json::object> log;
  http::read_pool reads;
  http::api api;
  http::server srv;
};

}  // namespace baton::test
