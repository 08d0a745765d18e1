#pragma once
// A real child process for the tests that kill, restart and race `baton`: started with
// posix_spawn, its output in a file, killed or waited for with a bound on every wait.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace baton::test {

class child_process {
 public:
  /// Starts `argv` (argv[0] a path) with stdout and stderr appended to `output`. With
  /// `keep_stdin_open` its standard input is a pipe the test holds (so the child blocks
  /// reading it); otherwise it is /dev/null.
  child_process(const std::vector<std::string>& argv, const std::filesystem::path& output,
                bool keep_stdin_open = false);
  ~child_process();  // kills a child still running, and reaps it
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  void kill(int signal);
  /// The exit status, or -signal when a signal ended it; nullopt when it still runs
  /// after `limit`.
  std::optional<int> wait_for(std::chrono::milliseconds limit);
  /// Closes the write end of its stdin pipe.
  void close_stdin();

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  std::optional<int> status_;
};

}  // namespace baton::test
