#include "http/transfer.hpp"

#include "http/curl_errors.hpp"
#include "http/redact.hpp"
#include "http/retry_after.hpp"

#include <p2pcdn/p2pcdn_version.h>

#include <sys/socket.h>

#include <ctime>

namespace p2pcdn::http {
namespace {

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                          s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

// libcurl's detail text as one line, with every URL in it redacted.
std::string clean_detail(const char* text) {
    std::string line;
    for (const char* p = text; *p != '\0'; ++p) {
        line += (*p == '\n' || *p == '\r') ? ' ' : *p;
    }
    std::string out;
    std::size_t pos = 0;
    while (pos < line.size()) {
        std::size_t end = line.find(' ', pos);
        if (end == std::string::npos) {
            end = line.size();
        }
        std::string_view word(line.data() + pos, end - pos);
        if (word.find("://") != std::string_view::npos) {
            out += redact_url(word);
        } else {
            out.append(word);
        }
        if (end < line.size()) {
            out += ' ';
        }
        pos = end + 1;
    }
    return std::string(trim(out));
}

template <typename T>
void set(CURL* easy, CURLoption option, T value) {
    CURLcode rc = curl_easy_setopt(easy, option, value);
    if (rc == CURLE_OUT_OF_MEMORY) {
        throw std::bad_alloc();
    }
    if (rc != CURLE_OK) {
        fail(errc::error, "curl_easy_setopt({}) failed: {}", static_cast<int>(option),
             curl_easy_strerror(rc));
    }
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out += ',';
        }
        out += item;
    }
    return out;
}

}  // namespace

transfer::transfer(std::uint64_t id, request req, completion done, std::string origin)
    : id_(id), req_(std::move(req)), done_(std::move(done)), origin_(std::move(origin)) {}

transfer::~transfer() {
    curl_slist_free_all(header_list_);
}

