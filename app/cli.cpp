#include "app/cli.hpp"

#include <fmt/format.h>

#include <charconv>
#include <iostream>

#include "app/args.hpp"
#include "app/commands.hpp"
#include "base/text.hpp"
#include "app/validate_command.hpp"
#include "engine/clock.hpp"

namespace baton::app {
namespace {

constexpr std::string_view usage = R"(baton - escalation and incident routing for AI accountability

usage:
  baton serve --config FILE [--db PATH] [--listen HOST:PORT] [--include-root DIR]
  baton validate --config FILE [--format text|json] [--at ISO8601] [--include-root DIR]
  baton who ROLE --config FILE [--system ID] [--at ISO8601] [--format text|json] [--working-hours]
                 [--include-root DIR]
  baton log verify --db PATH [--format text|json]
  baton log export --db PATH --format csv|json [--since ISO8601] [--until ISO8601]
  baton demo --config FILE [--db PATH] [--start ISO8601] [--notifications FILE.jsonl]
             [--include-root DIR]
  baton simulate SCENARIO [--report FILE.md|FILE.html|FILE.json] [--runs N] [--seed S]
                 [--threads N] [--db PATH]
  baton apply --config FILE --db PATH [--ops FILE.jsonl|-] [--batch N] [--include-root DIR]
  baton report latency --db PATH [--since ISO8601] [--until ISO8601] [--format text|json|csv]
  baton help | version

--include-root DIR: files the configuration includes must lie below DIR (default: the
folder of the --config file), symbolic links followed.

exit status: 0 success, 1 invalid / tampered / nobody reachable, 2 usage or I/O error
)";

int usage_error(const std::string& message) {
  std::cerr << "baton: " << printable(message) << "\n\n" << usage;
  return 2;
}

// `--at` for validate: the instant training expiry and absences are judged at.
expected<timestamp> instant_or_now(const args& a) {
  engine::real_clock clock;
  if (auto at = a.get("at")) {
    auto t = parse_iso(*at, find_zone("UTC"));
    if (!t) {
      return unexpected{"--at \"" + *at + "\" is not an ISO 8601 time"};
    }
    return *t;
  }
  return clock.now();
}

int run_validate(int argc, char** argv) {
  auto a = parse_args(argc, argv, 2, {"config", "format", "at", "include-root"}, {});
  if (!a) {
    return usage_error(a.error());
  }
  auto config = a->get("config");
  auto format = a->get("format").value_or("text");
  if (!config || !a->positional.empty()) {
    return usage_error("validate needs --config FILE and no other arguments");
  }
  if (format != "text" && format != "json") {
    return usage_error("--format must be text or json");
  }
  auto now = instant_or_now(*a);
  if (!now) {
    return usage_error(now.error());
  }
  return validate_command(*config, format, *now, std::cout, std::cerr,
                          config::load_options{a->get("include-root").value_or("")});
}

int run_who(int argc, char** argv) {
  auto a = parse_args(argc, argv, 2, {"config", "system", "at", "format", "include-root"}, {"working-hours"});
  if (!a) {
    return usage_error(a.error());
  }
  if (a->positional.size() != 1 || !a->get("config")) {
    return usage_error("who needs one ROLE and --config FILE");
  }
  who_options o;
  o.role = a->positional[0];
  o.config = *a->get("config");
  o.system = a->get("system").value_or("");
  o.at = a->get("at");
  o.format = a->get("format").value_or("text");
  o.working_hours_only = a->has_flag("working-hours");
  o.include_root = a->get("include-root").value_or("");
  if (o.format != "text" && o.format != "json") {
    return usage_error("--format must be text or json");
  }
  engine::real_clock clock;
  return who_command(o, clock.now(), std::cout, std::cerr);
}

int run_log(int argc, char** argv) {
  if (argc < 3) {
    return usage_error("log needs verify or export");
  }
  std::string_view sub = argv[2];
  if (sub == "verify") {
    auto a = parse_args(argc, argv, 3, {"db", "format"}, {});
    if (!a) {
      return usage_error(a.error());
    }
    if (!a->get("db") || !a->positional.empty()) {
      return usage_error("log verify needs --db PATH");
    }
    auto format = a->get("format").value_or("text");
    if (format != "text" && format != "json") {
      return usage_error("--format must be text or json");
    }
    return log_verify_command(*a->get("db"), format, std::cout, std::cerr);
  }
  if (sub == "export") {
    auto a = parse_args(argc, argv, 3, {"db", "format", "since", "until"}, {});
    if (!a) {
      return usage_error(a.error());
    }
    if (!a->get("db") || !a->get("format") || !a->positional.empty()) {
      return usage_error("log export needs --db PATH and --format csv|json");
    }
    return log_export_command({*a->get("db"), *a->get("format"), a->get("since"), a->get("until")}, std::cout,
                              std::cerr);
  }
  return usage_error(fmt::format("unknown log command \"{}\"", sub));
}

int run_demo(int argc, char** argv) {
  auto a = parse_args(argc, argv, 2, {"config", "db", "start", "notifications", "include-root"}, {});
  if (!a) {
    return usage_error(a.error());
  }
  if (!a->get("config") || !a->positional.empty()) {
    return usage_error("demo needs --config FILE");
  }
  demo_options o;
  o.config = *a->get("config");
  o.db = a->get("db").value_or("baton-demo.db");
  o.start = a->get("start");
  o.include_root = a->get("include-root").value_or("");
  if (auto n = a->get("notifications")) {
    o.notifications = *n;
  }
  return demo_command(o, std::cout, std::cerr);
}

int run_simulate(int argc, char** argv) {
  auto a = parse_args(argc, argv, 2, {"report", "runs", "seed", "threads", "db"}, {});
  if (!a) {
    return usage_error(a.error());
  }
  if (a->positional.size() != 1) {
    return usage_error("simulate needs one SCENARIO file");
  }
  simulate_options o;
  o.scenario = a->positional.front();
  if (auto r = a->get("report")) {
    o.report = *r;
  }
  o.runs = a->get("runs");
  o.seed = a->get("seed");
  o.threads = a->get("threads");
  if (auto db = a->get("db")) {
    o.db = *db;
  }
  return simulate_command(o, std::cout, std::cerr);
}

int run_report(int argc, char** argv) {
  if (argc < 3 || std::string_view(argv[2]) != "latency") {
    return usage_error("report needs latency");
  }
  auto a = parse_args(argc, argv, 3, {"db", "since", "until", "format"}, {});
  if (!a) {
    return usage_error(a.error());
  }
  if (!a->get("db") || !a->positional.empty()) {
    return usage_error("report latency needs --db PATH");
  }
  report_latency_options o{*a->get("db"), a->get("since"), a->get("until"), a->get("format").value_or("text")};
  if (o.format != "text" && o.format != "json" && o.format != "csv") {
    return usage_error("--format must be text, json or csv");
  }
  return report_latency_command(o, std::cout, std::cerr);
}

int run_apply(int argc, char** argv) {
  auto a = parse_args(argc, argv, 2, {"config", "db", "ops", "batch", "include-root"}, {});
  if (!a) {
    return usage_error(a.error());
  }
  if (!a->get("config") || !a->get("db") || !a->positional.empty()) {
    return usage_error("apply needs --config FILE and --db PATH");
  }
  apply_options o;
  o.config = *a->get("config");
  o.db = *a->get("db");
  o.ops = a->get("ops").value_or("-");
  o.include_root = a->get("include-root").value_or("");
  if (auto b = a->get("batch")) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(b->data(), b->data() + b->size(), n);
    if (ec != std::errc{} || end != b->data() + b->size() || n < 1 || n > 100'000) {
      return usage_error("--batch must be a whole number from 1 to 100000");
    }
    o.batch = n;
  }
  return apply_command(o, std::cin, std::cout, std::cerr);
}

