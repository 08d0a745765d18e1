#include "store/wal_syncer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace baton::store {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
  const std::string cause = fmt::format("{} {}: {}", what, path, std::strerror(error));
  throw store_error(fmt::format("cannot make the commits durable: {}", cause), cause);
}

void sync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    fail("cannot open the folder", folder.string(), errno);
  }
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) {
    fail("fsync of the folder", folder.string(), error);
  }
}

}  // namespace

wal_syncer::wal_syncer(const std::filesystem::path& database)
    : wal_(database.string() + "-wal"), folder_(database.parent_path().empty() ? "." : database.parent_path()) {}

wal_syncer::~wal_syncer() {
  // SQLite takes no locks on the log file itself (those are on the -shm file), so
  // closing this descriptor releases none of its locks.
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void wal_syncer::sync() {
  std::lock_guard lock(mu_);
  // The log is made at the first write after the database opens, and made again when
  // the last connection deleted it: whenever the path names a file this descriptor
  // does not, open it, and sync the folder so that the new name survives a power cut.
  struct stat now {};
  if (::stat(wal_.c_str(), &now) != 0) {
    if (errno == ENOENT) {
      return;  // no log: every commit is in the database, synced by the checkpoint
    }
    fail("cannot find the write-ahead log", wal_, errno);
  }
  if (fd_ < 0 || static_cast<unsigned long long>(now.st_ino) != inode_) {
    const int fd = ::open(wal_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      fail("cannot open the write-ahead log", wal_, errno);
    }
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = fd;
    inode_ = static_cast<unsigned long long>(now.st_ino);
    sync_folder(folder_);
  }
  if (::fdatasync(fd_) != 0) {
    fail("fdatasync of", wal_, errno);
  }
}

}  // namespace baton::store
