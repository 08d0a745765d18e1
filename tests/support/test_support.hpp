#pragma once
// Helpers shared by the test areas: temporary directories, running the baton binary,
// reading files and the paths of the source tree.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace baton::test {

/// A fresh directory under the system temp dir, removed with everything in it when the
/// object goes out of scope.
class temp_dir {
 public:
  /// A fresh folder under `under` (empty: the system's temporary folder).
  explicit temp_dir(const std::filesystem::path& under = {});
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  /// Writes `content` to path()/name (creating subdirectories) and returns the path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct command_result {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

/// Runs `command` through /bin/sh and captures its output.
command_result run(const std::string& command);

/// Runs the baton binary built with the tests with `args` (already shell-quoted).
command_result run_baton(const std::string& args);

std::string read_file(const std::filesystem::path& p);

/// Waits until `ready()` holds, at most `bound`: it is asked again each time inotify
/// says something in `folder` changed (a child process wrote its output or its database),
/// so the wait is on the other process's writes, not on the clock. True when it held.
bool wait_for_change(const std::filesystem::path& folder, const std::function<bool()>& ready,
                     std::chrono::milliseconds bound);

/// The project root (where examples/ and docs/ are).
std::filesystem::path source_dir();

/// examples/compel/baton.yaml
std::filesystem::path compel_config();
/// The reference organisation's files copied into `dir`/`sub` (its file notifier then
/// writes there), with the secrets its integrations name (compel_secrets); the root
/// file's path.
std::filesystem::path copy_compel(const temp_dir& dir, const std::string& sub);

/// The tokens copy_compel writes into secrets/ for examples/compel/integrations.yaml.
struct compel_secrets {
  static constexpr const char* monitoring = "test-monitoring-token-0123456789";
  static constexpr const char* alertmanager = "test-alertmanager-token-01234567";
  static constexpr const char* pagerduty_routing_key = "R0123456789abcdef0123456789abcde";  // 32
  static constexpr const char* amara = "test-amara-token-0123456789abcdef";
  static constexpr const char* caio_office = "test-caio-office-token-012345678";
  static constexpr const char* ack_link_key = "test-ack-link-signing-key-0123456789abcdef";
};

}  // namespace baton::test
