// `baton serve` as a real process: it prints where to send events, answers them over
// real HTTP on 127.0.0.1, refuses a second process on its database, and stops cleanly
// on SIGTERM with everything committed. Every wait is bounded.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <chrono>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "store/sqlite_store.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;
using namespace std::chrono_literals;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

// Waits (bounded) until `path` holds a line matching `pattern`; its first group. It
// looks again each time inotify says the file's folder changed (the child wrote), so it
// waits on the child's output, not on the clock.
std::optional<std::string> wait_for_line(const std::filesystem::path& path, const std::regex& pattern,
                                         std::chrono::seconds bound = 20s) {
  std::optional<std::string> found;
  test::wait_for_change(
      path.parent_path(),
      [&] {
        std::smatch m;
        const auto text = std::filesystem::exists(path) ? test::read_file(path) : std::string{};
        if (std::regex_search(text, m, pattern)) {
          found = m[1].str();
        }
        return found.has_value();
      },
      bound);
  return found;
}

bhttp::response<bhttp::string_body> post(std::uint16_t port, const std::string& target, const std::string& body) {
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::authorization, std::string("Bearer ") + test::compel_secrets::monitoring);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(socket, req);
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, buffer, res);
  return res;
}

// The reference organisation copied into a folder of its own (its file notifier writes
// there), and where a serve's database and output go.
struct serve_dir {
  test::temp_dir dir;
  std::filesystem::path config = test::copy_compel(dir, "org");
  std::filesystem::path db = dir.path() / "baton.db";
  std::filesystem::path output = dir.path() / "serve.out";
};

// A real `baton serve` on the copied organisation, on any free port of 127.0.0.1.
struct served {
  std::unique_ptr<test::child_process> process;
  std::uint16_t port = 0;
};

served start_serve(const std::filesystem::path& config, const std::filesystem::path& db,
                   const std::filesystem::path& output) {
  served s;
  s.process = std::make_unique<test::child_process>(
      std::vector<std::string>{BATON_BINARY, "serve", "--config", config.string(), "--db", db.string(), "--listen",
                               "127.0.0.1:0"},
      output);
  const auto port = wait_for_line(output, std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"));
  REQUIRE(port.has_value());
  s.port = static_cast<std::uint16_t>(std::stoi(*port));
  return s;
}

}  // namespace

TEST_CASE("baton serve answers events over HTTP, refuses a second writer, and stops cleanly on SIGTERM",
          "[app][serve]") {
  serve_dir d;
  auto& dir = d.dir;
  const auto& config = d.config;
  const auto& db = d.db;
  const auto& output = d.output;
  auto s = start_serve(config, db, output);
  auto& serve = *s.process;
  const auto port = s.port;
  CHECK_THAT(test::read_file(output), Catch::Contains("curl -sS -X POST http://127.0.0.1:" + std::to_string(port) +
                                                      "/v1/events"));
  // The curl line works as printed (its token read from the integration's file).
  {
    std::smatch m;
    const auto printed = test::read_file(output);
    REQUIRE(std::regex_search(printed, m, std::regex(R"(\n  (curl [^\n]+))")));
    const auto curl_out = dir.path() / "curl.out";
    test::child_process curl({"/bin/bash", "-c", m[1].str() + " -w ' %{http_code}'"}, curl_out);
    CHECK(curl.wait_for(20s) == 0);
    CHECK_THAT(test::read_file(curl_out), Catch::Contains("\"created\":true") && Catch::EndsWith(" 202"));
  }

  auto res = post(port, "/v1/events",
                  R"({"type":"incident","system":"credit-scoring","severity":"high","summary":"harm",)"
                  R"("dedup_key":"s1","attrs":{"customer_harm":true}})");
  REQUIRE(res.result_int() == 202);
  CHECK_THAT(res.body(), Catch::Contains("\"incident\":2"));

  // A second process on the same database refuses, naming the file.
  const auto second_out = dir.path() / "second.out";
  test::child_process second({BATON_BINARY, "serve", "--config", config.string(), "--db", db.string(), "--listen",
                              "127.0.0.1:0"},
                             second_out);
  CHECK(second.wait_for(20s) == 2);
  CHECK_THAT(test::read_file(second_out), Catch::Contains(db.string()));

  serve.kill(SIGTERM);
  CHECK(serve.wait_for(20s) == 0);
  CHECK_THAT(test::read_file(output), Catch::Contains("baton serve: stopped"));
  store::sqlite_store after(db);
  const auto inc = after.find_incident(2);
  REQUIRE(inc.has_value());
  CHECK(inc->event_count == 1);
  CHECK(inc->opened_by == "integration:monitoring");
  // The file notifier of the copied organisation wrote the pages beside it.
  CHECK(std::filesystem::exists(config.parent_path() / "notifications.jsonl"));
}

