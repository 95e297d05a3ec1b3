#include "http_server.hpp"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace p2pcdn_cli {

// What libmicrohttpd reads per connection (request line, headers): room for a BitTorrent
// announce query with a large p2pcdn_bitfield (the library takes queries up to 64 KiB).
constexpr std::size_t connection_memory = std::size_t{256} << 10;

struct http_server::state {
    http_server_options options;
    http_handler handler;
    http_logger logger;
    MHD_Daemon* daemon = nullptr;
    std::uint16_t port = 0;
};

namespace {

using state = http_server::state;
using clock = std::chrono::steady_clock;

// One request from its first line to its answer.
struct request_context {
    http_request request;
    clock::time_point started = clock::now();
    bool headers_seen = false;
};

std::string address_text(const sockaddr* sa) {
    char text[INET6_ADDRSTRLEN] = "";
    if (sa == nullptr) {
        return {};
    }
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    } else if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            // A dual-stack socket's IPv4 client is an IPv4 peer, not an IPv6 one.
            inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
        } else {
            inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        }
    }
    return text;
}

void* on_uri(void*, const char* uri, MHD_Connection* connection) {
    auto* context = new (std::nothrow) request_context;
    if (context == nullptr) {
        return nullptr;  // on_request closes the connection
    }
    try {
        // The raw request target: the query is kept as it arrived, percent-encoded, for
        // parsers that must see its bytes exactly (a BitTorrent info_hash).
        if (const char* mark = std::strchr(uri, '?')) {
            context->request.query = mark + 1;
        }
        const MHD_ConnectionInfo* info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        context->request.remote = address_text(info != nullptr ? info->client_addr : nullptr);
    } catch (...) {
        delete context;
        return nullptr;
    }
    return context;
}

void on_completed(void*, MHD_Connection*, void** context, MHD_RequestTerminationCode) {
    delete static_cast<request_context*>(*context);
    *context = nullptr;
}

http_reply error_reply(const state& s, int status, const std::string& message) {
    http_reply reply;
    if (s.options.error_reply) {
        reply = s.options.error_reply(status, message);
    } else {
        reply.content_type = "text/plain";
        reply.body = message + "\n";
    }
    reply.status = status;
    reply.error = message;
    return reply;
}

void log_request(const state& s, const request_context& context, const http_reply& reply) {
    try {
        s.logger(
            context.request, reply,
            std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - context.started));
    } catch (...) {
        // A log line that cannot be written must not take the request down with it.
    }
}

MHD_Result send(const state& s, MHD_Connection* connection, const request_context& context,
                const http_reply& reply) {
    MHD_Response* response = MHD_create_response_from_buffer(
        reply.body.size(), const_cast<char*>(reply.body.data()), MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) {
        return MHD_NO;
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
    for (const auto& [name, value] : reply.headers) {
        MHD_add_response_header(response, name.c_str(), value.c_str());
    }
    const MHD_Result queued =
        MHD_queue_response(connection, static_cast<unsigned>(reply.status), response);
    MHD_destroy_response(response);
    log_request(s, context, reply);
    return queued;
}

http_reply run_handler(const state& s, const http_request& request) {
    try {
        return s.handler(request);
    } catch (const std::exception& e) {
        return error_reply(s, 500, std::string("internal error: ") + e.what());
    } catch (...) {
        return error_reply(s, 500, "internal error");
    }
}

bool declared_too_large(MHD_Connection* connection, std::size_t max_body) {
    const char* length =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length == nullptr) {
        return false;
    }
    char* end = nullptr;
    errno = 0;
    const unsigned long long declared = std::strtoull(length, &end, 10);
    return errno == ERANGE || declared > max_body;
}

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method,
                      const char*, const char* upload_data, size_t* upload_size, void** slot) {
    const state& s = *static_cast<const state*>(cls);
    auto* context = static_cast<request_context*>(*slot);
    if (context == nullptr) {
        return MHD_NO;  // on_uri ran out of memory
    }
    try {
        if (!context->headers_seen) {
            context->headers_seen = true;
            context->request.method = method;
            context->request.path = url;
            if (declared_too_large(connection, s.options.max_body)) {
                return send(s, connection, *context,
                            error_reply(s, 413,
                                        "request body above " + std::to_string(s.options.max_body) +
                                            " bytes"));
            }
            return MHD_YES;
        }
        if (*upload_size != 0) {
            if (*upload_size > s.options.max_body - context->request.body.size()) {
                // A chunked body past the limit: no answer can be queued while it arrives.
                log_request(
                    s, *context,
                    error_reply(s, 413,
                                "chunked request body above " + std::to_string(s.options.max_body) +
                                    " bytes; connection closed"));
                return MHD_NO;
            }
            context->request.body.append(upload_data, *upload_size);
            *upload_size = 0;
            return MHD_YES;
        }
        return send(s, connection, *context, run_handler(s, context->request));
    } catch (...) {
        return MHD_NO;  // out of memory: drop the connection
    }
}

sockaddr_storage listen_address(const http_server_options& options, bool& ipv6) {
    sockaddr_storage storage{};
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET, options.address.c_str(), &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(options.port);
        ipv6 = false;
    } else if (inet_pton(AF_INET6, options.address.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(options.port);
        ipv6 = true;
    } else {
        throw std::runtime_error("'" + options.address + "' is not an IPv4 or IPv6 address");
    }
    return storage;
}

}  // namespace

http_server::http_server(const http_server_options& options, http_handler handler,
                         http_logger logger)
    : state_(std::make_unique<state>()) {
    state_->options = options;
    state_->handler = std::move(handler);
    state_->logger = std::move(logger);
    bool ipv6 = false;
    sockaddr_storage address = listen_address(options, ipv6);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (ipv6) {
        flags |= MHD_USE_IPv6;
    }
    state_->daemon = MHD_start_daemon(
        flags, options.port, nullptr, nullptr, &on_request, state_.get(), MHD_OPTION_SOCK_ADDR,
        reinterpret_cast<sockaddr*>(&address), MHD_OPTION_THREAD_POOL_SIZE,
        static_cast<unsigned>(options.threads), MHD_OPTION_URI_LOG_CALLBACK, &on_uri, nullptr,
        MHD_OPTION_NOTIFY_COMPLETED, &on_completed, nullptr, MHD_OPTION_CONNECTION_LIMIT,
        static_cast<unsigned>(options.max_connections), MHD_OPTION_CONNECTION_TIMEOUT,
        static_cast<unsigned>(options.idle_timeout_s), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        connection_memory, MHD_OPTION_END);
    if (state_->daemon == nullptr) {
        throw std::runtime_error("cannot listen on " + options.address + " port " +
                                 std::to_string(options.port) +
                                 " (in use, or not an address of this host)");
    }
    const MHD_DaemonInfo* info = MHD_get_daemon_info(state_->daemon, MHD_DAEMON_INFO_BIND_PORT);
    state_->port = info != nullptr ? info->port : options.port;
}

http_server::~http_server() {
    MHD_stop_daemon(state_->daemon);
}

std::uint16_t http_server::port() const noexcept {
    return state_->port;
}

}  // namespace p2pcdn_cli
