// Who a request authenticates as: bearer and basic auth against the configuration's
// token digests, and the encodings underneath.
#include <catch2/catch.hpp>

#include <memory>

#include "base/encoding.hpp"
#include "http/auth.hpp"

namespace {

using baton::http::credentials;

std::shared_ptr<const baton::config::organisation> org_with_tokens() {
  auto org = std::make_shared<baton::config::organisation>();
  baton::config::integration prom;
  prom.id = "prometheus";
  prom.format = baton::config::ingest_format::alertmanager;
  prom.token = {baton::sha256("prometheus-secret-0001"), true};
  org->integrations.push_back(prom);
  baton::config::integration pd;
  pd.id = "legacy";
  pd.format = baton::config::ingest_format::pagerduty;
  pd.routing_key = {baton::sha256("0123456789abcdef0123456789abcdef"), true};
  org->integrations.push_back(pd);
  baton::config::api_token ana;
  ana.id = "ana-cli";
  ana.people = {"ana"};
  ana.token = {baton::sha256("ana-personal-token-1"), true};
  org->api_tokens.push_back(ana);
  return org;
}

}  // namespace

TEST_CASE("base64 and SHA-256 match their published vectors", "[http]") {
  CHECK(baton::base64_encode("foobar") == "Zm9vYmFy");
  CHECK(baton::base64_encode("fooba") == "Zm9vYmE=");
  CHECK(baton::base64_encode("foob") == "Zm9vYg==");
  CHECK(baton::base64_encode("\xfb\xff", true) == "-_8");
  CHECK(baton::base64_decode("Zm9vYg==") == std::optional<std::string>("foob"));
  CHECK(baton::base64_decode("-_8") == std::optional<std::string>("\xfb\xff"));
  CHECK_FALSE(baton::base64_decode("Zm9v YQ=="));
  CHECK_FALSE(baton::base64_decode("Z"));
  CHECK(baton::to_hex(baton::sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231, test cases 2, 1 and 6 (a key longer than a block), then an empty key and
  // case 2 again: each call uses its own key, never the previous one's.
  CHECK(baton::to_hex(baton::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(baton::to_hex(baton::hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(baton::to_hex(baton::hmac_sha256(std::string(131, '\xaa'),
                                         "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(baton::to_hex(baton::hmac_sha256({}, {})) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  CHECK(baton::to_hex(baton::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("a bearer token or basic auth names its integration or person", "[http]") {
  credentials a(org_with_tokens());
  auto prom = a.authenticate("Bearer prometheus-secret-0001");
  REQUIRE(prom);
  CHECK(prom->actor() == "integration:prometheus");
  auto ana = a.authenticate("bearer   ana-personal-token-1 ");
  REQUIRE(ana);
  CHECK(ana->actor() == "person:ana");
  auto basic = a.authenticate("Basic " + baton::base64_encode("prometheus:prometheus-secret-0001"));
  REQUIRE(basic);
  CHECK(basic->integration->id == "prometheus");
  CHECK(a.by_routing_key("0123456789abcdef0123456789abcdef")->id == "legacy");
  CHECK(a.by_routing_key("0123456789abcdef0123456789abcdee") == nullptr);
}

TEST_CASE("missing, malformed and wrong credentials are a 401 that says which", "[http]") {
  credentials a(org_with_tokens());
  auto status_of = [&](std::string_view header) {
    auto r = a.authenticate(header);
    REQUIRE_FALSE(r);
    CHECK(r.error().headers.at(0).first == "WWW-Authenticate");
    return std::pair{r.error().status, r.error().body};
  };
  CHECK(status_of("").first == 401);
  CHECK_THAT(status_of("").second, Catch::Contains("needs a token"));
  CHECK_THAT(status_of("Token abc").second, Catch::Contains("Bearer TOKEN or Basic"));
  CHECK_THAT(status_of("Bearer wrong-token-000000").second, Catch::Contains("unknown token"));
  CHECK_THAT(status_of("Basic !!!").second, Catch::Contains("base64 of user:password"));
  // The right password under another user name is refused like a wrong one.
  CHECK_THAT(status_of("Basic " + baton::base64_encode("ana-cli:prometheus-secret-0001")).second,
             Catch::Contains("unknown token"));
  // The routing key is no bearer token.
  CHECK_THAT(status_of("Bearer 0123456789abcdef0123456789abcdef").second, Catch::Contains("unknown token"));
}
