#include "service/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace baton::service {
namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int64_t>(v));
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

// HELP text escaping: backslash and newline.
void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string_view type_name(metrics::type t) {
  switch (t) {
    case metrics::type::counter:
      return "counter";
    case metrics::type::gauge:
      return "gauge";
    case metrics::type::histogram:
      return "histogram";
  }
  return "untyped";
}

// `key` ("" or `a="x",b="y"`) with one more label, as the inside of {...}.
std::string with_label(const std::string& key, std::string_view name, std::string_view value) {
  std::string out = key;
  if (!out.empty()) {
    out += ',';
  }
  out += name;
  out += "=\"";
  append_label_value(out, value);
  out += '"';
  return out;
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix, const std::string& labels,
                   double v) {
  out += name;
  out += suffix;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  append_number(out, v);
  out += '\n';
}

}  // namespace

void append_label_value(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

metrics::family metrics::declare(type t, std::string name, std::string help, std::vector<std::string> labels,
                                 std::vector<double> buckets) {
  if (t != type::histogram && !buckets.empty()) {
    throw std::logic_error("only histograms have buckets");
  }
  if (!std::is_sorted(buckets.begin(), buckets.end())) {
    throw std::logic_error("histogram buckets must increase");
  }
  std::lock_guard lock(mu_);
  families_.push_back({t, std::move(name), std::move(help), std::move(labels), std::move(buckets), {}});
  return families_.size() - 1;
}

metrics::series* metrics::find(family_data& f, std::initializer_list<std::string_view> values) {
  key_.clear();
  std::size_t i = 0;
  for (auto v : values) {
    if (i >= f.labels.size()) {
      break;
    }
    if (i > 0) {
      key_ += ',';
    }
    key_ += f.labels[i++];
    key_ += "=\"";
    append_label_value(key_, v);
    key_ += '"';
  }
  if (auto it = f.by_labels.find(key_); it != f.by_labels.end()) {
    return &it->second;
  }
  if (f.by_labels.size() >= max_series) {
    ++dropped_;
    return nullptr;
  }
  series s;
  s.buckets.assign(f.buckets.size(), 0);
  return &f.by_labels.emplace(key_, std::move(s)).first->second;
}

void metrics::add(family f, std::initializer_list<std::string_view> values, double by) {
  std::lock_guard lock(mu_);
  if (auto* s = find(families_.at(f), values)) {
    s->value += by;
  }
}

void metrics::set(family f, std::initializer_list<std::string_view> values, double value) {
  std::lock_guard lock(mu_);
  if (auto* s = find(families_.at(f), values)) {
    s->value = value;
  }
}

void metrics::observe(family f, std::initializer_list<std::string_view> values, double value) {
  std::lock_guard lock(mu_);
  auto& fam = families_.at(f);
  if (auto* s = find(fam, values)) {
    const auto at = std::lower_bound(fam.buckets.begin(), fam.buckets.end(), value) - fam.buckets.begin();
    if (static_cast<std::size_t>(at) < s->buckets.size()) {
      ++s->buckets[static_cast<std::size_t>(at)];
    }
    s->sum += value;
    ++s->count;
  }
}

std::string metrics::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& f : families_) {
    out += "# HELP ";
    out += f.name;
    out += ' ';
    append_help(out, f.help);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += type_name(f.t);
    out += '\n';
    if (f.t != type::histogram && f.labels.empty() && f.by_labels.empty()) {
      append_sample(out, f.name, "", "", 0);  // an unlabelled family shows its zero
    }
    for (const auto& [key, s] : f.by_labels) {
      if (f.t != type::histogram) {
        append_sample(out, f.name, "", key, s.value);
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += s.buckets[i];
        std::string le;
        append_number(le, f.buckets[i]);
        append_sample(out, f.name, "_bucket", with_label(key, "le", le), static_cast<double>(cumulative));
      }
      append_sample(out, f.name, "_bucket", with_label(key, "le", "+Inf"), static_cast<double>(s.count));
      append_sample(out, f.name, "_sum", key, s.sum);
      append_sample(out, f.name, "_count", key, static_cast<double>(s.count));
    }
  }
  out += "# HELP baton_metrics_series_dropped_total Series not recorded because a family had too many.\n"
         "# TYPE baton_metrics_series_dropped_total counter\n";
  append_sample(out, "baton_metrics_series_dropped_total", "", "", static_cast<double>(dropped_));
  return out;
}

}  // namespace baton::service
