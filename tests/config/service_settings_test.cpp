// The service sections: storage: and server: are read into the organisation (baton
// serve applies them) and every value is checked at file:line:column with its bounds.
#include <catch2/catch.hpp>

#include "config/service_settings.hpp"
#include "config_fixture.hpp"

using namespace baton;
using namespace baton::config;
using namespace baton::config::test;
using namespace std::chrono_literals;

TEST_CASE("storage and server are read; a relative database path is below the root file's folder",
          "[config][serve]") {
  fixture f;
  f.replace("storage: {sqlite: baton.db}", "storage: {sqlite: data/../baton.db}");
  f.replace("server: {listen: \"127.0.0.1:8080\"}",
            "server:\n  listen: \"[::1]:9090\"\n  body_limit: 2MiB\n  header_limit: 8192\n  read_timeout: 5s\n"
            "  max_connections: 500\n  queue_capacity: 1000\n");
  const auto r = f.load();
  REQUIRE(r.org != nullptr);
  const service_settings& s = r.org->service;
  CHECK(s.sqlite == f.dir.path() / "baton.db");
  CHECK(s.listen == "[::1]:9090");
  CHECK(s.body_limit == 2u * 1024 * 1024);
  CHECK(s.header_limit == 8192u);
  CHECK(s.read_timeout == 5s);
  CHECK(s.max_connections == 500u);
  CHECK(s.queue_capacity == 1000u);
}

TEST_CASE("without storage and server nothing is set, and an absolute path stays as written", "[config][serve]") {
  fixture f;
  f.replace("storage: {sqlite: baton.db}\n", "");
  f.replace("server: {listen: \"127.0.0.1:8080\"}\n", "");
  auto r = f.load();
  REQUIRE(r.org != nullptr);
  CHECK(r.org->service == service_settings{});

  fixture g;
  g.replace("storage: {sqlite: baton.db}", "storage: {sqlite: /var/lib/baton/baton.db}");
  r = g.load();
  REQUIRE(r.org != nullptr);
  CHECK(r.org->service.sqlite == std::filesystem::path("/var/lib/baton/baton.db"));
}

TEST_CASE("a bad listen address, size, timeout or count is an error with its bound", "[config][serve]") {
  SECTION("listen") {
    fixture f;
    f.replace("listen: \"127.0.0.1:8080\"", "listen: \"127.0.0.1:80800\"");
    expect_only_error(f.load(), f.at("\"127.0.0.1:80800\""),
                      "listen: \"127.0.0.1:80800\" is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)");
  }
  SECTION("an IPv6 host without brackets") {
    fixture f;
    f.replace("listen: \"127.0.0.1:8080\"", "listen: \"::1:8080\"");
    expect_only_error(f.load(), f.at("\"::1:8080\""), "is not HOST:PORT");
  }
  SECTION("a body limit too small for an Alertmanager group") {
    fixture f;
    f.replace("listen: \"127.0.0.1:8080\"", "listen: \"127.0.0.1:8080\", body_limit: 1KiB");
    expect_only_error(f.load(), f.at("1KiB"),
                      "body_limit: \"1KiB\" is outside 65536 to 1073741824 bytes, the sizes baton serve accepts");
  }
  SECTION("a size that would overflow") {
    fixture f;
    f.replace("listen: \"127.0.0.1:8080\"", "listen: \"127.0.0.1:8080\", body_limit: 18446744073709551615GiB");
    expect_only_error(f.load(), f.at("18446744073709551615GiB"), "is outside 65536 to 1073741824 bytes");
  }
  SECTION("an unknown unit") {
    fixture f;
    f.replace("listen: \"127.0.0.1:8080\"", "listen: \"127.0.0.1:8080\", header_limit: 8KB");
    expect_only_error(f.load(), f.at("8KB"),
                      "header_limit: expected a size from 1024 to 1048576 bytes (a number of bytes, or with KiB, MiB "
                      "or GiB), found \"8KB\"");
  }
  SECTION("a read timeout an hour long") {
    fixture f;
    f.replace("listen: \"127.0.0.1:8080\"", "listen: \"127.0.0.1:8080\", read_timeout: 1h");
    expect_only_error(f.load(), f.at("1h"), "read_timeout: 1h is longer than 10m");
  }
  SECTION("no connections at all") {
    fixture f;
    f.replace("listen: \"127.0.0.1:8080\"", "listen: \"127.0.0.1:8080\", max_connections: 0");
    expect_only_error(f.load(), f.at("0}"), "max_connections: expected a whole number from 1 to 1000000");
  }
  SECTION("an empty database path") {
    fixture f;
    f.replace("storage: {sqlite: baton.db}", "storage: {sqlite: \"\"}");
    expect_only_error(f.load(), f.at("\"\"}"), "sqlite: the database path is empty");
  }
}

TEST_CASE("listen addresses: IPv4, bracketed IPv6, port 0; and their URL", "[config][serve]") {
  CHECK(parse_listen_address("127.0.0.1:0")->port == 0);
  CHECK(parse_listen_address("[::1]:8080")->host == "::1");
  CHECK(parse_listen_address("[::1]:8080")->url() == "http://[::1]:8080");
  CHECK(parse_listen_address("localhost:65535")->url() == "http://localhost:65535");
  for (const char* bad : {"", ":80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:8o", "::1:80", "[]:80"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_listen_address(bad).has_value());
  }
}
