#include "store/sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <array>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "store/sqlite_schema.hpp"
#include "store/wal_syncer.hpp"

namespace baton::store {
namespace {

// How long a writer waits for another connection's lock before SQLITE_BUSY.
constexpr int busy_timeout_ms = 5000;
// How long `log verify` and `log export` wait. In WAL mode a reader waits only while
// another connection recovers the WAL or holds the file in exclusive locking mode, so
// a short wait suffices, and an auditor's command answers instead of hanging.
constexpr int read_only_busy_timeout_ms = 2000;

// Every statement the store runs, prepared once on first use and kept: at tens of
// thousands of writes per second, preparing is as costly as executing.
enum class query : std::size_t {
  begin,
  commit,
  rollback,
  advance_head,
  write_head,
  insert_log,
  select_head,
  last_log_time,
  read_log,
  read_log_range,
  read_incident_log,
  upsert_incident,
  upsert_escalation,
  put_timer,
  delete_timer,
  keep_timer_ids,
  put_notification,
  update_notification,
  put_config_version,
  put_request,
  find_request,
  forget_requests,
  last_request,
  find_incident,
  all_incidents,
  open_incidents,
  incident_page_any,
  incident_page_open,
  incident_page_state,
  all_escalations,
  incident_escalations,
  open_escalations,
  timers,
  all_notifications,
  incident_notifications,
  pending_notifications,
  find_config_version,
  current_config_version,
  count_open_incidents,
  max_incident_id,
  max_escalation_id,
  max_timer_id,
  count
};

#define BATON_INCIDENT_COLUMNS                                                                   \
  "id, dedup_key, system, event_type, severity, summary, state, config_version, opened_at_ms, " \
  "updated_at_ms, resolved_at_ms, event_count, accountable, fired_rules, reminders_sent, opened_by"
#define BATON_ESCALATION_COLUMNS                                                                 \
  "id, incident_id, role, rule, state, triggered_at_ms, target_at_ms, engaged_at_ms, engaged_by, " \
  "rung, round, paged, breached"
#define BATON_NOTIFICATION_COLUMNS                                                             \
  "idempotency_key, incident_id, escalation_id, kind, person, role, notifier, address, payload, " \
  "state, attempts, created_at_ms, next_attempt_at_ms, last_error"

constexpr std::array<const char*, static_cast<std::size_t>(query::count)> query_text = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    // The WHERE clause is append_log's precondition: it matches only when the record
    // follows the current head, so a stale writer changes nothing.
    "UPDATE log_head SET seq = ?1, hash = ?2 WHERE id = 1 AND seq = ?3 AND hash = ?4",
    "UPDATE log_head SET seq = ?, hash = ? WHERE id = 1",
    "INSERT INTO log (seq, at_ms, actor, kind, incident_id, details, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "SELECT seq, hash FROM log_head WHERE id = 1",
    "SELECT at_ms FROM log ORDER BY seq DESC LIMIT 1",
    // Without a range no WHERE clause: a row whose at_ms was edited to text or a real
    // compares outside every integer range and would otherwise be skipped unseen.
    "SELECT seq, at_ms, actor, kind, incident_id, details, prev_hash, hash FROM log ORDER BY seq",
    "SELECT seq, at_ms, actor, kind, incident_id, details, prev_hash, hash FROM log "
    "WHERE at_ms >= ?1 AND at_ms <= ?2 ORDER BY seq",
    "SELECT seq, at_ms, actor, kind, incident_id, details, prev_hash, hash FROM log "
    "WHERE incident_id = ?3 AND at_ms >= ?1 AND at_ms <= ?2 ORDER BY seq",
    "INSERT INTO incidents (" BATON_INCIDENT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET dedup_key = excluded.dedup_key, system = excluded.system, "
    "event_type = excluded.event_type, severity = excluded.severity, summary = excluded.summary, "
    "state = excluded.state, config_version = excluded.config_version, "
    "opened_at_ms = excluded.opened_at_ms, updated_at_ms = excluded.updated_at_ms, "
    "resolved_at_ms = excluded.resolved_at_ms, event_count = excluded.event_count, "
    "accountable = excluded.accountable, fired_rules = excluded.fired_rules, "
    "reminders_sent = excluded.reminders_sent, opened_by = excluded.opened_by",
    "INSERT INTO escalations (" BATON_ESCALATION_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET incident_id = excluded.incident_id, role = excluded.role, "
    "rule = excluded.rule, state = excluded.state, triggered_at_ms = excluded.triggered_at_ms, "
    "target_at_ms = excluded.target_at_ms, engaged_at_ms = excluded.engaged_at_ms, "
    "engaged_by = excluded.engaged_by, rung = excluded.rung, round = excluded.round, "
    "paged = excluded.paged, breached = excluded.breached",
    "INSERT INTO timers (id, due_ms, kind, incident_id, escalation_id) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET due_ms = excluded.due_ms, kind = excluded.kind, "
    "incident_id = excluded.incident_id, escalation_id = excluded.escalation_id",
    "DELETE FROM timers WHERE id = ?",
    "UPDATE id_high_water SET value = max(value, ?) WHERE name = 'timer'",
    "INSERT INTO notifications (" BATON_NOTIFICATION_COLUMNS ") "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (idempotency_key) DO UPDATE SET incident_id = excluded.incident_id, "
    "escalation_id = excluded.escalation_id, kind = excluded.kind, person = excluded.person, "
    "role = excluded.role, notifier = excluded.notifier, address = excluded.address, "
    "payload = excluded.payload, state = excluded.state, attempts = excluded.attempts, "
    "created_at_ms = excluded.created_at_ms, next_attempt_at_ms = excluded.next_attempt_at_ms, "
    "last_error = excluded.last_error",
    "UPDATE notifications SET state = ?2, attempts = ?3, next_attempt_at_ms = ?4, last_error = ?5 "
    "WHERE idempotency_key = ?1",
    "INSERT INTO config_versions (version, loaded_at_ms, sources, loaded_seq) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (version) DO UPDATE SET loaded_at_ms = excluded.loaded_at_ms, sources = excluded.sources, "
    "loaded_seq = excluded.loaded_seq",
    "INSERT INTO requests (key, at_ms, outcome) VALUES (?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET at_ms = excluded.at_ms, outcome = excluded.outcome",
    "SELECT key, at_ms, outcome FROM requests WHERE key = ?",
    "DELETE FROM requests WHERE at_ms < ?1 AND at_ms < (SELECT max(at_ms) FROM requests)",
    "SELECT key, at_ms, outcome FROM requests WHERE key >= ?1 AND key < ?2 ORDER BY key DESC LIMIT 1",
    "SELECT " BATON_INCIDENT_COLUMNS " FROM incidents WHERE id = ?",
    "SELECT " BATON_INCIDENT_COLUMNS " FROM incidents ORDER BY id",
    "SELECT " BATON_INCIDENT_COLUMNS " FROM incidents WHERE state <> 'resolved' ORDER BY id",
    "SELECT " BATON_INCIDENT_COLUMNS " FROM incidents WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
    "SELECT " BATON_INCIDENT_COLUMNS " FROM incidents WHERE state IN ('open', 'acknowledged') AND id < ?1 "
    "ORDER BY id DESC LIMIT ?2",
    "SELECT " BATON_INCIDENT_COLUMNS " FROM incidents WHERE state = ?3 AND id < ?1 ORDER BY id DESC LIMIT ?2",
    "SELECT " BATON_ESCALATION_COLUMNS " FROM escalations ORDER BY id",
    "SELECT " BATON_ESCALATION_COLUMNS " FROM escalations WHERE incident_id = ? ORDER BY id",
    // BATON_ESCALATION_COLUMNS of e. A join, in the order of escalations_by_incident: no
    // sort, and no list of open ids built first (0.6 s instead of 0.8 at a million).
    "SELECT e.id, e.incident_id, e.role, e.rule, e.state, e.triggered_at_ms, e.target_at_ms, e.engaged_at_ms, "
    "e.engaged_by, e.rung, e.round, e.paged, e.breached FROM escalations e JOIN incidents i ON i.id = e.incident_id "
    "WHERE i.state <> 'resolved' ORDER BY e.incident_id, e.id",
    "SELECT id, due_ms, kind, incident_id, escalation_id FROM timers ORDER BY due_ms, id",
    "SELECT " BATON_NOTIFICATION_COLUMNS " FROM notifications ORDER BY created_at_ms, idempotency_key",
    "SELECT " BATON_NOTIFICATION_COLUMNS " FROM notifications WHERE incident_id = ? "
    "ORDER BY created_at_ms, idempotency_key",
    // Queue order: a row keeps its rowid through the upserts that change its state.
    "SELECT " BATON_NOTIFICATION_COLUMNS " FROM notifications WHERE state = 'pending' ORDER BY rowid",
    "SELECT version, loaded_at_ms, sources, loaded_seq FROM config_versions WHERE version = ?",
    "SELECT version, loaded_at_ms, sources, loaded_seq FROM config_versions ORDER BY loaded_seq DESC LIMIT 1",
    "SELECT count(*) FROM incidents WHERE state <> 'resolved'",
    "SELECT max(0, coalesce(max(id), 0)) FROM incidents",
    "SELECT max(0, coalesce(max(id), 0)) FROM escalations",
    "SELECT max(0, coalesce((SELECT max(id) FROM timers), 0), "
    "(SELECT value FROM id_high_water WHERE name = 'timer'))",
};

#undef BATON_INCIDENT_COLUMNS
#undef BATON_ESCALATION_COLUMNS
#undef BATON_NOTIFICATION_COLUMNS

// Resets a cached statement however the call using it ends, so no statement is left
// mid-step holding a read snapshot open.
class statement_use {
 public:
  explicit statement_use(SQLite::Statement& s) : statement_(s) {}
  statement_use(const statement_use&) = delete;
  statement_use& operator=(const statement_use&) = delete;
  ~statement_use() { statement_.tryReset(); }
  SQLite::Statement* operator->() const noexcept { return &statement_; }
  SQLite::Statement& operator*() const noexcept { return statement_; }

