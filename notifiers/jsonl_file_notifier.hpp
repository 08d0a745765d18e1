#pragma once
// Appends each notification as one JSON line to a file: a simple integration point (a
// log shipper, a test, a tabletop exercise) and a record a person can read.
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "notifiers/notifier.hpp"

namespace baton::notifiers {

class jsonl_file_notifier final : public notifier {
 public:
  /// Opens `path` for appending (creating it); throws std::runtime_error when it cannot.
  jsonl_file_notifier(std::string id, const std::filesystem::path& path);
  ~jsonl_file_notifier() override;

 protected:
  delivery_result do_deliver(const notification& n) override;

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace baton::notifiers
