#pragma once
// One writer per database: a process that runs the engine on a SQLite file holds an
// exclusive lock on `<file>.lock` (flock, released by the kernel however the process
// ends), with its process id inside for the message a second process gets, and removes
// the file when it is done. Readers (log verify, log export, reports) take no lock.
#include <filesystem>
#include <string>

namespace baton::store {

class writer_lock {
 public:
  /// Takes the lock for `db`. Throws store_error naming the file and, when it can be
  /// read, the process that holds it.
  explicit writer_lock(const std::filesystem::path& db);
  ~writer_lock();
  writer_lock(const writer_lock&) = delete;
  writer_lock& operator=(const writer_lock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace baton::store
