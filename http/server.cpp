#include "http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <mutex>
#include <atomic>
#include <cctype>
#include <random>
#include <optional>
#include <stdexcept>

#include "base/thread_name.hpp"

namespace baton::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

response error_response(unsigned status, std::string_view code, std::string_view message) {
  boost::json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  boost::json::object o;
  o["error"] = std::move(inner);
  return {status, boost::json::serialize(o), "application/json", {}};
}

// Sessions and handlers refer to it by reference: it outlives them, since destroying
// `ioc` (its last member to go but the acceptor) destroys every handler still pending.
struct server::impl {
  impl(const std::string& host, std::uint16_t port, handler h, server_options o)
      : opts(o), on_request(std::move(h)), ioc(static_cast<int>(o.threads)), acceptor(net::make_strand(ioc)) {
    boost::system::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec) {
      throw std::runtime_error(fmt::format("cannot listen on {}:{}: {} is not an IP address", host, port, host));
    }
    const tcp::endpoint at{address, port};
    auto fail = [&](const char* what) {
      if (ec) {
        throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}: {}", host, port, what, ec.message()));
      }
    };
    acceptor.open(at.protocol(), ec);
    fail("open");
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    fail("set_option");
    acceptor.bind(at, ec);
    fail("bind");
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    fail("listen");
    bound_port = acceptor.local_endpoint().port();
  }

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [self = this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !self->acceptor.is_open()) {
          return;  // stopping
        }
      } else if (self->open_connections.load() >= self->opts.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);  // at the cap: refused at once rather than queued
      } else {
        self->start_session(std::move(socket));
      }
      self->accept();
    });
  }

  void start_session(tcp::socket socket);

  void answered() {
    std::lock_guard lock(drain_mu);
    --in_flight;
    drained.notify_all();
  }

  server_options opts;
  handler on_request;
  std::atomic<std::size_t> open_connections{0};
  std::uint16_t bound_port = 0;  // kept: the acceptor may be closed (stop_accepting)
  // Requests handed to the handler whose answer is not yet written (drain()).
  std::mutex drain_mu;
  std::condition_variable drained;
  std::size_t in_flight = 0;
  net::io_context ioc;
  // Keeps the threads running while nothing is pending on a socket: after
  // stop_accepting(), with every request at the handler, answers still get written.
  net::executor_work_guard<net::io_context::executor_type> keep_running{ioc.get_executor()};
  tcp::acceptor acceptor;
};

