// Signed acknowledgement links (engine/ack_link.hpp, GET/POST /ack/{token}): a page's
// link opens a confirmation page and its button acknowledges for that person without a
// token; forged, altered, expired and replayed-after-resolve links are refused with a
// page that says why. A real server and client on 127.0.0.1 (tests/support/http_rig.hpp).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "base/encoding.hpp"
#include "engine/ack_link.hpp"
#include "tests/support/http_rig.hpp"

using namespace baton;
using namespace std::chrono_literals;
using test::bearer;
using test::client;
using test::compel_secrets;
using test::http_rig;

namespace {

config::ack_link_settings settings_with(std::initializer_list<std::string_view> keys) {
  config::ack_link_settings s;
  s.base_url = "https://baton.example.com";
  for (auto k : keys) {
    config::secret_digest d;
    d.sha256 = sha256(k);
    d.available = true;
    s.keys.push_back(d);
  }
  return s;
}

const timestamp t0 = *parse_iso("2026-11-23T09:00:00Z", nullptr);

// The path of the ack link in the page the engine queued for `person` on incident `id`.
std::string link_path(http_rig& r, std::int64_t id, const std::string& person) {
  auto reader = store::sqlite_store::open_reader(r.svc.db_path);
  for (const auto& n : reader->notifications(id)) {
    if (n.kind == "page" && n.person == person) {
      const auto payload = boost::json::parse(n.payload).as_object();
      const std::string url(payload.at("ack_url").as_string());
      REQUIRE(url.starts_with("http://127.0.0.1:8080/ack/"));
      CHECK_THAT(std::string(payload.at("body").as_string()), Catch::Contains("Acknowledge: " + url));
      return url.substr(std::string("http://127.0.0.1:8080").size());
    }
  }
  FAIL("no page to " << person << " for incident " << id);
  return {};
}

}  // namespace

TEST_CASE("an ack link verifies under any listed key, and not once altered, expired or signed elsewhere",
          "[http][ack_link]") {
  const auto old_key = settings_with({"old-signing-key-0123456789abcdef0123"});
  const engine::ack_claim claim{12, 31, "amara", t0 + 24h};
  const auto token = engine::sign_ack_link(old_key, claim);
  auto ok = engine::check_ack_link(old_key, token, t0);
  REQUIRE(ok.status == engine::link_status::valid);
  CHECK(ok.claim.incident_id == 12);
  CHECK(ok.claim.escalation_id == 31);
  CHECK(ok.claim.person == "amara");
  CHECK(ok.claim.expires == t0 + 24h);
  // Rotated: the new key signs, the old still verifies its links.
  const auto rotated = settings_with({"new-signing-key-0123456789abcdef0123", "old-signing-key-0123456789abcdef0123"});
  CHECK(engine::check_ack_link(rotated, token, t0).status == engine::link_status::valid);
  CHECK(engine::sign_ack_link(rotated, claim) != token);
  // Dropped from the list: no longer valid.
  const auto only_new = settings_with({"new-signing-key-0123456789abcdef0123"});
  CHECK(engine::check_ack_link(only_new, token, t0).status == engine::link_status::forged);
  // Expired at its second.
  CHECK(engine::check_ack_link(old_key, token, t0 + 24h).status == engine::link_status::expired);
  // Altered: another incident with the old signature.
  const auto dot = token.find('.');
  const auto other = engine::sign_ack_link(settings_with({"someone-elses-key-0123456789abcdef01"}),
                                           {13, 31, "amara", t0 + 24h});
  const auto spliced = other.substr(0, other.find('.')) + token.substr(dot);
  CHECK(engine::check_ack_link(old_key, spliced, t0).status == engine::link_status::forged);
  // Not a token at all.
  for (const std::string& bad : std::vector<std::string>{"", "abc", "abc.def", token.substr(0, dot) + ".",
                                                         std::string(2000, 'a') + ".b"}) {
    CHECK(engine::check_ack_link(old_key, bad, t0).status == engine::link_status::malformed);
  }
}

TEST_CASE("a page's link acknowledges without a token, and forged, expired and resolved ones are refused with a page",
          "[http][ack_link]") {
  http_rig r;
  client monitoring(r.srv.port());
  REQUIRE(monitoring
              .post("/v1/events", R"({"type":"incident","system":"credit-scoring","summary":"harm","dedup_key":"l1",)"
                                  R"("attrs":{"customer_harm":true}})")
              .result_int() == 202);
  const auto path = link_path(r, 1, "amara");
  client browser(r.srv.port(), "");  // no token: the link is the credential

  // Opening it changes nothing: a confirmation page with the button.
  auto page = browser.get(path);
  REQUIRE(page.result_int() == 200);
  CHECK(page[boost::beast::http::field::content_type] == "text/html; charset=utf-8");
  CHECK(page[boost::beast::http::field::cache_control] == "no-store");
  CHECK_THAT(page.body(), Catch::Contains("Acknowledge as Amara Okafor") && Catch::Contains("method=\"post\""));
  CHECK(r.svc.db->find_incident(1)->state == "open");

  // Altered (one character of the signature) or made up: 403 and nothing done.
  std::string altered = path;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  auto forged = browser.post(altered);
  CHECK(forged.result_int() == 403);
  CHECK_THAT(forged.body(), Catch::Contains("not valid"));
  CHECK(browser.get("/ack/not-a-token").result_int() == 404);
  CHECK(browser.send(boost::beast::http::verb::put, path).result_int() == 405);

  // The button: acknowledged as amara, the CAIO.
  auto done = browser.post(path);
  REQUIRE(done.result_int() == 200);
  CHECK_THAT(done.body(), Catch::Contains("Acknowledged") && Catch::Contains("caio"));
  bool engaged = false;
  for (const auto& e : r.svc.db->escalations(1)) {
    engaged |= e.role == "caio" && e.engaged_by == "amara";
  }
  CHECK(engaged);
  // Clicked again: nothing new.
  auto again = browser.post(path);
  CHECK(again.result_int() == 200);
  CHECK_THAT(again.body(), Catch::Contains("Already acknowledged"));

  // Resolved, then the link replayed: refused, and the page says why.
  REQUIRE(client(r.srv.port(), bearer(compel_secrets::amara)).post("/v1/incidents/1/resolve").result_int() == 200);
  auto late = browser.post(path);
  CHECK(late.result_int() == 409);
  CHECK_THAT(late.body(), Catch::Contains("Already resolved"));
  CHECK(browser.get(path).result_int() == 409);

  // A day later the link of another page has expired.
  REQUIRE(monitoring
              .post("/v1/events", R"({"type":"incident","system":"credit-scoring","summary":"harm","dedup_key":"l2",)"
                                  R"("attrs":{"customer_harm":true}})")
              .result_int() == 202);
  const auto second = link_path(r, 2, "amara");
  r.svc.clock.advance(25h);
  auto expired = browser.post(second);
  CHECK(expired.result_int() == 410);
  CHECK_THAT(expired.body(), Catch::Contains("expired"));
  CHECK(r.svc.db->find_incident(2)->state == "open");
}
