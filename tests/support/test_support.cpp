#include "tests/support/test_support.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace baton::test {

temp_dir::temp_dir(const std::filesystem::path& under) {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  auto base = under.empty() ? std::filesystem::temp_directory_path() : under;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("baton-test-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter++) + "-" + std::to_string(rd() % 100000));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path temp_dir::write(const std::string& name, const std::string& content) const {
  auto p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
  return p;
}

command_result run(const std::string& command) {
  command_result r;
  std::string full = command + " 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) {
    return r;
  }
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    r.out.append(buf.data(), n);
  }
  int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

command_result run_baton(const std::string& args) { return run(std::string(BATON_BINARY) + " " + args); }

bool wait_for_change(const std::filesystem::path& folder, const std::function<bool()>& ready,
                     std::chrono::milliseconds bound) {
  const int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (fd < 0) {
    return false;
  }
  // Watched before the first look, so a write just after it still wakes the poll.
  ::inotify_add_watch(fd, folder.c_str(), IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO);
  const auto until = std::chrono::steady_clock::now() + bound;
  bool held = false;
  while (!(held = ready())) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) {
      std::array<char, 4096> events{};
      while (::read(fd, events.data(), events.size()) > 0) {
      }
    }
  }
  ::close(fd);
  return held;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path source_dir() { return BATON_SOURCE_DIR; }

std::filesystem::path compel_config() { return source_dir() / "examples" / "compel" / "baton.yaml"; }

std::filesystem::path copy_compel(const temp_dir& dir, const std::string& sub) {
  const auto from = compel_config().parent_path();
  for (const auto& f : std::filesystem::directory_iterator(from)) {
    if (f.path().extension() == ".yaml") {
      dir.write(sub + "/" + f.path().filename().string(), read_file(f.path()));
    }
  }
  dir.write(sub + "/secrets/monitoring.token", std::string(compel_secrets::monitoring) + "\n");
  dir.write(sub + "/secrets/alertmanager.token", std::string(compel_secrets::alertmanager) + "\n");
  dir.write(sub + "/secrets/pagerduty.routing_key", std::string(compel_secrets::pagerduty_routing_key) + "\n");
  dir.write(sub + "/secrets/amara.token", std::string(compel_secrets::amara) + "\n");
  dir.write(sub + "/secrets/caio-office.token", std::string(compel_secrets::caio_office) + "\n");
  dir.write(sub + "/secrets/ack-link.key", std::string(compel_secrets::ack_link_key) + "\n");
  return dir.path() / sub / "baton.yaml";
}

}  // namespace baton::test
