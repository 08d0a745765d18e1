#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

extern char** environ;

namespace baton::test {

child_process::child_process(const std::vector<std::string>& argv, const std::filesystem::path& output,
                             bool keep_stdin_open) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int pipe_fds[2] = {-1, -1};
  if (keep_stdin_open) {
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (keep_stdin_open) {
    ::close(pipe_fds[0]);
    stdin_ = pipe_fds[1];
  }
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv.front());
  }
}

child_process::~child_process() {
  close_stdin();
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void child_process::kill(int signal) {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, signal);
  }
}

void child_process::close_stdin() {
  if (stdin_ >= 0) {
    ::close(stdin_);
    stdin_ = -1;
  }
}

std::optional<int> child_process::wait_for(std::chrono::milliseconds limit) {
  // Waits on the child's pidfd, which becomes readable when it exits: a wait on the
  // event itself, bounded by `limit`, not a poll on the clock.
  const auto until = std::chrono::steady_clock::now() + limit;
  const int pidfd = status_ ? -1 : static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (!status_ && pidfd < 0) {
    throw std::runtime_error("pidfd_open failed: the tests need Linux 5.3 or later");
  }
  while (!status_) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      break;
    }
    pollfd p{pidfd, POLLIN, 0};
    (void)::poll(&p, 1, static_cast<int>(left.count()));
  }
  if (pidfd >= 0) {
    ::close(pidfd);
  }
  return status_;
}

}  // namespace baton::test