 private:
  SQLite::Statement& statement_;
};

void bind_text(SQLite::Statement& s, int index, const std::string& text) { s.bindNoCopy(index, text); }

void bind_time(SQLite::Statement& s, int index, timestamp t) { s.bind(index, to_epoch_ms(t)); }

void bind_time(SQLite::Statement& s, int index, const std::optional<timestamp>& t) {
  if (t) {
    s.bind(index, to_epoch_ms(*t));
  } else {
    s.bind(index);  // NULL
  }
}

void read_text(const SQLite::Column& c, std::string& out) {
  out.assign(c.getText(), static_cast<std::size_t>(c.getBytes()));
}

std::string text(const SQLite::Column& c) {
  return std::string(c.getText(), static_cast<std::size_t>(c.getBytes()));
}

timestamp time_of(const SQLite::Column& c) { return from_epoch_ms(c.getInt64()); }

std::optional<timestamp> optional_time_of(const SQLite::Column& c) {
  if (c.isNull()) {
    return std::nullopt;
  }
  return from_epoch_ms(c.getInt64());
}

incident_row read_incident(SQLite::Statement& s) {
  incident_row r;
  r.id = s.getColumn(0).getInt64();
  r.dedup_key = text(s.getColumn(1));
  r.system = text(s.getColumn(2));
  r.event_type = text(s.getColumn(3));
  r.severity = text(s.getColumn(4));
  r.summary = text(s.getColumn(5));
  r.state = text(s.getColumn(6));
  r.config_version = text(s.getColumn(7));
  r.opened_at = time_of(s.getColumn(8));
  r.updated_at = time_of(s.getColumn(9));
  r.resolved_at = optional_time_of(s.getColumn(10));
  r.event_count = s.getColumn(11).getInt64();
  r.accountable = text(s.getColumn(12));
  r.fired_rules = text(s.getColumn(13));
  r.reminders_sent = s.getColumn(14).getInt();
  r.opened_by = text(s.getColumn(15));
  return r;
}

escalation_row read_escalation(SQLite::Statement& s) {
  escalation_row r;
  r.id = s.getColumn(0).getInt64();
  r.incident_id = s.getColumn(1).getInt64();
  r.role = text(s.getColumn(2));
  r.rule = text(s.getColumn(3));
  r.state = text(s.getColumn(4));
  r.triggered_at = time_of(s.getColumn(5));
  r.target_at = optional_time_of(s.getColumn(6));
  r.engaged_at = optional_time_of(s.getColumn(7));
  r.engaged_by = text(s.getColumn(8));
  r.rung = s.getColumn(9).getInt();
  r.round = s.getColumn(10).getInt();
  r.paged = text(s.getColumn(11));
  r.breached = s.getColumn(12).getInt() != 0;
  return r;
}

config_version_row read_config_version(SQLite::Statement& s) {
  return config_version_row{text(s.getColumn(0)), time_of(s.getColumn(1)), text(s.getColumn(2)),
                            s.getColumn(3).getInt64()};
}

notification_row read_notification(SQLite::Statement& s) {
  notification_row r;
  r.idempotency_key = text(s.getColumn(0));
  r.incident_id = s.getColumn(1).getInt64();
  r.escalation_id = s.getColumn(2).getInt64();
  r.kind = text(s.getColumn(3));
  r.person = text(s.getColumn(4));
  r.role = text(s.getColumn(5));
  r.notifier = text(s.getColumn(6));
  r.address = text(s.getColumn(7));
  r.payload = text(s.getColumn(8));
  r.state = text(s.getColumn(9));
  r.attempts = s.getColumn(10).getInt();
  r.created_at = time_of(s.getColumn(11));
  r.next_attempt_at = optional_time_of(s.getColumn(12));
  r.last_error = text(s.getColumn(13));
  return r;
}

// What went wrong in words for someone who does not know SQLite, with SQLite's own
// message in parentheses.
std::string describe(const SQLite::Exception& e, int busy_timeout) {
  switch (e.getErrorCode() & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return fmt::format("another connection holds a lock on the file; gave up after {} ms ({})", busy_timeout,
                         e.what());
    case SQLITE_CORRUPT:
      return fmt::format("the file is damaged ({})", e.what());
    case SQLITE_IOERR:
      return fmt::format("the file cannot be read or written ({})", e.what());
    default:
      return e.what();
  }
}

// The size and modification time of a file, to tell whether it was written between two
// moments.
struct file_stamp {
  std::uintmax_t size = 0;
  std::filesystem::file_time_type modified{};
  bool operator==(const file_stamp&) const = default;
};

std::optional<file_stamp> stamp_of(const std::filesystem::path& p) {
  std::error_code ec;
  file_stamp s;
  s.size = std::filesystem::file_size(p, ec);
  if (ec) {
    return std::nullopt;
  }
  s.modified = std::filesystem::last_write_time(p, ec);
  if (ec) {
    return std::nullopt;
  }
  return s;
}

std::filesystem::path with_suffix(const std::filesystem::path& p, const char* suffix) {
  std::filesystem::path out = p;
  out += suffix;
  return out;
}

// True when the file's header says WAL mode (the read and write versions at offsets 18
// and 19 are 2). Anything unreadable or too short is left for SQLite to judge.
bool header_says_wal(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::array<char, 20> header{};
  if (!in.read(header.data(), header.size())) {
    return false;
  }
  return std::string_view(header.data(), 16) == std::string_view("SQLite format 3\0", 16) && header[18] == 2 &&
         header[19] == 2;
}

// An SQLite URI for `p` with `query`: every byte but unreserved ones and '/' escaped,
// so no '?', '#' or '%' in a file name is taken for URI syntax. An absolute path gets
// an empty authority ("file://" + path), so one starting "//" is not read as a host.
std::string file_uri(const std::filesystem::path& p, std::string_view query) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = p.is_absolute() ? "file://" : "file:";
  for (char c : p.string()) {
    auto b = static_cast<unsigned char>(c);
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || c == '/' || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0xF];
    }
  }
  out += '?';
  out += query;
  return out;
}

}  // namespace

