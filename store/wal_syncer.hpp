#pragma once
// Makes a WAL-mode SQLite database's commits durable from another thread than the
// writer's: an fdatasync of the write-ahead log, whose frames carry every transaction
// committed so far (a checkpoint syncs the log before it copies frames into the
// database, so a frame checkpointed meanwhile is durable already). The writer runs
// with synchronous=NORMAL, which makes commits write but not sync the log.
#include <filesystem>
#include <mutex>
#include <string>

#include "store/store.hpp"

namespace baton::store {

class wal_syncer final : public syncer {
 public:
  /// `database`: the database file; its log is `database` + "-wal".
  explicit wal_syncer(const std::filesystem::path& database);
  ~wal_syncer() override;
  wal_syncer(const wal_syncer&) = delete;
  wal_syncer& operator=(const wal_syncer&) = delete;

  void sync() override;

 private:
  std::string wal_;
  std::filesystem::path folder_;
  std::mutex mu_;
  int fd_ = -1;
  unsigned long long inode_ = 0;
};

}  // namespace baton::store
