// An HTTP load generator for bench/http_vs_alertmanager.sh: keep-alive connections on
// 127.0.0.1, each sending one request and waiting for its answer before the next (closed
// loop), or at a fixed total rate (open loop, latency measured from when each request
// was due, so a stall is not hidden by the requests it delayed). Bodies are made per
// request so that every one is a new event (or alert). Figures only, never a test.
//
//   http_load_bench PORT PATH KIND [options]
//     KIND: native (baton /v1/events), amwebhook (baton /v1/integrations/alertmanager,
//           one alert per request), amapi (Alertmanager's own POST /api/v2/alerts)
//     --connections N (32)  --seconds S (10)  --rate R (0: closed loop)  --token T
//     --watch FILE --count N: event-to-notification mode: N events one at a time, each
//           timed until FILE holds a line with its key
//   Prints one line: kind, requests, 2xx, other, seconds, requests/s, latency p50/p99 ms.
#include <fmt/format.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using clk = std::chrono::steady_clock;

namespace {

struct options {
  unsigned short port = 0;
  std::string path;
  std::string kind;
  int connections = 32;
  double seconds = 10;
  double rate = 0;
  std::string token;
  std::string watch;
  long count = 200;
};

std::string iso_now() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

// A body that is a new event or alert, named by `key`.
std::string body_for(const std::string& kind, const std::string& key) {
  if (kind == "native") {
    return fmt::format(R"({{"type":"anomaly","system":"credit-scoring","severity":"high","summary":"load {}",)"
                       R"("dedup_key":"{}"}})",
                       key, key);
  }
  if (kind == "amwebhook") {
    return fmt::format(R"({{"version":"4","status":"firing","receiver":"baton","groupKey":"{{}}:{{}}",)"
                       R"("alerts":[{{"status":"firing","labels":{{"alertname":"Load","id":"{}","ai_system":)"
                       R"("credit-scoring","severity":"critical","baton_type":"anomaly"}},"annotations":)"
                       R"({{"summary":"load {}"}},"startsAt":"{}","endsAt":"0001-01-01T00:00:00Z",)"
                       R"("fingerprint":"{}"}}]}})",
                       key, key, iso_now(), key);
  }
  // Alertmanager's API: one alert, its own label set.
  return fmt::format(R"([{{"labels":{{"alertname":"Load","id":"{}","severity":"critical"}},)"
                     R"("annotations":{{"summary":"load {}"}}}}])",
                     key, key);
}

class connection {
 public:
  explicit connection(const options& o) : o_(o), socket_(ioc_) {
    socket_.connect({net::ip::make_address("127.0.0.1"), o.port});
    socket_.set_option(net::ip::tcp::no_delay(true));
  }
  unsigned post(const std::string& body) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, o_.path, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::content_type, "application/json");
    if (!o_.token.empty()) {
      req.set(bhttp::field::authorization, "Bearer " + o_.token);
    }
    req.body() = body;
    req.prepare_payload();
    bhttp::write(socket_, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket_, buffer_, res);
    return res.result_int();
  }

 private:
  const options& o_;
  net::io_context ioc_;
  net::ip::tcp::socket socket_;
  beast::flat_buffer buffer_;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) {
    return 0;
  }
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

// Waits (at most `bound`) until `file` holds `needle`; reads only what was appended.
bool wait_for_text(const std::string& file, const std::string& needle, std::size_t& offset, int inotify_fd,
                   std::chrono::milliseconds bound) {
  const auto until = clk::now() + bound;
  std::string carry;
  for (;;) {
    std::ifstream in(file, std::ios::binary);
    if (in) {
      in.seekg(static_cast<std::streamoff>(offset));
      std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const auto at = chunk.find(needle);
      if (at != std::string::npos) {
        offset += chunk.rfind('\n') == std::string::npos ? 0 : chunk.rfind('\n') + 1;
        return true;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clk::now()).count();
    if (left <= 0) {
      return false;
    }
    pollfd p{inotify_fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<long>(left, 5))) > 0) {
      char events[4096];
      while (::read(inotify_fd, events, sizeof events) > 0) {
      }
    }
  }
}