struct sqlite_store::impl {
  std::string path;
  int busy_timeout;
  SQLite::Database db;
  // For a WAL file read without SQLite's locking (open_read_only): the file as it was
  // before the first read.
  std::optional<file_stamp> unlocked_read_of;
  bool in_transaction = false;
  std::optional<log_head> pending_head;  // the head after this transaction's appends
  std::array<std::unique_ptr<SQLite::Statement>, static_cast<std::size_t>(query::count)> statements;

  // Every connection is used by one thread at a time (the engine's, a command's, or the
  // HTTP read pool's current borrower), so SQLite's per-connection mutex (NOMUTEX off)
  // would only be taken and released around every column read: a million times a
  // second at a restart.
  impl(const std::filesystem::path& p, int flags, int timeout_ms)
      : path(p.string()), busy_timeout(timeout_ms), db(p, flags | SQLite::OPEN_NOMUTEX, timeout_ms) {}
  /// Opens `filename` (a URI when flags has OPEN_URI) and names it `p` in messages.
  impl(const std::filesystem::path& p, const std::string& filename, int flags, int timeout_ms)
      : path(p.string()), busy_timeout(timeout_ms), db(filename, flags | SQLite::OPEN_NOMUTEX, timeout_ms) {}

  statement_use use(query q) {
    auto& slot = statements[static_cast<std::size_t>(q)];
    if (!slot) {
      slot = std::make_unique<SQLite::Statement>(db, query_text[static_cast<std::size_t>(q)]);
    }
    return statement_use(*slot);
  }

