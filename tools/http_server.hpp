// A small HTTP/1.1 server on libmicrohttpd for the daemons of the p2pcdn program: a pool of
// threads each polling the listening socket (epoll), whole requests handed to one handler
// function, every request logged once through a log function.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace p2pcdn_cli {

struct http_request {
    std::string method;
    std::string path;   // as libmicrohttpd decoded it, without the query
    std::string query;  // what followed '?', still percent-encoded; empty without one
    std::string body;
    std::string remote;  // the client's address ("192.0.2.1", "2001:db8::1"); IPv4 unmapped
};

struct http_reply {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra ones
    // Why the request failed, for the log line only (never sent); empty on success.
    std::string error;
};

// How the server words the answers it makes itself: 413 for a body above max_body, 500 when
// the handler throws.
using http_error_fn = std::function<http_reply(int status, const std::string& message)>;

struct http_server_options {
    std::string address = "127.0.0.1";  // IPv4 dotted quad, or IPv6 text without brackets
    std::uint16_t port = 0;             // 0: any free port (see http_server::port)
    unsigned threads = 4;
    std::size_t max_body = std::size_t{16} << 20;  // bigger requests get 413
    unsigned max_connections = 1024;
    unsigned idle_timeout_s = 30;
    http_error_fn error_reply;  // empty: a text/plain message
};

using http_handler = std::function<http_reply(const http_request&)>;
// Called once per answered request, from a server thread.
using http_logger =
    std::function<void(const http_request&, const http_reply&, std::chrono::microseconds took)>;

class http_server {
public:
    // Listens and starts the threads; throws std::runtime_error with the reason (an address
    // that does not parse, a port in use, ...). The handler and the logger run on the server's
    // threads, several at once.
    http_server(const http_server_options& options, http_handler handler, http_logger logger);
    // Stops accepting, waits for the requests in progress and the threads.
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // The port it listens on (the one picked when the options said 0).
    std::uint16_t port() const noexcept;

    struct state;

private:
    std::unique_ptr<state> state_;
};

}  // namespace p2pcdn_cli
