// The service sections: storage: and server: are read into the organisation (baton
// serve applies them) and every value is checked at file:line:column with its bounds.
#include <catch2/catch.hpp>

#include "config/service_settings.hpp"
#include "config_fixture.hpp"

using namespace baton;
using namespace baton::config;
using namespace baton::config::test;
using namespace std::chrono_literals;

TEST_CASE("storage and server are read, a relative database path below the root file's folder",
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
  const std::string listen = "listen: \"127.0.0.1:8080\"";
  struct bad_case {
    std::string from;    // the fixture's text
    std::string to;      // what replaces it
    std::string at;      // where the error is, a snippet of `to`
    std::string error;   // what it says
  };
  const bad_case cases[] = {
      {listen, "listen: \"127.0.0.1:80800\"", "\"127.0.0.1:80800\"",
       "listen: \"127.0.0.1:80800\" is not ADDRESS:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)"},
      // An IPv6 host without brackets: its last group would be read as the port.
      {listen, "listen: \"::1:8080\"", "\"::1:8080\"", "is not ADDRESS:PORT"},
      {listen, "listen: \"localhost:8080\"", "\"localhost:8080\"", "is not ADDRESS:PORT"},
      // Too small for an Alertmanager group, which never retries a 413.
      {listen, listen + ", body_limit: 1KiB", "1KiB",
       "body_limit: \"1KiB\" is outside 65536 to 1073741824 bytes, the sizes baton serve accepts"},
      {listen, listen + ", body_limit: 18446744073709551615GiB", "18446744073709551615GiB",
       "is outside 65536 to 1073741824 bytes"},
      {listen, listen + ", header_limit: 8KB", "8KB",
       "header_limit: expected a size from 1024 to 1048576 bytes (a number of bytes, or with KiB, MiB or GiB), "
       "found \"8KB\""},
      {listen, listen + ", read_timeout: 1h", "1h", "read_timeout: 1h is longer than 10m"},
      {listen, listen + ", max_connections: 0", "0}", "max_connections: expected a whole number from 1 to 1000000"},
      {"storage: {sqlite: baton.db}", "storage: {sqlite: \"\"}", "\"\"}", "sqlite: the database path is empty"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.to);
    fixture f;
    f.replace(c.from, c.to);
    expect_only_error(f.load(), f.at(c.at), c.error);
  }
}

TEST_CASE("listen addresses (IPv4, bracketed IPv6, port 0) and their URL", "[config][serve]") {
  CHECK(parse_listen_address("127.0.0.1:0")->port == 0);
  CHECK(parse_listen_address("[::1]:8080")->host == "::1");
  CHECK(parse_listen_address("[::1]:8080")->url() == "http://[::1]:8080");
  CHECK(parse_listen_address("0.0.0.0:65535")->url() == "http://0.0.0.0:65535");
  for (const char* bad : {"", ":80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:8o", "::1:80", "[]:80",
                          "localhost:8080", "[127.0.0.1]:80", "256.1.1.1:80", "[::g]:80"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_listen_address(bad).has_value());
  }
}