namespace {

// The client's X-Request-Id when it is one a log can carry safely; else a new one, unique
// in this process: a random prefix chosen at start and a count.
std::string request_id_of(std::string_view given) {
  const bool sane = !given.empty() && given.size() <= 128 && std::all_of(given.begin(), given.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
  });
  if (sane) {
    return std::string(given);
  }
  static const std::uint32_t prefix = std::random_device{}();
  static std::atomic<std::uint64_t> count{0};
  return fmt::format("{:08x}-{:x}", prefix, ++count);
}

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, server::impl& owner) : stream_(std::move(socket)), owner_(&owner) {
    ++owner_->open_connections;
  }
  ~session() {
    if (awaiting_) {
      owner_->answered();  // closed before its answer went out
    }
    --owner_->open_connections;
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    request_id_.clear();
    parser_.emplace();
    parser_->body_limit(owner_->opts.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(owner_->opts.header_limit));
    stream_.expires_after(owner_->opts.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof) {
      // The client is done sending (it may have half-closed): nothing more to answer.
      close();
      return;
    }
    if (ec == bhttp::error::body_limit) {
      // The head was read: the client's request id, if it sent one, is known.
      refuse(error_response(413, "body_too_large",
                            fmt::format("the body is larger than {} bytes", owner_->opts.body_limit)),
             parser_->get()["X-Request-Id"]);
      return;
    }
    if (ec == bhttp::error::header_limit) {
      refuse(error_response(431, "headers_too_large",
                            fmt::format("the headers are larger than {} bytes", owner_->opts.header_limit)),
             {});
      return;
    }
    if (ec == beast::error::timeout || ec == net::error::operation_aborted || ec == net::error::connection_reset) {
      close();
      return;
    }
    if (ec) {
      // Not HTTP: answer once, then close (the stream cannot be trusted to continue).
      refuse(error_response(400, "bad_request", fmt::format("not an HTTP/1.1 request: {}", ec.message())), {});
      return;
    }
    auto& m = parser_->get();
    keep_alive_ = m.keep_alive();
    request r;
    r.method = std::string(m.method_string());
    r.target = std::string(m.target());
    r.content_type = std::string(m[bhttp::field::content_type]);
    r.authorization = std::string(m[bhttp::field::authorization]);
    r.idempotency_key = std::string(m["Idempotency-Key"]);
    r.request_id = request_id_of(m["X-Request-Id"]);
    request_id_ = r.request_id;
    r.body = std::move(m.body());
    // No time limit while the handler works (the engine commits): the answer comes.
    stream_.expires_never();
    {
      std::lock_guard lock(owner_->drain_mu);
      ++owner_->in_flight;
    }
    awaiting_ = true;
    auto self = shared_from_this();
    owner_->on_request(std::move(r), [self](response out) {
      net::post(self->stream_.get_executor(),
                [self, out = std::move(out)]() mutable { self->answer(std::move(out), self->keep_alive_); });
    });
  }

  // An answer the server gives itself, ending the connection: with a request id like any
  // other, and told to the observer (metrics, the log).
  void refuse(response r, std::string_view given_id) {
    request_id_ = request_id_of(given_id);
    if (owner_->opts.on_refused) {
      owner_->opts.on_refused(r, request_id_);
    }
    answer(std::move(r), false);
  }

  void answer(response r, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(r.status), 11);
    res->set(bhttp::field::server, "baton");
    if (!request_id_.empty()) {
      res->set("X-Request-Id", request_id_);
    }
    res->set(bhttp::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) {
      res->set(name, value);
    }
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(owner_->opts.read_timeout);  // a client that never reads is let go
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (self->awaiting_) {
        self->awaiting_ = false;
        self->owner_->answered();
      }
      if (ec) {
        self->close();
      } else if (!res->keep_alive()) {
        self->linger_close();
      } else {
        self->read();
      }
    });
  }

  // After an answer that ends the connection (an error, or the client asked): stop
  // sending, then read and drop what the client is still sending, for a while, before
  // closing. Closing with unread bytes would reset the connection, and a reset can take
  // the answer with it before the client reads it.
  void linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::min<std::chrono::milliseconds>(owner_->opts.read_timeout, std::chrono::seconds{5}));
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > max_drained) {
        self->stream_.close();
        return;
      }
      self->drain();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  server::impl* owner_;
  bool keep_alive_ = true;
  bool awaiting_ = false;   // a request is with the handler, its answer not yet written
  std::string request_id_;  // of the request being answered
  static constexpr std::size_t max_drained = 16 * 1024 * 1024;
  std::array<char, 4096> discard_{};
  std::size_t drained_ = 0;
};

}  // namespace

void server::impl::start_session(tcp::socket socket) {
  std::make_shared<session>(std::move(socket), *this)->start();
}

server::server(const std::string& host, std::uint16_t port, handler h, server_options o)
    : impl_(std::make_unique<impl>(host, port, std::move(h), o)) {}

server::~server() { stop(); }

std::uint16_t server::port() const noexcept { return impl_->bound_port; }

void server::start() {
  impl_->accept();
  for (unsigned i = 0; i < std::max(1u, impl_->opts.threads); ++i) {
    threads_.emplace_back([i = impl_.get()] {
      name_this_thread("baton-http");
      i->ioc.run();
    });
  }
}

void server::stop_accepting() {
  net::post(impl_->acceptor.get_executor(), [i = impl_.get()] {
    boost::system::error_code ignored;
    i->acceptor.close(ignored);
  });
}

bool server::drain(std::chrono::milliseconds limit) {
  std::unique_lock lock(impl_->drain_mu);
  return impl_->drained.wait_for(lock, limit, [&] { return impl_->in_flight == 0; });
}

void server::stop() {
  if (threads_.empty()) {
    return;
  }
  impl_->keep_running.reset();
  impl_->ioc.stop();
  for (auto& t : threads_) {
    t.join();
  }
  threads_.clear();
  // No thread runs it now: the acceptor can be closed from here.
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

std::size_t server::connections() const noexcept { return impl_->open_connections.load(); }

}  // namespace baton::http