  /// Runs `f`, turning SQLite's exceptions into store_error naming the file and the
  /// operation.
  template <typename F>
  auto guarded(const char* operation, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      std::string cause = describe(e, busy_timeout);
      throw store_error(fmt::format("{}: {}: {}", path, operation, cause), cause);
    }
  }

  [[noreturn]] void throw_head_missing() const {
    static constexpr std::string_view cause = "the log_head row is missing (database damaged or tampered with)";
    throw store_error(fmt::format("{}: {}", path, cause), std::string(cause));
  }

  void execute(query q) {
    auto s = use(q);
    s->exec();
  }

  std::optional<log_head> find_head() {
    auto s = use(query::select_head);
    if (!s->executeStep()) {
      return std::nullopt;
    }
    return log_head{s->getColumn(0).getInt64(), text(s->getColumn(1))};
  }

  log_head head() {
    auto h = find_head();
    if (!h) {
      throw_head_missing();
    }
    return *std::move(h);
  }

  /// Outside a transaction: the head row moves with the record, guarded by its old value.
  void append_log_alone(const log_record& r) {
    {
      auto s = use(query::advance_head);
      s->bind(1, r.seq);
      bind_text(*s, 2, r.hash);
      s->bind(3, r.seq - 1);
      bind_text(*s, 4, r.prev_hash);
      if (s->exec() != 1) {
        throw_out_of_order(r, head());
      }
    }
    insert_log(r);
  }

  /// Inside a transaction the head row is written once, by commit(): rewriting it with
  /// every record would double the statements per append. BEGIN IMMEDIATE holds the
  /// write lock, so the head read at the first append stays current until then.
  void append_log_in_transaction(const log_record& r) {
    if (!pending_head) {
      pending_head = head();
    }
    if (r.seq != pending_head->seq + 1 || r.prev_hash != pending_head->hash) {
      throw_out_of_order(r, *pending_head);
    }
    insert_log(r);
    pending_head->seq = r.seq;
    pending_head->hash = r.hash;
  }

  void write_pending_head() {
    if (!pending_head) {
      return;
    }
    auto s = use(query::write_head);
    s->bind(1, pending_head->seq);
    bind_text(*s, 2, pending_head->hash);
    if (s->exec() != 1) {
      throw_head_missing();
    }
  }

  void insert_log(const log_record& r) {
    auto s = use(query::insert_log);
    s->bind(1, r.seq);
    bind_time(*s, 2, r.at);
    bind_text(*s, 3, r.actor);
    bind_text(*s, 4, r.kind);
    s->bind(5, r.incident_id);
    bind_text(*s, 6, r.details);
    bind_text(*s, 7, r.prev_hash);
    bind_text(*s, 8, r.hash);
    s->exec();
  }

  [[noreturn]] void throw_out_of_order(const log_record& r, const log_head& h) const {
    throw std::runtime_error(fmt::format(
        "{}: append_log: record {} does not follow the log head (record {}, hash {})", path, r.seq,
        h.seq, h.hash));
  }

  std::int64_t single_integer(query q) {
    auto s = use(q);
    s->executeStep();
    return s->getColumn(0).getInt64();
  }
};

