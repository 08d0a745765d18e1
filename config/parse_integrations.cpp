// The `integrations` and `api_tokens` sections: who may write to `baton serve`, each
// with a secret of its own, named by where it lives and kept only as its SHA-256.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "base/encoding.hpp"
#include "config/load_state.hpp"

namespace baton::config::detail {
namespace {

// A secret file larger than this is not a token (a path mistaken for another file).
constexpr std::uintmax_t max_secret_file_bytes = 4096;
// Shorter tokens can be guessed; 16 characters of a random token are 80+ bits.
constexpr std::size_t min_token_chars = 16;
constexpr std::size_t routing_key_chars = 32;

std::optional<std::array<unsigned char, 32>> parse_hex_digest(std::string_view hex) {
  if (hex.size() != 64) {
    return std::nullopt;
  }
  std::array<unsigned char, 32> out{};
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

// The text of a secret file without its trailing newline, or why not. The message
// never quotes the file's content.
std::optional<std::string> read_secret_file(const std::filesystem::path& p, std::string& why) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) {
    why = std::filesystem::exists(p, ec) ? "is not a regular file" : "does not exist";
    return std::nullopt;
  }
  if (std::filesystem::file_size(p, ec) > max_secret_file_bytes || ec) {
    why = "is larger than 4096 bytes, too large for a token";
    return std::nullopt;
  }
  std::ifstream in(p, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    why = "cannot be read";
    return std::nullopt;
  }
  return text;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string fmt_secret_inline(std::string_view what) {
  return std::string(what) +
         ": a secret must not be written in the configuration (it is checked into git); give {file: PATH}, "
         "{env: NAME} or {sha256: HEX}";
}

struct secret_rules {
  std::string_view what;  // "token", "routing_key"
  std::size_t min_chars = 0;
  std::size_t exact_chars = 0;  // 0: any length from min_chars
  bool digest_allowed = true;   // false where the digest is itself the key (ack links)
};

// Reads `{file: PATH}`, `{env: NAME}` or `{sha256: HEX}`. A secret written inline is
// refused: configuration is checked into git, secrets are not.
std::optional<secret_digest> read_secret(reader& r, const item& value, const secret_rules& rules, load_state& s) {
  if (value.present() && value.node.IsScalar()) {
    r.error(value.at, fmt_secret_inline(rules.what));
    return std::nullopt;
  }
  mapping m(r, value, std::string(rules.what), {"file", "env", "sha256"});
  if (!m.valid()) {
    return std::nullopt;
  }
  const int given = int(m.has("file")) + int(m.has("env")) + int(m.has("sha256"));
  if (given != 1) {
    r.error(m.at(), std::string(rules.what) + ": give exactly one of file, env or sha256");
    return std::nullopt;
  }
  secret_digest out;
  if (m.has("sha256") && !rules.digest_allowed) {
    r.error(m.get("sha256").at, std::string(rules.what) +
                                    ": give {file: PATH} or {env: NAME}; its SHA-256 is the signing key itself, "
                                    "so it cannot be written here");
    return std::nullopt;
  }
  if (m.has("sha256")) {
    auto text = read_string(r, m.get("sha256"));
    if (!text) {
      return std::nullopt;
    }
    auto d = parse_hex_digest(*text);
    if (!d) {
      r.error(m.get("sha256").at, std::string(rules.what) +
                                      ".sha256: expected 64 hex digits (the output of `printf %s TOKEN | sha256sum`)");
      return std::nullopt;
    }
    out.sha256 = *d;
    out.available = true;
    return out;
  }
  std::optional<std::string> secret;
  std::string where;
  std::string why;
  item at = m.has("file") ? m.get("file") : m.get("env");
  auto name = read_string(r, at);
  if (!name || name->empty()) {
    if (name) {
      r.error(at.at, std::string(rules.what) + ": the file or variable name is empty");
    }
    return std::nullopt;
  }
  if (m.has("file")) {
    std::filesystem::path p(*name);
    if (p.is_relative()) {
      p = (s.root_dir / p).lexically_normal();
    }
    where = "file " + p.string();
    out.file = p;
    secret = read_secret_file(p, why);
  } else {
    where = "environment variable " + *name;
    out.env = *name;
    const char* v = std::getenv(name->c_str());
    if (v == nullptr) {
      why = "is not set";
    } else {
      secret = std::string(v);
    }
  }
  if (!secret) {
    std::string message = std::string(rules.what) + ": " + where + " " + why;
    if (s.require_secrets) {
      r.error(at.at, message);
      return std::nullopt;
    }
    r.warning(at.at, message + " (baton serve will refuse to start without it)");
    return out;  // not available: checked, but useless until it is there
  }
  const std::string_view text = trimmed(*secret);
  if (rules.exact_chars != 0 && text.size() != rules.exact_chars) {
    r.error(at.at, std::string(rules.what) + ": " + where + " holds " + std::to_string(text.size()) +
                       " characters; a " + std::string(rules.what) + " has " + std::to_string(rules.exact_chars));
    return std::nullopt;
  }
  if (text.size() < rules.min_chars) {
    r.error(at.at, std::string(rules.what) + ": " + where + " holds " + std::to_string(text.size()) +
                       " characters; at least " + std::to_string(rules.min_chars) + " are needed to be hard to guess");
    return std::nullopt;
  }
  out.sha256 = sha256(text);
  out.available = true;
  return out;
}

// "label.NAME" / "annotation.NAME".
bool valid_alert_source(std::string_view s) {
  for (std::string_view prefix : {"label.", "annotation."}) {
    if (s.starts_with(prefix) && s.size() > prefix.size()) {
      return true;
    }
  }
  return false;
}

void read_alert_field(reader& r, const item& value, std::string_view name, alert_field& field) {
  mapping m(r, value, "alerts." + std::string(name), {"from", "default", "values"});
  if (!m.valid()) {
    return;
  }
  if (item v = m.get("from"); v.present()) {
    field.from.clear();
    for (const auto& e : read_list(r, v, "a list of label.NAME or annotation.NAME")) {
      auto text = read_string(r, e);
      if (!text) {
        continue;
      }
      if (!valid_alert_source(*text)) {
        r.error(e.at, "from: \"" + text->substr(0, 40) + "\" is not label.NAME or annotation.NAME");
        continue;
      }
      field.from.push_back(*text);
    }
  }
  if (item v = m.get("default"); v.present()) {
    if (auto text = read_string(r, v)) {
      field.fallback = *text;
    }
  }
  if (item v = m.get("values"); v.present()) {
    if (!v.node.IsMap()) {
      r.error(v.at, "values: expected a mapping of alert value to event value, found " + describe(v.node));
    } else {
      field.values.clear();
      for (auto it = v.node.begin(); it != v.node.end(); ++it) {
        item key = r.make_item(it->first, it->first, "values");
        item to = r.make_item(it->first, it->second, "values");
        auto k = read_string(r, key);
        auto t = read_string(r, to);
        if (k && t && !field.values.emplace(*k, *t).second) {
          r.error(key.at, "values: \"" + k->substr(0, 40) + "\" is given twice");
        }
      }
    }
  }
}

const std::set<std::string, std::less<>>& severities() {
  static const std::set<std::string, std::less<>> all{"info", "low", "medium", "high", "critical"};
  return all;
}

void check_severity_value(reader& r, const config::mark& at, std::string_view value, std::string_view where) {
  if (!value.empty() && !severities().contains(value)) {
    r.error(at, std::string(where) + ": \"" + std::string(value.substr(0, 40)) +
                    "\" is not a severity (info, low, medium, high, critical)");
  }
}

void read_alert_mapping(reader& r, const item& value, alert_mapping& a, load_state& s) {
  mapping m(r, value, "alerts", {"type", "system", "severity", "summary", "attrs"});
  if (!m.valid()) {
    return;
  }
  if (item v = m.get("type"); v.present()) {
    read_alert_field(r, v, "type", a.type);
  }
  if (!a.type.fallback.empty()) {
    if (auto id = located_id{a.type.fallback, m.has("type") ? m.get("type").at : m.at()}; valid_id(id.id)) {
      s.refer(ref_kind::event_type, id, "alerts.type.default");
    }
  }
  if (item v = m.get("system"); v.present()) {
    read_alert_field(r, v, "system", a.system);
  }
  if (item v = m.get("severity"); v.present()) {
    read_alert_field(r, v, "severity", a.severity);
    check_severity_value(r, v.at, a.severity.fallback, "alerts.severity.default");
    for (const auto& [from, to] : a.severity.values) {
      check_severity_value(r, v.at, to, "alerts.severity.values." + from.substr(0, 40));
    }
  }
  if (item v = m.get("summary"); v.present()) {
    read_alert_field(r, v, "summary", a.summary);
  }
  if (item v = m.get("attrs"); v.present()) {
    mapping am(r, v, "alerts.attrs", {"labels", "annotations"});
    if (am.valid()) {
      if (item l = am.get("labels"); l.present()) {
        if (auto text = read_string(r, l); text && (*text == "all" || *text == "none")) {
          a.all_labels_as_attrs = *text == "all";
        } else if (text) {
          r.error(l.at, "labels: expected all or none");
        }
      }
      if (item n = am.get("annotations"); n.present()) {
        for (const auto& e : read_list(r, n, "a list of annotation names")) {
          if (auto text = read_string(r, e)) {
            a.annotation_attrs.push_back(*text);
          }
        }
      }
    }
  }
}

std::optional<ingest_format> format_named(std::string_view name) {
  if (name == "native") return ingest_format::native;
  if (name == "alertmanager") return ingest_format::alertmanager;
  if (name == "pagerduty") return ingest_format::pagerduty;
  return std::nullopt;
}

const secret_rules token_rules{"token", min_token_chars, 0};
const secret_rules ack_key_rules{"ack_links.keys", 32, 0, false};
constexpr duration min_link_validity = std::chrono::minutes{5};
constexpr duration max_link_validity = std::chrono::days{30};
const secret_rules routing_key_rules{"routing_key", 0, routing_key_chars};

}  // namespace

void parse_integrations(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of integrations")) {
    mapping m(r, element, "integration",
              {"id", "format", "token", "routing_key", "alerts", "event_type", "system_field"});
    if (!m.valid()) {
      continue;
    }
    integration in;
    in.at = m.at();
    auto id = read_id(r, m.require("id"), "integration id");
    bool ok = id.has_value();
    if (auto f = read_string(r, m.require("format"))) {
      if (auto fmt = format_named(*f)) {
        in.format = *fmt;
      } else {
        r.error(m.get("format").at, "format: unknown format \"" + f->substr(0, 40) +
                                        "\" (" + suggest(*f, {"native", "alertmanager", "pagerduty"}, "formats") + ")");
        ok = false;
      }
    } else {
      ok = false;
    }
    if (!ok) {
      continue;
    }
    const bool pagerduty = in.format == ingest_format::pagerduty;
    auto only_for = [&](std::string_view key, bool allowed, std::string_view format) {
      if (m.has(key) && !allowed) {
        r.error(m.get(key).at, std::string(key) + ": only an integration of format " + std::string(format) +
                                   " takes it");
        ok = false;
      }
    };
    only_for("routing_key", pagerduty, "pagerduty");
    only_for("event_type", pagerduty, "pagerduty");
    only_for("system_field", pagerduty, "pagerduty");
    only_for("alerts", in.format == ingest_format::alertmanager, "alertmanager");
    if (pagerduty) {
      // PagerDuty's senders put the routing key in the body and send no Authorization.
      if (m.has("token")) {
        r.error(m.get("token").at, "token: a pagerduty integration is known by its routing_key, not a token");
        ok = false;
      }
      if (auto key = read_secret(r, m.require("routing_key"), routing_key_rules, s)) {
        in.routing_key = *key;
      } else {
        ok = false;
      }
      if (item v = m.get("event_type"); v.present()) {
        if (auto t = read_id(r, v, "event type")) {
          in.event_type = t->id;
          s.refer(ref_kind::event_type, *t, "event_type of integration " + id->id);
        }
      } else {
        s.refer(ref_kind::event_type, located_id{in.event_type, m.at()}, "event_type of integration " + id->id);
      }
      if (item v = m.get("system_field"); v.present()) {
        if (auto f = read_string(r, v)) {
          static const std::vector<std::string> fields{"component", "source", "group", "class"};
          if (std::find(fields.begin(), fields.end(), *f) == fields.end()) {
            r.error(v.at, "system_field: expected one of component, source, group, class");
          } else {
            in.system_field = *f;
          }
        }
      }
    } else if (auto t = read_secret(r, m.require("token"), token_rules, s)) {
      in.token = *t;
    } else {
      ok = false;
    }
    if (item v = m.get("alerts"); v.present()) {
      read_alert_mapping(r, v, in.alerts, s);
    } else if (in.format == ingest_format::alertmanager) {
      s.refer(ref_kind::event_type, located_id{in.alerts.type.fallback, m.at()},
              "the default event type of integration " + id->id + " (alerts.type.default)");
    }
    if (!ok || !s.claim_id("integration or API token", *id)) {
      continue;
    }
    in.id = id->id;
    s.org.integrations.push_back(std::move(in));
  }
}

