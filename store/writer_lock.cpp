#include "store/writer_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "store/store.hpp"

namespace baton::store {
namespace {

std::string holder_of(int fd) {
  char buf[32] = {};
  const auto n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) {
    pid += buf[i];
  }
  return pid;
}

}  // namespace

writer_lock::writer_lock(const std::filesystem::path& db) {
  path_ = db.string() + ".lock";
  // The holder removes the file when it is done; a process that opened it just before
  // then holds a lock on a file no longer there, so the lock counts only when the path
  // still names the very file locked.
  for (int attempt = 0; attempt < 100; ++attempt) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      const std::string cause = std::strerror(errno);
      throw store_error(fmt::format("cannot lock database {}: cannot open {}: {}", db.string(), path_, cause), cause);
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      const std::string pid = e == EWOULDBLOCK ? holder_of(fd_) : std::string{};
      ::close(fd_);
      fd_ = -1;
      if (e == EWOULDBLOCK) {
        const std::string cause = "in use by another baton process";
        throw store_error(fmt::format("database {} is in use by another baton process{}; two processes must not "
                                      "write one database (stop the other, or use another --db)",
                                      db.string(), pid.empty() ? "" : " (pid " + pid + ")"),
                          cause);
      }
      const std::string cause = std::strerror(e);
      throw store_error(fmt::format("cannot lock database {}: {}", db.string(), cause), cause);
    }
    struct stat held {};
    struct stat named {};
    if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      const std::string mine = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd_, 0) == 0) {
        (void)::pwrite(fd_, mine.data(), mine.size(), 0);
      }
      return;
    }
    ::close(fd_);
    fd_ = -1;
  }
  throw store_error(fmt::format("cannot lock database {}: {} keeps being replaced", db.string(), path_),
                    "lock file replaced");
}

writer_lock::~writer_lock() {
  if (fd_ >= 0) {
    // Removed while still held: nobody can lock this file after it is gone.
    ::unlink(path_.c_str());
    ::close(fd_);
  }
}

}  // namespace baton::store