int run_serve(int argc, char** argv) {
  auto a = parse_args(argc, argv, 2, {"config", "db", "listen", "include-root"}, {});
  if (!a) {
    return usage_error(a.error());
  }
  if (!a->get("config") || !a->positional.empty()) {
    return usage_error("serve needs --config FILE");
  }
  serve_options o;
  o.config = *a->get("config");
  if (auto db = a->get("db")) {
    o.db = std::filesystem::path(*db);
  }
  if (auto listen = a->get("listen")) {
    o.listen = std::string(*listen);
  }
  o.include_root = a->get("include-root").value_or("");
  return serve_command(o, std::cout, std::cerr);
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage;
    return 2;
  }
  std::string_view command = argv[1];
  if (command == "validate") {
    return run_validate(argc, argv);
  }
  if (command == "who") {
    return run_who(argc, argv);
  }
  if (command == "log") {
    return run_log(argc, argv);
  }
  if (command == "demo") {
    return run_demo(argc, argv);
  }
  if (command == "simulate") {
    return run_simulate(argc, argv);
  }
  if (command == "apply") {
    return run_apply(argc, argv);
  }
  if (command == "serve") {
    return run_serve(argc, argv);
  }
  if (command == "report") {
    return run_report(argc, argv);
  }
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << usage;
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::cout << "baton 0.1.0\n";
    return 0;
  }
  return usage_error(fmt::format("unknown command \"{}\"", command));
}

}  // namespace baton::app