void parse_api_tokens(reader& r, const item& section, load_state& s) {
  for (const auto& element : read_list(r, section, "a list of API tokens")) {
    mapping m(r, element, "API token", {"id", "person", "people", "token"});
    if (!m.valid()) {
      continue;
    }
    api_token t;
    t.at = m.at();
    auto id = read_id(r, m.require("id"), "token id");
    bool ok = id.has_value();
    if (m.has("person") == m.has("people")) {
      r.error(m.at(), "API token: give either person (one person's token) or people (a team's)");
      ok = false;
    } else {
      const bool one = m.has("person");
      for (const auto& p : read_id_list(r, m.get(one ? "person" : "people"), "person id", one)) {
        s.refer(ref_kind::person, p, "API token " + (id ? id->id : std::string("?")));
        t.people.push_back(p.id);
      }
      ok = ok && !t.people.empty();
    }
    if (auto d = read_secret(r, m.require("token"), token_rules, s)) {
      t.token = *d;
    } else {
      ok = false;
    }
    if (!ok || !s.claim_id("integration or API token", *id)) {
      continue;
    }
    t.id = id->id;
    s.org.api_tokens.push_back(std::move(t));
  }
}

void parse_ack_links(reader& r, const item& section, load_state& s) {
  mapping m(r, section, "ack_links", {"base_url", "keys", "valid_for"});
  if (!m.valid()) {
    return;
  }
  ack_link_settings a;
  a.at = m.at();
  if (auto url = read_string(r, m.require("base_url"))) {
    std::string_view u = *url;
    while (u.ends_with('/')) {
      u.remove_suffix(1);
    }
    if (!(u.starts_with("http://") || u.starts_with("https://")) || u.find_first_of(" \t\n\"<>") != u.npos ||
        u.size() <= 8) {
      r.error(m.get("base_url").at,
              "ack_links.base_url: expected the http:// or https:// address people open baton at, e.g. "
              "https://baton.example.com");
    } else {
      a.base_url = std::string(u);
    }
  }
  for (const auto& k : read_list(r, m.require("keys"), "a list of keys, the signing key first")) {
    if (auto d = read_secret(r, k, ack_key_rules, s)) {
      a.keys.push_back(*d);
    }
  }
  if (m.has("valid_for")) {
    if (auto d = read_duration_within(r, m.get("valid_for"),
                                      {min_link_validity, "a page must stay acknowledgeable while it is read"},
                                      {max_link_validity, "an old page should not keep the power to acknowledge"})) {
      a.valid_for = *d;
    }
  }
  s.org.ack_links = std::move(a);
}

}  // namespace baton::config::detail