void transfer::attach(CURL* easy, const client_config& config, std::string buffer) {
    buffer.clear();
    res_.body = std::move(buffer);
    easy_ = easy;
    limit_ = config.max_response_bytes;
    if (req_.max_response_bytes != 0 && req_.max_response_bytes < limit_) {
        limit_ = req_.max_response_bytes;
    }
    refuse_private_ = config.policy.refuse_private_addresses;

    set(easy, CURLOPT_PRIVATE, static_cast<void*>(this));
    set(easy, CURLOPT_ERRORBUFFER, errbuf_);
    set(easy, CURLOPT_NOSIGNAL, 1L);
    set(easy, CURLOPT_URL, req_.url.c_str());
    const std::string schemes = join(config.policy.schemes);
    set(easy, CURLOPT_PROTOCOLS_STR, schemes.c_str());
    set(easy, CURLOPT_REDIR_PROTOCOLS_STR, schemes.c_str());
    set(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    set(easy, CURLOPT_PIPEWAIT, 1L);
    set(easy, CURLOPT_PROXY, config.proxy.c_str());

    // Method and body.
    const bool get_or_head = req_.method == "GET" || req_.method == "HEAD";
    if (req_.method == "HEAD") {
        set(easy, CURLOPT_NOBODY, 1L);
    } else if (req_.method != "GET") {
        set(easy, CURLOPT_CUSTOMREQUEST, req_.method.c_str());
    }
    if (!req_.body.empty() || req_.method == "PUT" || req_.method == "POST") {
        set(easy, CURLOPT_POSTFIELDS, req_.body.data());
        set(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req_.body.size()));
    }

    // Headers. An empty "Expect:" stops libcurl from waiting for 100-continue on bodies.
    for (const auto& [name, value] : req_.headers) {
        std::string line = name + ": " + value;
        if (value.empty()) {
            line = name + ";";  // libcurl's way to send a header with no value
        }
        curl_slist* grown = curl_slist_append(header_list_, line.c_str());
        if (grown == nullptr) {
            throw std::bad_alloc();
        }
        header_list_ = grown;
    }
    if (!req_.body.empty()) {
        curl_slist* grown = curl_slist_append(header_list_, "Expect:");
        if (grown == nullptr) {
            throw std::bad_alloc();
        }
        header_list_ = grown;
    }
    set(easy, CURLOPT_HTTPHEADER, header_list_);
    const std::string agent = config.user_agent.empty()
                                  ? std::string("p2pcdn/") + P2PCDN_VERSION_STRING
                                  : config.user_agent;
    set(easy, CURLOPT_USERAGENT, agent.c_str());

    // Redirects.
    const bool follow = req_.follow_redirects && get_or_head && config.max_redirects > 0;
    set(easy, CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L);
    set(easy, CURLOPT_MAXREDIRS, config.max_redirects);
    set(easy, CURLOPT_UNRESTRICTED_AUTH, 0L);

    // TLS.
    set(easy, CURLOPT_SSL_VERIFYPEER, config.insecure_skip_verify ? 0L : 1L);
    set(easy, CURLOPT_SSL_VERIFYHOST, config.insecure_skip_verify ? 0L : 2L);
    if (!config.ca_file.empty()) {
        set(easy, CURLOPT_CAINFO, config.ca_file.c_str());
    }
    if (!config.ca_path.empty()) {
        set(easy, CURLOPT_CAPATH, config.ca_path.c_str());
    }

    // Time and size limits.
    set(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout_ms));
    const std::int64_t timeout = req_.timeout_ms != 0 ? req_.timeout_ms : config.timeout_ms;
    set(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout));
    set(easy, CURLOPT_LOW_SPEED_LIMIT, config.low_speed_bytes_per_s);
    set(easy, CURLOPT_LOW_SPEED_TIME, config.low_speed_time_s);
    set(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limit_));

    // libcurl's default 16 KiB receive buffer costs a callback and a copy per 16 KiB; pieces
    // are hundreds of KiB, and a larger buffer more than halves the client's time (docs/
    // benchmarks.md). Best effort: libcurl 7.88 refuses the change on a reused handle whose
    // last transfer was aborted mid-redirect, and the transfer works either way.
    (void)curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 128L * 1024);

    // Callbacks.
    set(easy, CURLOPT_WRITEFUNCTION, &transfer::on_body);
    set(easy, CURLOPT_WRITEDATA, static_cast<void*>(this));
    set(easy, CURLOPT_HEADERFUNCTION, &transfer::on_header);
    set(easy, CURLOPT_HEADERDATA, static_cast<void*>(this));
    set(easy, CURLOPT_OPENSOCKETFUNCTION, &transfer::on_open_socket);
    set(easy, CURLOPT_OPENSOCKETDATA, static_cast<void*>(this));
}

CURL* transfer::detach() noexcept {
    CURL* easy = easy_;
    easy_ = nullptr;
    if (easy != nullptr) {
        curl_easy_reset(easy);
    }
    return easy;
}