sqlite_store::sqlite_store(const std::filesystem::path& path) {
  try {
    impl_ = std::make_unique<impl>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, busy_timeout_ms);
    // WAL lets readers (log verify, reports) run beside the writer. synchronous=FULL
    // syncs the WAL at every commit: a commit that returned is on disk even after a
    // power cut, which is what acknowledging an event promises. Grouped commits keep
    // the cost of that sync per batch, not per event.
    std::string mode = impl_->db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal") {
      throw std::runtime_error(fmt::format("cannot switch to WAL journal mode (SQLite kept '{}')", mode));
    }
    impl_->db.exec("PRAGMA synchronous = FULL");
    // 32 MiB page cache: keeps the incident and timer indexes hot at large scale.
    impl_->db.exec("PRAGMA cache_size = -32768");
    detail::migrate(impl_->db);
  } catch (const SQLite::Exception& e) {
    std::string cause = describe(e, busy_timeout_ms);
    throw store_error(fmt::format("cannot open database {}: {}", path.string(), cause), cause);
  } catch (const std::runtime_error& e) {
    throw store_error(fmt::format("cannot open database {}: {}", path.string(), e.what()), e.what());
  }
}

sqlite_store::sqlite_store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

sqlite_store::~sqlite_store() {
  if (impl_ && impl_->in_transaction) {
    rollback();
  }
}

std::unique_ptr<sqlite_store> sqlite_store::open_read_only(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto refuse = [&](std::string cause) -> store_error {
    return store_error(fmt::format("no baton database at {}: {}", name, cause), cause);
  };
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    throw refuse("the file does not exist");
  }
  if (ec) {
    throw refuse(ec.message());
  }
  if (std::filesystem::is_directory(status)) {
    throw refuse("it is a directory, not a file");
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw refuse("not a regular file");
  }
  // SQLite would take an empty file for an empty database; saying so is clearer.
  if (std::filesystem::file_size(path, ec) == 0 && !ec) {
    throw refuse("the file is empty");
  }
  std::unique_ptr<impl> p;
  std::optional<std::string> problem;
  try {
    // OPEN_READONLY never creates the database and SQLite refuses writes through it.
    // But reading a WAL-mode file goes through its -wal and -shm companions, which
    // SQLite creates when they are missing, leaving files behind (or failing in a
    // directory the reader may not write). They are missing only when no connection
    // has the file open: the last one to close deletes the -wal after moving its
    // contents into the file. Then the file alone is the whole database, and it is read
    // as immutable: no companions, no locks. A writer that starts meanwhile writes to a
    // new -wal and changes the file only when it checkpoints, which changes its size or
    // modification time; changed_underneath() tells the caller to read again.
    std::optional<file_stamp> before;
    if (header_says_wal(path) && !std::filesystem::exists(with_suffix(path, "-wal"), ec)) {
      before = stamp_of(path);
    }
    if (before) {
      p = std::make_unique<impl>(path, file_uri(path, "immutable=1"), SQLite::OPEN_READONLY | SQLite::OPEN_URI,
                                 read_only_busy_timeout_ms);
      p->unlocked_read_of = before;
    } else {
      p = std::make_unique<impl>(path, SQLite::OPEN_READONLY, read_only_busy_timeout_ms);
    }
    problem = detail::log_schema_problem(p->db);
    if (!problem) {
      // Compiled now, against the schema just checked, so that a read can fail only
      // on the file's contents.
      p->use(query::select_head);
      p->use(query::read_log);
      p->use(query::read_log_range);
    }
  } catch (const SQLite::Exception& e) {
    std::string cause = describe(e, read_only_busy_timeout_ms);
    throw store_error(fmt::format("{} cannot be read as a baton database: {}", name, cause), cause);
  }
  if (problem) {
    throw store_error(fmt::format("{} {}", name, *problem), *problem);
  }
  return std::unique_ptr<sqlite_store>(new sqlite_store(std::move(p)));
}

std::unique_ptr<sqlite_store> sqlite_store::open_reader(const std::filesystem::path& path) {
  try {
    auto p = std::make_unique<impl>(path, SQLite::OPEN_READONLY, read_only_busy_timeout_ms);
    p->db.exec("PRAGMA query_only = ON");
    return std::unique_ptr<sqlite_store>(new sqlite_store(std::move(p)));
  } catch (const SQLite::Exception& e) {
    std::string cause = describe(e, read_only_busy_timeout_ms);
    throw store_error(fmt::format("cannot read database {}: {}", path.string(), cause), cause);
  }
}

bool sqlite_store::changed_underneath() const {
  if (!impl_->unlocked_read_of) {
    return false;
  }
  auto now = stamp_of(impl_->path);
  return !now || *now != *impl_->unlocked_read_of;
}

int sqlite_store::schema_version() {
  // Never above latest_schema_version(): a newer file is refused when opened.
  return static_cast<int>(
      impl_->guarded("schema_version", [&] { return detail::applied_schema_version(impl_->db); }));
}

int sqlite_store::latest_schema_version() { return detail::latest_schema_version(); }

