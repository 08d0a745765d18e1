#include "fuzz/fuzz_support.hpp"

#include <boost/json/parse.hpp>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <system_error>

#include "base/text.hpp"

namespace baton::fuzz {
namespace support {

constexpr std::string_view prefix = "baton-fuzz-";

// Removes the scratch trees of processes that no longer run: libFuzzer ends a process
// with _exit after a finding or in -fork mode, so their destructors never ran. A tree is
// named baton-fuzz-<pid>-<random>.
void remove_stale(const std::filesystem::path& base) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) {
      continue;
    }
    const auto dash = name.find('-', prefix.size());
    if (dash == std::string::npos) {
      continue;
    }
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::filesystem::remove_all(entry.path(), ec);
    }
  }
}

// The process's scratch tree: made on first use, removed when the process exits
// normally (the end of the replay test, libFuzzer's -runs limit) and otherwise by the
// next process to start.
class scratch_root {
 public:
  scratch_root() {
    std::error_code ec;
    std::filesystem::path base = "/dev/shm";
    if (!std::filesystem::is_directory(base, ec) || ::access(base.c_str(), W_OK) != 0) {
      base = std::filesystem::temp_directory_path();
    }
    remove_stale(base);
    std::string pattern = (base / (std::string(prefix) + std::to_string(::getpid()) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      invariant_failed("support", "cannot create a scratch directory", pattern);
    }
    path_ = pattern;
  }
  ~scratch_root() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_root(const scratch_root&) = delete;
  scratch_root& operator=(const scratch_root&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

std::string fmt_hex(std::uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(cp));
  return buf;
}

}  // namespace support

void invariant_failed(std::string_view target, std::string_view what, std::string_view detail) {
  std::string message = "baton fuzz " + std::string(target) + ": invariant broken: " + std::string(what);
  if (!detail.empty()) {
    message += "\n  " + printable(detail.substr(0, 2000));
  }
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

boost::json::value parse_json_output(std::string_view text, std::string_view target, std::string_view what) {
  if (!is_valid_utf8(text)) {
    invariant_failed(target, std::string(what) + " is not valid UTF-8", text);
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) {
    invariant_failed(target, std::string(what) + " is not JSON: " + ec.message(), text);
  }
  return v;
}

void check_error_answer(const http::response& r, std::string_view target) {
  check(r.status >= 400 && r.status < 500, target, "a bad body was not answered 4xx");
  const boost::json::value doc = parse_json_output(r.body, target, "the error answer");
  const auto* o = doc.if_object();
  check(o != nullptr && o->size() == 1 && o->contains("error"), target, "the answer is not {\"error\": ...}");
  const auto* inner = o->at("error").if_object();
  check(inner != nullptr, target, "\"error\" is not an object");
  for (const char* key : {"code", "message"}) {
    const auto* v = inner->if_contains(key);
    check(v != nullptr && v->is_string() && !v->as_string().empty(), target, "the error lacks a code or message");
  }
}

void check_terminal_text(std::string_view text, std::string_view target, std::string_view what) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      invariant_failed(target, std::string(what) + " is not valid UTF-8 at byte " + std::to_string(i), text);
    }
    std::uint32_t cp = static_cast<unsigned char>(text[i]);
    if (n > 1) {
      cp &= 0xFFU >> (n + 1);
      for (std::size_t k = 1; k < n; ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
      }
    }
    const bool control = (cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F);
    const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    if (control || bidi) {
      invariant_failed(target, std::string(what) + " holds the raw character U+" + support::fmt_hex(cp) + " at byte " +
                                   std::to_string(i), text);
    }
    i += n;
  }
}

std::filesystem::path fresh_directory(std::string_view name) {
  static support::scratch_root root;
  std::filesystem::path p = root.path() / name;
  std::error_code ec;
  std::filesystem::remove_all(p, ec);
  std::filesystem::create_directories(p, ec);
  if (ec) {
    invariant_failed("support", "cannot create " + p.string() + ": " + ec.message());
  }
  return p;
}

void write_file(const std::filesystem::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    invariant_failed("support", "cannot write " + path.string());
  }
}

std::vector<std::string_view> split(std::string_view data, std::string_view separator, std::size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const auto at = data.find(separator);
    if (at == std::string_view::npos) {
      break;
    }
    parts.push_back(data.substr(0, at));
    data.remove_prefix(at + separator.size());
  }
  parts.push_back(data);
  return parts;
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) {
      break;
    }
    text.remove_prefix(nl + 1);
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\' || i + 1 == text.size()) {
      out += c;
      continue;
    }
    const char e = text[i + 1];
    switch (e) {
      case 'n':
        out += '\n';
        ++i;
        break;
      case 't':
        out += '\t';
        ++i;
        break;
      case 'r':
        out += '\r';
        ++i;
        break;
      case '0':
        out += '\0';
        ++i;
        break;
      case '\\':
        out += '\\';
        ++i;
        break;
      case 'x':
        if (i + 3 < text.size() && hex_digit(text[i + 2]) >= 0 && hex_digit(text[i + 3]) >= 0) {
          out += static_cast<char>(hex_digit(text[i + 2]) * 16 + hex_digit(text[i + 3]));
          i += 3;
        } else {
          out += c;
        }
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

std::uint64_t input_hash(std::string_view data) noexcept {
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace baton::fuzz
