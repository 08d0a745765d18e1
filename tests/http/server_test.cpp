// The HTTP server and routes (http/server.hpp, http/routes.hpp): a real server on
// 127.0.0.1 on an ephemeral port, a real HTTP client (Beast, synchronous), the engine
// service on a real SQLite file behind it. Every wait is bounded.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "tests/support/http_rig.hpp"

using namespace baton;
namespace bhttp = boost::beast::http;

namespace {

using test::client;
using test::code_of;
using test::http_rig;
using test::json_of;

const std::string event_body =
    R"({"type":"anomaly","system":"credit-scoring","severity":"high","summary":"drift","dedup_key":"k1"})";

// The monitoring integration's Authorization header line, for raw requests.
std::string c_auth() { return std::string("Authorization: Bearer ") + test::compel_secrets::monitoring + "\r\n"; }

// Holds the engine thread between two batches until release(), so that operations
// queue behind it.
class engine_held {
 public:
  explicit engine_held(service::engine_service& svc)
      : holder_([&svc, this] {
          svc.with_engine([this](engine::engine&) {
            holding_.set_value();
            released_.get_future().wait();
          });
        }) {
    holding_.get_future().wait();
  }
  ~engine_held() { release(); }
  void release() {
    if (holder_.joinable()) {
      released_.set_value();
      holder_.join();
    }
  }

 private:
  std::promise<void> holding_;
  std::promise<void> released_;
  std::thread holder_;
};

// Waits (bounded) until the server holds `n` connections.
bool connections_become(const http::server& srv, std::size_t n) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (srv.connections() != n && std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
  return srv.connections() == n;
}

}  // namespace

TEST_CASE("an event posted is answered 202 once committed, and joins its open incident", "[http]") {
  http_rig r;
  client c(r.srv.port());
  auto first = c.send(bhttp::verb::post, "/v1/events", event_body);
  REQUIRE(first.result_int() == 202);
  CHECK(first[bhttp::field::content_type] == "application/json");
  auto o = json_of(first);
  CHECK(o.at("incident").as_int64() == 1);
  CHECK(o.at("created").as_bool());
  // On disk already: another connection to the file sees it.
  auto reader = store::sqlite_store::open_read_only(r.svc.db_path);
  CHECK(reader->find_incident(1).has_value());
  // The same key on the same keep-alive connection: deduplicated.
  auto second = c.send(bhttp::verb::post, "/v1/events", event_body);
  REQUIRE(second.result_int() == 202);
  CHECK(json_of(second).at("incident").as_int64() == 1);
  CHECK_FALSE(json_of(second).at("created").as_bool());
}

TEST_CASE("a request repeated with its Idempotency-Key gets the first answer and changes nothing", "[http]") {
  http_rig r;
  client c(r.srv.port());
  auto a = c.send(bhttp::verb::post, "/v1/events", event_body, "application/json", "retry-1");
  auto b = c.send(bhttp::verb::post, "/v1/events", event_body, "application/json", "retry-1");
  REQUIRE(a.result_int() == 202);
  REQUIRE(b.result_int() == 202);
  CHECK_FALSE(json_of(a).at("replayed").as_bool());
  CHECK(json_of(b).at("replayed").as_bool());
  CHECK(r.svc.db->find_incident(1)->event_count == 1);
}

TEST_CASE("bad requests are answered with a JSON error and never reach the engine", "[http]") {
  http::server_options o;
  o.body_limit = 4096;
  http_rig r(o);
  client c(r.srv.port());
  auto malformed = c.send(bhttp::verb::post, "/v1/events", R"({"type":)");
  CHECK(malformed.result_int() == 400);
  CHECK(code_of(malformed) == "malformed_json");
  auto media = c.send(bhttp::verb::post, "/v1/events", event_body, "text/plain");
  CHECK(media.result_int() == 415);
  auto not_object = c.send(bhttp::verb::post, "/v1/events", "[1,2]");
  CHECK(not_object.result_int() == 422);
  auto typo = c.send(bhttp::verb::post, "/v1/events", R"({"type":"anomaly","dedupkey":"x"})");
  CHECK(typo.result_int() == 422);
  CHECK(code_of(typo) == "invalid_event");
  CHECK_THAT(json_of(typo).at("error").at("message").as_string().c_str(), Catch::Contains("unknown field \"dedupkey\""));
  auto wrong_type = c.send(bhttp::verb::post, "/v1/events", R"({"type":7})");
  CHECK(wrong_type.result_int() == 422);
  auto no_type = c.send(bhttp::verb::post, "/v1/events", R"({"system":"credit-scoring"})");
  CHECK(no_type.result_int() == 422);
  auto method = c.send(bhttp::verb::get, "/v1/events");
  CHECK(method.result_int() == 405);
  CHECK(method[bhttp::field::allow] == "POST");
  auto missing = c.send(bhttp::verb::get, "/v2/nothing");
  CHECK(missing.result_int() == 404);
  // None of it reached the engine: no incident, no log record but the config load.
  CHECK(r.svc.db->incidents(false).empty());
  // Too large: 413, and the connection is closed (the rest of the body is not read).
  const std::string huge = R"({"type":"anomaly","summary":")" + std::string(8000, 'x') + R"("})";
  auto big = c.send(bhttp::verb::post, "/v1/events", huge);
  CHECK(big.result_int() == 413);
  CHECK(code_of(big) == "body_too_large");
}