std::string sqlite_store::pragma_for_test(const std::string& name) {
  return impl_->guarded("pragma", [&] { return impl_->db.execAndGet("PRAGMA " + name).getString(); });
}

void sqlite_store::begin() {
  if (impl_->in_transaction) {
    throw std::logic_error("sqlite_store::begin: a transaction is already open");
  }
  impl_->guarded("begin", [&] { impl_->execute(query::begin); });
  impl_->in_transaction = true;
}

void sqlite_store::commit() {
  if (!impl_->in_transaction) {
    throw std::logic_error("sqlite_store::commit: no transaction is open");
  }
  try {
    impl_->guarded("commit", [&] {
      impl_->write_pending_head();
      impl_->execute(query::commit);
    });
  } catch (...) {
    // Some failures (disk full, I/O error) make SQLite roll back on its own; others
    // (busy) leave the transaction open for the caller's rollback().
    impl_->in_transaction = sqlite3_get_autocommit(impl_->db.getHandle()) == 0;
    if (!impl_->in_transaction) {
      impl_->pending_head.reset();
    }
    throw;
  }
  impl_->in_transaction = false;
  impl_->pending_head.reset();
}

std::shared_ptr<syncer> sqlite_store::defer_sync() {
  if (impl_->in_transaction) {
    throw std::logic_error("sqlite_store::defer_sync: a transaction is open");
  }
  impl_->guarded("defer_sync", [&] { impl_->db.exec("PRAGMA synchronous = NORMAL"); });
  return std::make_shared<wal_syncer>(impl_->path);
}

void sqlite_store::rollback() noexcept {
  if (!impl_->in_transaction) {
    return;
  }
  impl_->in_transaction = false;
  impl_->pending_head.reset();
  try {
    impl_->execute(query::rollback);
  } catch (...) {
    // Nothing to report to: SQLite may already have rolled back after an error, and
    // the connection is left in autocommit mode either way.
  }
}

void sqlite_store::append_log(const log_record& record) {
  impl_->guarded("append_log", [&] {
    if (impl_->in_transaction) {
      impl_->append_log_in_transaction(record);
      return;
    }
    // The record and the head must change together even outside a transaction.
    impl_->execute(query::begin);
    try {
      impl_->append_log_alone(record);
      impl_->execute(query::commit);
    } catch (...) {
      try {
        impl_->execute(query::rollback);
      } catch (...) {
        // already rolled back by SQLite
      }
      throw;
    }
  });
}

log_head sqlite_store::head() {
  if (impl_->pending_head) {
    return *impl_->pending_head;
  }
  return impl_->guarded("head", [&] { return impl_->head(); });
}

std::optional<log_head> sqlite_store::find_head() {
  if (impl_->pending_head) {
    return *impl_->pending_head;
  }
  return impl_->guarded("head", [&] { return impl_->find_head(); });
}

void sqlite_store::read_log(const log_range& range, const std::function<void(const log_record&)>& visit) {
  impl_->guarded("read_log", [&] {
    const bool bounded = range.since || range.until || range.incident_id != 0;
    auto s = impl_->use(range.incident_id != 0 ? query::read_incident_log
                        : bounded              ? query::read_log_range
                                               : query::read_log);
    if (bounded) {
      s->bind(1, range.since ? to_epoch_ms(*range.since) : std::numeric_limits<std::int64_t>::min());
      s->bind(2, range.until ? to_epoch_ms(*range.until) : std::numeric_limits<std::int64_t>::max());
    }
    if (range.incident_id != 0) {
      s->bind(3, range.incident_id);
    }
    log_record r;  // reused: its strings keep their capacity from row to row
    while (s->executeStep()) {
      r.seq = s->getColumn(0).getInt64();
      r.at = time_of(s->getColumn(1));
      read_text(s->getColumn(2), r.actor);
      read_text(s->getColumn(3), r.kind);
      r.incident_id = s->getColumn(4).getInt64();
      read_text(s->getColumn(5), r.details);
      read_text(s->getColumn(6), r.prev_hash);
      read_text(s->getColumn(7), r.hash);
      visit(r);
    }
  });
}

void sqlite_store::upsert_incident(const incident_row& row) {
  impl_->guarded("upsert_incident", [&] {
    auto s = impl_->use(query::upsert_incident);
    s->bind(1, row.id);
    bind_text(*s, 2, row.dedup_key);
    bind_text(*s, 3, row.system);
    bind_text(*s, 4, row.event_type);
    bind_text(*s, 5, row.severity);
    bind_text(*s, 6, row.summary);
    bind_text(*s, 7, row.state);
    bind_text(*s, 8, row.config_version);
    bind_time(*s, 9, row.opened_at);
    bind_time(*s, 10, row.updated_at);
    bind_time(*s, 11, row.resolved_at);
    s->bind(12, row.event_count);
    bind_text(*s, 13, row.accountable);
    bind_text(*s, 14, row.fired_rules);
    s->bind(15, row.reminders_sent);
    bind_text(*s, 16, row.opened_by);
    s->exec();
  });
}