TEST_CASE("baton serve refuses to start without the tokens its integrations name", "[app][serve]") {
  serve_dir d;
  std::filesystem::remove(d.config.parent_path() / "secrets/alertmanager.token");
  test::child_process serve({BATON_BINARY, "serve", "--config", d.config.string(), "--db", d.db.string(), "--listen",
                             "127.0.0.1:0"},
                            d.output);
  CHECK(serve.wait_for(20s) == 2);
  const auto text = test::read_file(d.output);
  CHECK_THAT(text, Catch::Contains("integrations.yaml:") && Catch::Contains("secrets/alertmanager.token") &&
                       Catch::Contains("does not exist"));
  CHECK_FALSE(std::filesystem::exists(d.db));  // refused before the database was made
}

TEST_CASE("every event answered 2xx survives a SIGKILL of baton serve under load, and a timer due meanwhile fires late", "[app][serve]") {
  serve_dir d;
  const auto& config = d.config;
  const auto& db = d.db;
  std::vector<std::string> answered;  // dedup keys answered 202
  std::int64_t overdue_incident = 0;     // whose timer fell due while the service was down
  for (int round = 0; round < 2; ++round) {
    const auto output = d.dir.path() / ("serve-" + std::to_string(round) + ".out");
    auto s = start_serve(config, db, output);
    auto& serve = *s.process;
    const auto port = s.port;
    if (round == 1) {
      // Restarted: everything answered before the kill was recovered, and perhaps a
      // few committed whose answers the kill cut off.
      const auto open = wait_for_line(output, std::regex(R"(baton serve: (\d+) open incidents)"));
      REQUIRE(open.has_value());
      CHECK(std::stoul(*open) >= answered.size());
      // The acknowledgement timer that fell due while it was down fires at once, marked
      // late, and pages the next holder.
      auto reader = store::sqlite_store::open_read_only(db);
      const bool late = test::wait_for_change(
          db.parent_path(),
          [&] {
            bool seen = false;
            store::log_range range;
            range.incident_id = overdue_incident;
            reader->read_log(range, [&](const store::log_record& rec) { seen |= rec.kind == "timer.late"; });
            return seen;
          },
          20s);
      CHECK(late);
    }
    // Four clients post distinct events; the process is killed while they do.
    std::mutex mu;
    std::condition_variable more;
    const auto enough = static_cast<std::size_t>(200 * (round + 1));
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&, c] {
        for (int i = 0; !stop.load() && i < 5'000; ++i) {
          const std::string key = fmt::format("r{}-c{}-{}", round, c, i);
          try {
            auto res = post(port, "/v1/events",
                            R"({"type":"anomaly","system":"credit-scoring","dedup_key":")" + key + R"("})");
            if (res.result_int() == 202) {
              std::lock_guard lock(mu);
              answered.push_back(key);
              more.notify_one();
            }
          } catch (const std::exception&) {
            return;  // the server is gone
          }
        }
      });
    }
    {
      std::unique_lock lock(mu);
      more.wait_for(lock, 20s, [&] { return answered.size() >= enough; });
    }
    serve.kill(round == 0 ? SIGKILL : SIGTERM);
    stop = true;
    for (auto& t : clients) {
      t.join();
    }
    REQUIRE(serve.wait_for(20s).has_value());
    // Every key answered 202 has its incident in the database.
    auto reader = store::sqlite_store::open_read_only(db);
    std::set<std::string> keys;
    for (const auto& inc : reader->incidents(false)) {
      keys.insert(inc.dedup_key);
    }
    std::size_t missing = 0;
    for (const auto& k : answered) {
      missing += keys.contains(k) ? 0 : 1;
    }
    CHECK(answered.size() >= enough);
    CHECK(missing == 0);
    if (round == 0) {
      // Twenty minutes pass while it is down: one page's acknowledgement timer is moved
      // that far into the past, as if the clock had run on.
      const auto timers = reader->timers();
      const auto ack = std::find_if(timers.begin(), timers.end(), [](const store::timer_row& t) {
        return t.kind == "ack_timeout";
      });
      REQUIRE(ack != timers.end());
      overdue_incident = ack->incident_id;
      reader.reset();
      const auto past = to_epoch_ms(std::chrono::time_point_cast<duration>(std::chrono::system_clock::now())) -
                        20 * 60 * 1000;
      test::child_process update({"/usr/bin/sqlite3", db.string(),
                                  fmt::format("UPDATE timers SET due_ms = {} WHERE id = {};", past, ack->id)},
                                 d.dir.path() / "sqlite3.out");
      REQUIRE(update.wait_for(20s) == 0);
    }
  }
}