TEST_CASE("health and readiness", "[http]") {
  http_rig r;
  client c(r.srv.port());
  CHECK(c.send(bhttp::verb::get, "/healthz").result_int() == 200);
  auto ready = c.send(bhttp::verb::get, "/readyz");
  CHECK(ready.result_int() == 200);
  CHECK(json_of(ready).at("status").as_string() == "ready");
}

TEST_CASE("a connection the client ends, whole or half, is closed and forgotten", "[http]") {
  http_rig r;
  {
    client idle(r.srv.port());
    REQUIRE(connections_become(r.srv, 1));
  }  // closed without a request
  CHECK(connections_become(r.srv, 0));
  client half(r.srv.port());
  half.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  half.shutdown_send();  // half-closed: the answer still comes, then the server closes
  auto res = half.receive();
  CHECK(res.result_int() == 200);
  CHECK(half.closed_by_server());
  CHECK(connections_become(r.srv, 0));
}

TEST_CASE("a slow client holds up nobody, and is cut off at the read timeout", "[http]") {
  http::server_options o;
  o.read_timeout = std::chrono::milliseconds{300};
  http_rig r(o);
  client slow(r.srv.port());
  slow.write_raw("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                 c_auth() + "Content-Length: 100\r\n\r\n{");
  client quick(r.srv.port());
  CHECK(quick.send(bhttp::verb::post, "/v1/events", event_body).result_int() == 202);
  // The slow request never completes: the server closes it once its time is up.
  CHECK(slow.closed_by_server());
}

TEST_CASE("requests pipelined on one connection are answered in order", "[http]") {
  http_rig r;
  client c(r.srv.port());
  std::string pipelined;
  for (int i = 0; i < 3; ++i) {
    const std::string body = R"({"type":"anomaly","system":"credit-scoring","dedup_key":"p)" + std::to_string(i) +
                             R"("})";
    pipelined += "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + c_auth() +
                 "Content-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  c.write_raw(pipelined);
  for (std::int64_t i = 1; i <= 3; ++i) {
    auto res = c.receive();
    REQUIRE(res.result_int() == 202);
    CHECK(json_of(res).at("incident").as_int64() == i);
  }
}

TEST_CASE("a full queue is answered 503 with Retry-After, never a 4xx, and the queued requests still commit",
          "[http]") {
  service::engine_service::options so;
  so.queue_capacity = 2;
  http_rig r({}, so);
  // Hold the engine thread between batches, so requests queue behind it.
  engine_held held(*r.svc.svc);
  client a(r.srv.port());
  client b(r.srv.port());
  const auto body = [](int i) {
    return R"({"type":"anomaly","system":"credit-scoring","dedup_key":"q)" + std::to_string(i) + R"("})";
  };
  const auto raw = [&](const std::string& text) {
    return "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + c_auth() +
           "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
  };
  a.write_raw(raw(body(1)));
  b.write_raw(raw(body(2)));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (r.svc.svc->snapshot().queued < 2 && std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
  REQUIRE(r.svc.svc->snapshot().queued == 2);
  client c(r.srv.port());
  auto full = c.post("/v1/events", body(3));
  CHECK(full.result_int() == 503);
  CHECK(full[bhttp::field::retry_after] == "1");
  CHECK(code_of(full) == "unavailable");
  // An Alertmanager group is queued whole or not at all.
  client am(r.srv.port(), test::bearer(test::compel_secrets::alertmanager));
  auto group = am.post("/v1/integrations/alertmanager",
                       R"({"version":"4","alerts":[{"status":"firing","fingerprint":"f1","labels":{}}]})");
  CHECK(group.result_int() == 503);
  held.release();
  CHECK(a.receive().result_int() == 202);
  CHECK(b.receive().result_int() == 202);
  CHECK(r.svc.svc->snapshot().refused == 2);
  auto after = c.post("/v1/events", body(3));
  CHECK(after.result_int() == 202);
}

TEST_CASE("a graceful stop refuses new connections but commits and answers the requests already queued", "[http]") {
  http_rig r;
  engine_held held(*r.svc.svc);
  client a(r.srv.port());
  const std::string body = R"({"type":"anomaly","system":"credit-scoring","dedup_key":"g1"})";
  a.write_raw("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + c_auth() +
              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (r.svc.svc->snapshot().queued < 1 && std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
  REQUIRE(r.svc.svc->snapshot().queued == 1);
  // As baton serve stops on SIGTERM.
  r.srv.stop_accepting();
  held.release();
  r.svc.svc->stop();
  CHECK(r.srv.drain(std::chrono::seconds{10}));
  auto answered = a.receive();
  CHECK(answered.result_int() == 202);
  CHECK(r.svc.db->find_incident(1).has_value());
  // A new connection is no longer accepted.
  bool refused = false;
  try {
    client late(r.srv.port());
    late.post("/v1/events", body);
  } catch (const std::exception&) {
    refused = true;
  }
  CHECK(refused);
}