void sqlite_store::upsert_escalation(const escalation_row& row) {
  impl_->guarded("upsert_escalation", [&] {
    auto s = impl_->use(query::upsert_escalation);
    s->bind(1, row.id);
    s->bind(2, row.incident_id);
    bind_text(*s, 3, row.role);
    bind_text(*s, 4, row.rule);
    bind_text(*s, 5, row.state);
    bind_time(*s, 6, row.triggered_at);
    bind_time(*s, 7, row.target_at);
    bind_time(*s, 8, row.engaged_at);
    bind_text(*s, 9, row.engaged_by);
    s->bind(10, row.rung);
    s->bind(11, row.round);
    bind_text(*s, 12, row.paged);
    s->bind(13, row.breached ? 1 : 0);
    s->exec();
  });
}

void sqlite_store::put_timer(const timer_row& row) {
  impl_->guarded("put_timer", [&] {
    auto s = impl_->use(query::put_timer);
    s->bind(1, row.id);
    bind_time(*s, 2, row.due);
    bind_text(*s, 3, row.kind);
    s->bind(4, row.incident_id);
    s->bind(5, row.escalation_id);
    s->exec();
  });
}

void sqlite_store::delete_timer(std::int64_t id) {
  impl_->guarded("delete_timer", [&] {
    auto s = impl_->use(query::delete_timer);
    s->bind(1, id);
    s->exec();
  });
}

void sqlite_store::keep_timer_ids(std::int64_t highest) {
  impl_->guarded("keep_timer_ids", [&] {
    auto s = impl_->use(query::keep_timer_ids);
    s->bind(1, highest);
    s->exec();
  });
}

void sqlite_store::put_notification(const notification_row& row) {
  impl_->guarded("put_notification", [&] {
    auto s = impl_->use(query::put_notification);
    bind_text(*s, 1, row.idempotency_key);
    s->bind(2, row.incident_id);
    s->bind(3, row.escalation_id);
    bind_text(*s, 4, row.kind);
    bind_text(*s, 5, row.person);
    bind_text(*s, 6, row.role);
    bind_text(*s, 7, row.notifier);
    bind_text(*s, 8, row.address);
    bind_text(*s, 9, row.payload);
    bind_text(*s, 10, row.state);
    s->bind(11, row.attempts);
    bind_time(*s, 12, row.created_at);
    bind_time(*s, 13, row.next_attempt_at);
    bind_text(*s, 14, row.last_error);
    s->exec();
  });
}

void sqlite_store::update_notification(const notification_progress& p) {
  impl_->guarded("update_notification", [&] {
    auto s = impl_->use(query::update_notification);
    bind_text(*s, 1, p.idempotency_key);
    bind_text(*s, 2, p.state);
    s->bind(3, p.attempts);
    bind_time(*s, 4, p.next_attempt_at);
    bind_text(*s, 5, p.last_error);
    if (s->exec() != 1) {
      const std::string cause = "no queued notification " + p.idempotency_key;
      throw store_error(fmt::format("{}: update_notification: {}", impl_->path, cause), cause);
    }
  });
}

void sqlite_store::put_config_version(const config_version_row& row) {
  impl_->guarded("put_config_version", [&] {
    auto s = impl_->use(query::put_config_version);
    bind_text(*s, 1, row.version);
    bind_time(*s, 2, row.loaded_at);
    bind_text(*s, 3, row.sources);
    s->bind(4, row.loaded_seq);
    s->exec();
  });
}

void sqlite_store::put_request(const request_row& row) {
  impl_->guarded("put_request", [&] {
    auto s = impl_->use(query::put_request);
    bind_text(*s, 1, row.key);
    bind_time(*s, 2, row.at);
    bind_text(*s, 3, row.outcome);
    s->exec();
  });
}

std::optional<request_row> sqlite_store::find_request(std::string_view key) {
  const std::string k(key);
  return impl_->guarded("find_request", [&]() -> std::optional<request_row> {
    auto s = impl_->use(query::find_request);
    bind_text(*s, 1, k);
    if (!s->executeStep()) {
      return std::nullopt;
    }
    return request_row{text(s->getColumn(0)), time_of(s->getColumn(1)), text(s->getColumn(2))};
  });
}

void sqlite_store::forget_requests_before(timestamp t) {
  impl_->guarded("forget_requests_before", [&] {
    auto s = impl_->use(query::forget_requests);
    bind_time(*s, 1, t);
    s->exec();
  });
}

std::optional<request_row> sqlite_store::last_request(std::string_view prefix) {
  // Every key starting with an ASCII `prefix` lies in [prefix, prefix with its last
  // character raised by one).
  if (prefix.empty() || static_cast<unsigned char>(prefix.back()) >= 0x7F) {
    throw std::invalid_argument("last_request: the prefix must be non-empty ASCII");
  }
  const std::string lower(prefix);
  std::string upper(prefix);
  upper.back() = static_cast<char>(upper.back() + 1);
  return impl_->guarded("last_request", [&]() -> std::optional<request_row> {
    auto s = impl_->use(query::last_request);
    bind_text(*s, 1, lower);
    bind_text(*s, 2, upper);
    if (!s->executeStep()) {
      return std::nullopt;
    }
    return request_row{text(s->getColumn(0)), time_of(s->getColumn(1)), text(s->getColumn(2))};
  });
}