TEST_CASE("SIGHUP reloads a valid configuration and keeps serving the old one past an invalid one",
          "[app][serve]") {
  serve_dir d;
  auto& dir = d.dir;
  const auto& config = d.config;
  const auto& db = d.db;
  const auto& output = d.output;
  auto s = start_serve(config, db, output);
  const std::string good = test::read_file(config);
  // Broken: the reload is refused, with the file's error, and events still go in.
  dir.write("org/baton.yaml", good + "\nroles: [\n");
  s.process->kill(SIGHUP);
  const auto first = wait_for_line(output, std::regex("configuration [^\\n]* version ([0-9a-f]+)\\)"));
  REQUIRE(first.has_value());
  REQUIRE(wait_for_line(output, std::regex("SIGHUP: (the configuration is invalid); still serving version")));
  // The log says it too, as a JSON line with the version still served and the error's
  // file:line:column.
  REQUIRE(wait_for_line(output, std::regex(R"((\{[^\n]*"msg":"configuration not reloaded"[^\n]*\}))")));
  {
    std::smatch m;
    const auto text = test::read_file(output);
    REQUIRE(std::regex_search(text, m, std::regex(R"((\{[^\n]*"msg":"configuration not reloaded"[^\n]*\}))")));
    const auto line = boost::json::parse(m[1].str()).as_object();
    CHECK(line.at("level").as_string() == "error");
    CHECK(line.at("version").as_string() == *first);
    const auto& error = line.at("errors").as_array().at(0).as_object();
    CHECK(std::string(error.at("file").as_string().c_str()).ends_with("baton.yaml"));
    CHECK(error.at("line").as_int64() > 1);
  }
  CHECK(post(s.port, "/v1/events", R"({"type":"anomaly","system":"credit-scoring","dedup_key":"h1"})").result_int() ==
        202);
  // Fixed (and changed, so a new version): loaded, and named in the log.
  dir.write("org/baton.yaml", good + "\n# reloaded\n");
  s.process->kill(SIGHUP);
  const auto version = wait_for_line(output, std::regex("SIGHUP: configuration .* version ([0-9a-f]+) loaded"));
  REQUIRE(version.has_value());
  const auto logged = wait_for_line(output, std::regex(R"((\{[^\n]*"msg":"configuration reloaded"[^\n]*\}))"));
  REQUIRE(logged.has_value());
  const auto line = boost::json::parse(*logged).as_object();
  CHECK(line.at("version").as_string() == *version);
  CHECK(line.at("previous_version").as_string() == *first);
  CHECK(post(s.port, "/v1/events", R"({"type":"anomaly","system":"credit-scoring","dedup_key":"h2"})").result_int() ==
        202);
  s.process->kill(SIGTERM);
  REQUIRE(s.process->wait_for(20s) == 0);
  store::sqlite_store after(db);
  CHECK(after.find_config_version(*version).has_value());
  CHECK(after.find_incident(2)->config_version == *version);
  CHECK(after.find_incident(1)->config_version != *version);
}

TEST_CASE("baton serve given a relative configuration path writes its notifications beside it", "[app][serve]") {
  serve_dir d;
  // The tests run in the source folder: the same file, named from there.
  const auto relative = std::filesystem::relative(d.config, std::filesystem::current_path());
  REQUIRE(relative.is_relative());
  auto s = start_serve(relative, d.db, d.output);
  CHECK(post(s.port, "/v1/events", R"({"type":"anomaly","system":"credit-scoring","dedup_key":"rel"})").result_int() ==
        202);
  s.process->kill(SIGTERM);
  REQUIRE(s.process->wait_for(20s) == 0);
  CHECK(std::filesystem::exists(d.config.parent_path() / "notifications.jsonl"));
}

TEST_CASE("baton serve takes its database, address and body limit from storage: and server: when no flag names them",
          "[app][serve]") {
  serve_dir d;
  auto text = test::read_file(d.config);
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace("storage: {sqlite: baton.db}", "storage: {sqlite: from-config.db}");
  replace("server: {listen: \"127.0.0.1:8080\"}", "server: {listen: \"127.0.0.1:0\", body_limit: 64KiB}");
  {
    std::ofstream(d.config, std::ios::trunc) << text;
  }
  const auto db = d.config.parent_path() / "from-config.db";
  test::child_process serve({BATON_BINARY, "serve", "--config", d.config.string()}, d.output);
  const auto port = wait_for_line(d.output, std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"));
  REQUIRE(port.has_value());
  CHECK_THAT(test::read_file(d.output), Catch::Contains("(database " + db.string() + ","));
  const auto p = static_cast<std::uint16_t>(std::stoi(*port));

  auto res = post(p, "/v1/events",
                  R"({"type":"anomaly","system":"credit-scoring","severity":"high","summary":"from config",)"
                  R"("dedup_key":"c1"})");
  CHECK(res.result_int() == 202);
  // 64 KiB and one byte more: refused by the configured limit, not the default 10 MiB.
  res = post(p, "/v1/events", std::string(64 * 1024 + 1, ' '));
  CHECK(res.result_int() == 413);
  CHECK_THAT(res.body(), Catch::Contains("larger than 65536 bytes"));

  // Its threads are named, so top -H and perf say which one spends the time.
  std::set<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(serve.pid()) + "/task")) {
    auto name = test::read_file(task.path() / "comm");
    names.insert(name.substr(0, name.find('\n')));
  }
  for (const char* name : {"baton-engine", "baton-sync", "baton-http", "baton-watch"}) {
    CHECK(names.count(name) == 1);
  }

  serve.kill(SIGTERM);
  CHECK(serve.wait_for(20s) == 0);
  auto reader = store::sqlite_store::open_read_only(db);
  const auto open = reader->incidents(true);
  REQUIRE(open.size() == 1);
  CHECK(open.front().dedup_key == "c1");
}