int notification_latency(const options& o) {
  const int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  const auto dir = o.watch.substr(0, o.watch.rfind('/'));
  ::inotify_add_watch(fd, dir.c_str(), IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE);
  connection c(o);
  std::vector<double> ms;
  std::size_t offset = 0;
  {
    std::ifstream in(o.watch, std::ios::binary | std::ios::ate);
    offset = in ? static_cast<std::size_t>(in.tellg()) : 0;
  }
  const std::string run = std::to_string(::getpid());
  long missed = 0;
  for (long i = 0; i < o.count; ++i) {
    const std::string key = fmt::format("n{}-{}", run, i);
    const auto t0 = clk::now();
    const auto status = c.post(body_for(o.kind, key));
    if (status / 100 != 2 || !wait_for_text(o.watch, "load " + key, offset, fd, std::chrono::seconds{10})) {
      ++missed;
      continue;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(clk::now() - t0).count());
  }
  ::close(fd);
  auto sorted = ms;
  fmt::print("kind={} mode=first_notification events={} missed={} p50_ms={:.2f} p99_ms={:.2f}\n", o.kind, o.count,
             missed, percentile(sorted, 0.50), percentile(sorted, 0.99));
  return missed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    fmt::print(stderr, "usage: http_load_bench PORT PATH native|amwebhook|amapi [--connections N] [--seconds S] "
                       "[--rate R] [--token T] [--watch FILE --count N]\n");
    return 2;
  }
  options o;
  o.port = static_cast<unsigned short>(std::strtoul(argv[1], nullptr, 10));
  o.path = argv[2];
  o.kind = argv[3];
  for (int i = 4; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--connections") {
      o.connections = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--seconds") {
      o.seconds = std::clamp(std::atof(value.c_str()), 0.1, 600.0);
    } else if (flag == "--rate") {
      o.rate = std::max(0.0, std::atof(value.c_str()));
    } else if (flag == "--token") {
      o.token = value;
    } else if (flag == "--watch") {
      o.watch = value;
    } else if (flag == "--count") {
      o.count = std::clamp(std::atol(value.c_str()), 1L, 100'000L);
    }
  }
  if (!o.watch.empty()) {
    return notification_latency(o);
  }

  std::atomic<long> ok{0};
  std::atomic<long> other{0};
  std::mutex mu;
  std::vector<double> latencies;
  const auto start = clk::now();
  const auto end = start + std::chrono::duration_cast<clk::duration>(std::chrono::duration<double>(o.seconds));
  const std::string run = std::to_string(::getpid());
  std::vector<std::thread> threads;
  for (int t = 0; t < o.connections; ++t) {
    threads.emplace_back([&, t] {
      std::vector<double> mine;
      try {
        connection c(o);
        // Open loop: this connection's share of the rate, each request due at its slot.
        const double interval = o.rate > 0 ? o.connections / o.rate : 0;
        auto due = start + std::chrono::duration_cast<clk::duration>(
                               std::chrono::duration<double>(interval * t / o.connections));
        for (long i = 0;; ++i) {
          if (o.rate > 0) {
            if (due >= end) {
              break;
            }
            std::this_thread::sleep_until(due);
          } else if (clk::now() >= end) {
            break;
          }
          const auto sent = o.rate > 0 ? due : clk::now();
          const auto status = c.post(body_for(o.kind, fmt::format("{}-{}-{}", run, t, i)));
          mine.push_back(std::chrono::duration<double, std::milli>(clk::now() - sent).count());
          (status / 100 == 2 ? ok : other)++;
          due += std::chrono::duration_cast<clk::duration>(std::chrono::duration<double>(interval));
        }
      } catch (const std::exception& e) {
        fmt::print(stderr, "connection {}: {}\n", t, e.what());
        other++;
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  const double took = std::chrono::duration<double>(clk::now() - start).count();
  const long n = ok + other;
  fmt::print("kind={} mode={} connections={} requests={} ok_2xx={} other={} seconds={:.2f} per_second={:.0f} "
             "p50_ms={:.2f} p99_ms={:.2f}\n",
             o.kind, o.rate > 0 ? fmt::format("rate{:.0f}", o.rate) : "closed", o.connections, n, ok.load(),
             other.load(), took, static_cast<double>(ok) / took, percentile(latencies, 0.50),
             percentile(latencies, 0.99));
  return other == 0 ? 0 : 1;
}
