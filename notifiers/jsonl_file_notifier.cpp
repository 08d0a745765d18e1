#include "notifiers/jsonl_file_notifier.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "notifiers/notification_json.hpp"

namespace baton::notifiers {

jsonl_file_notifier::jsonl_file_notifier(std::string id, const std::filesystem::path& path)
    : notifier(std::move(id)), path_(path) {
  file_ = std::fopen(path.c_str(), "ae");
  if (file_ == nullptr) {
    throw std::runtime_error("cannot open " + path.string() + " for appending: " + std::strerror(errno));
  }
}

jsonl_file_notifier::~jsonl_file_notifier() {
  if (file_ != nullptr) {
    std::fclose(file_);
  }
}

delivery_result jsonl_file_notifier::do_deliver(const notification& n) {
  std::string line = to_json_text(n);
  line += '\n';
  std::lock_guard lock(mutex_);
  // One fwrite per line and a flush, so a reader tailing the file never sees half a line
  // from us and a crash loses at most the line being written.
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    // A full disk may clear; a closed descriptor will not. Both are worth another try.
    return delivery_result::retry("write to " + path_.string() + " failed: " + std::strerror(errno));
  }
  return delivery_result::ok();
}

}  // namespace baton::notifiers