std::size_t transfer::on_body(char* data, std::size_t size, std::size_t count, void* self) {
    auto* t = static_cast<transfer*>(self);
    const std::size_t n = size * count;
    if (t->res_.body.size() + n > t->limit_) {
        t->over_limit_ = true;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    try {
        if (t->res_.body.empty()) {
            // One allocation of the announced size instead of doubling from libcurl's 16 KiB
            // chunks: at CDN speeds the copies and fresh pages of regrowth cost more than the
            // transfer itself. A body above the limit fails above before it is reserved for.
            curl_off_t announced = -1;
            if (curl_easy_getinfo(t->easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) ==
                    CURLE_OK &&
                announced > 0 && static_cast<std::uint64_t>(announced) <= t->limit_) {
                t->res_.body.reserve(static_cast<std::size_t>(announced));
            }
        }
        t->res_.body.append(data, n);
    } catch (...) {
        return 0;
    }
    return n;
}

std::size_t transfer::on_header(char* data, std::size_t size, std::size_t count, void* self) {
    auto* t = static_cast<transfer*>(self);
    const std::size_t n = size * count;
    try {
        std::string_view line(data, n);
        if (line.substr(0, 5) == "HTTP/") {
            // A new answer (after a redirect, or after a 1xx): start over.
            std::size_t space = line.find(' ');
            long status = 0;
            for (std::size_t i = space == std::string_view::npos ? line.size() : space + 1;
                 i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
                status = status * 10 + (line[i] - '0');
            }
            t->res_.headers.clear();
            if (status >= 200) {
                char* url = nullptr;
                curl_easy_getinfo(t->easy_, CURLINFO_EFFECTIVE_URL, &url);
                t->visited_.emplace_back(url != nullptr ? url : "");
            }
            return n;
        }
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            return n;  // the blank line, or nothing we understand
        }
        t->res_.headers.emplace_back(lowercase(trim(line.substr(0, colon))),
                                     std::string(trim(line.substr(colon + 1))));
    } catch (...) {
        return 0;
    }
    return n;
}

curl_socket_t transfer::on_open_socket(void* self, curlsocktype purpose,
                                       struct curl_sockaddr* address) {
    auto* t = static_cast<transfer*>(self);
    if (t->refuse_private_ && purpose == CURLSOCKTYPE_IPCXN) {
        ip_address ip;
        if (!address_of(&address->addr, ip)) {
            t->refused_ = "refused to connect to a non-IP address";
            return CURL_SOCKET_BAD;
        }
        if (const char* kind = special_address_kind(ip)) {
            try {
                t->refused_ = fmt::format("refused to connect to {} address {}", kind,
                                          ip.to_string());
            } catch (...) {
                t->refused_ = "refused to connect to a private address";
            }
            return CURL_SOCKET_BAD;
        }
    }
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

std::string transfer::describe_failure(CURLcode result) const {
    std::string detail = clean_detail(errbuf_);
    if (detail.empty()) {
        detail = curl_easy_strerror(result);
    }
    return detail;
}

response transfer::finish(CURLcode result) {
    response res = std::move(res_);
    res_ = response{};
    res.request_body = std::move(req_.body);
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &res.status);
    char* url = nullptr;
    curl_easy_getinfo(easy_, CURLINFO_EFFECTIVE_URL, &url);
    res.final_url = url != nullptr ? url : req_.url;
    curl_easy_getinfo(easy_, CURLINFO_REDIRECT_COUNT, &res.redirects);
    if (!visited_.empty()) {
        res.hops.assign(visited_.begin(), visited_.end() - 1);
    }
    if (const std::string* retry = res.header("retry-after")) {
        res.retry_after_ms = parse_retry_after(*retry, static_cast<std::int64_t>(std::time(nullptr)));
    }

    const std::string where = req_.method + " " + redact_url(res.final_url);
    if (over_limit_ || result == CURLE_FILESIZE_EXCEEDED) {
        res.error = errc::limit;
        res.message = fmt::format("response body exceeds the limit of {} bytes ({})", limit_,
                                  where);
    } else if (!refused_.empty() && result == CURLE_COULDNT_CONNECT) {
        res.error = errc::protocol;
        res.message = fmt::format("{} (url policy; {})", refused_, where);
    } else if (result == CURLE_UNSUPPORTED_PROTOCOL && res.redirects > 0) {
        res.error = errc::protocol;
        res.message = fmt::format("redirect to a disallowed scheme: {} ({})",
                                  describe_failure(result), where);
    } else if (result != CURLE_OK) {
        res.error = errc_for(result);
        res.message = fmt::format("{} ({})", describe_failure(result), where);
    }
    if (res.error != errc::ok) {
        res.retry_after_ms.reset();
    }
    return res;
}

}  // namespace p2pcdn::http