std::optional<timestamp> sqlite_store::last_log_time() {
  return impl_->guarded("last_log_time", [&]() -> std::optional<timestamp> {
    auto s = impl_->use(query::last_log_time);
    if (!s->executeStep()) {
      return std::nullopt;
    }
    return time_of(s->getColumn(0));
  });
}

std::optional<incident_row> sqlite_store::find_incident(std::int64_t id) {
  return impl_->guarded("find_incident", [&]() -> std::optional<incident_row> {
    auto s = impl_->use(query::find_incident);
    s->bind(1, id);
    if (!s->executeStep()) {
      return std::nullopt;
    }
    return read_incident(*s);
  });
}

void sqlite_store::each_incident(bool open_only, const std::function<void(incident_row&)>& f) {
  impl_->guarded("incidents", [&] {
    auto s = impl_->use(open_only ? query::open_incidents : query::all_incidents);
    while (s->executeStep()) {
      auto row = read_incident(*s);
      f(row);
    }
  });
}

std::vector<incident_row> sqlite_store::incident_page_of(const incident_page& page) {
  return impl_->guarded("incidents", [&] {
    auto s = impl_->use(page.state.empty()    ? query::incident_page_any
                        : page.state == "open" ? query::incident_page_open
                                               : query::incident_page_state);
    s->bind(1, page.before_id > 0 ? page.before_id : std::numeric_limits<std::int64_t>::max());
    s->bind(2, static_cast<std::int64_t>(page.limit));
    if (!page.state.empty() && page.state != "open") {
      bind_text(*s, 3, page.state);
    }
    std::vector<incident_row> out;
    while (s->executeStep()) {
      out.push_back(read_incident(*s));
    }
    return out;
  });
}

std::vector<escalation_row> sqlite_store::escalations(std::int64_t incident_id) {
  return impl_->guarded("escalations", [&] {
    auto s = impl_->use(incident_id == 0 ? query::all_escalations : query::incident_escalations);
    if (incident_id != 0) {
      s->bind(1, incident_id);
    }
    std::vector<escalation_row> out;
    while (s->executeStep()) {
      out.push_back(read_escalation(*s));
    }
    return out;
  });
}

void sqlite_store::each_open_escalation(const std::function<void(escalation_row&)>& f) {
  impl_->guarded("open_escalations", [&] {
    auto s = impl_->use(query::open_escalations);
    while (s->executeStep()) {
      auto row = read_escalation(*s);
      f(row);
    }
  });
}

void sqlite_store::each_timer(const std::function<void(timer_row&)>& f) {
  impl_->guarded("timers", [&] {
    auto s = impl_->use(query::timers);
    while (s->executeStep()) {
      timer_row r;
      r.id = s->getColumn(0).getInt64();
      r.due = time_of(s->getColumn(1));
      r.kind = text(s->getColumn(2));
      r.incident_id = s->getColumn(3).getInt64();
      r.escalation_id = s->getColumn(4).getInt64();
      f(r);
    }
  });
}

std::vector<notification_row> sqlite_store::notifications(std::int64_t incident_id) {
  return impl_->guarded("notifications", [&] {
    auto s = impl_->use(incident_id == 0 ? query::all_notifications : query::incident_notifications);
    if (incident_id != 0) {
      s->bind(1, incident_id);
    }
    std::vector<notification_row> out;
    while (s->executeStep()) {
      out.push_back(read_notification(*s));
    }
    return out;
  });
}

std::vector<notification_row> sqlite_store::pending_notifications() {
  return impl_->guarded("pending_notifications", [&] {
    auto s = impl_->use(query::pending_notifications);
    std::vector<notification_row> out;
    while (s->executeStep()) {
      out.push_back(read_notification(*s));
    }
    return out;
  });
}

std::optional<config_version_row> sqlite_store::find_config_version(std::string_view version) {
  return impl_->guarded("find_config_version", [&]() -> std::optional<config_version_row> {
    auto s = impl_->use(query::find_config_version);
    s->bind(1, std::string(version));
    if (!s->executeStep()) {
      return std::nullopt;
    }
    return read_config_version(*s);
  });
}

std::optional<config_version_row> sqlite_store::current_config_version() {
  return impl_->guarded("current_config_version", [&]() -> std::optional<config_version_row> {
    auto s = impl_->use(query::current_config_version);
    if (!s->executeStep()) {
      return std::nullopt;
    }
    return read_config_version(*s);
  });
}

std::size_t sqlite_store::count_open_incidents() {
  return impl_->guarded("count_open_incidents", [&] {
    return static_cast<std::size_t>(std::max<std::int64_t>(0, impl_->single_integer(query::count_open_incidents)));
  });
}

std::int64_t sqlite_store::max_incident_id() {
  return impl_->guarded("max_incident_id", [&] { return impl_->single_integer(query::max_incident_id); });
}

std::int64_t sqlite_store::max_escalation_id() {
  return impl_->guarded("max_escalation_id", [&] { return impl_->single_integer(query::max_escalation_id); });
}

std::int64_t sqlite_store::max_timer_id() {
  return impl_->guarded("max_timer_id", [&] { return impl_->single_integer(query::max_timer_id); });
}

}  // namespace baton::store
