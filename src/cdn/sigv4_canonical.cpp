// The canonical request of AWS Signature Version 4: what both ends hash, so every byte counts.
#include "cdn/header_fields.hpp"
#include "cdn/sigv4.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <tuple>
#include <vector>

namespace p2pcdn::cdn::sigv4 {
namespace {

bool is_unreserved(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The text never goes into the message: a query may carry tokens.
std::string percent_decode(std::string_view text, const char* where) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        const int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            fail(errc::invalid, "cannot sign: malformed %-escape at offset {} of the URL {}", i,
                 where);
        }
        out += static_cast<char>(hi << 4 | lo);
        i += 2;
    }
    return out;
}

// RFC 3986 section 5.2.4 dot-segment removal, with empty segments dropped as well, as the
// AWS services that normalise paths do it.
std::string normalize(std::string_view path) {
    std::vector<std::string_view> kept;
    std::string_view last;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        last = path.substr(start, end - start);
        if (last == "..") {
            if (!kept.empty()) {
                kept.pop_back();
            }
        } else if (!last.empty() && last != ".") {
            kept.push_back(last);
        }
        start = end + 1;
    }
    std::string out;
    for (const std::string_view segment : kept) {
        out += '/';
        out += segment;
    }
    // A path that ends in '/', "." or ".." names a directory and keeps its trailing slash.
    if (out.empty() || last.empty() || last == "." || last == "..") {
        out += '/';
    }
    return out;
}

std::string collapse_whitespace(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    bool pending_space = false;
    for (const char c : value) {
        if (c == ' ' || c == '\t') {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out += ' ';
            pending_space = false;
        }
        out += c;
    }
    return out;
}

bool is_unsigned_header(std::string_view lowercase_name) noexcept {
    static constexpr std::string_view names[] = {
        "connection",        "expect",  "keep-alive", "proxy-connection", "te",
        "transfer-encoding", "upgrade", "user-agent",
    };
    return std::find(std::begin(names), std::end(names), lowercase_name) != std::end(names);
}

}  // namespace

std::string uri_encode(std::string_view bytes, bool keep_slash) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size());
    for (const char c : bytes) {
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            out += c;
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        out += '%';
        out += digits[u >> 4];
        out += digits[u & 0x0f];
    }
    return out;
}

std::string canonical_uri(std::string_view path, const rules& r) {
    std::string p = r.double_encode_path ? std::string(path) : percent_decode(path, "path");
    if (r.normalize_path) {
        p = normalize(p);
    } else if (p.empty()) {
        p = "/";
    }
    return uri_encode(p, true);
}

std::string canonical_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> params;
    std::size_t start = 0;
    while (start < query.size()) {
        const std::size_t end = std::min(query.find('&', start), query.size());
        const std::string_view param = query.substr(start, end - start);
        start = end + 1;
        if (param.empty()) {
            continue;
        }
        const std::size_t eq = param.find('=');
        const std::string_view name = param.substr(0, eq);
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
        params.emplace_back(uri_encode(percent_decode(name, "query"), false),
                            uri_encode(percent_decode(value, "query"), false));
    }
    std::sort(params.begin(), params.end());
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) {
            out += '&';
        }
        out += name;
        out += '=';
        out += value;
    }
    return out;
}

canonical_headers canonicalize_headers(const http::header_list& headers) {
    struct field {
        std::string name;
        std::string value;
    };
    std::vector<field> fields;
    fields.reserve(headers.size());
    for (std::size_t i = 0; i < headers.size(); ++i) {
        const auto& [name, value] = headers[i];
        if (!is_token(name)) {
            fail(errc::invalid, "cannot sign: the name of header {} is not an RFC 9110 token", i);
        }
        if (has_line_break(value)) {
            fail(errc::invalid, "cannot sign: the value of header {} holds CR, LF or NUL", name);
        }
        std::string lower = lowercase(name);
        if (!is_unsigned_header(lower)) {
            fields.push_back({std::move(lower), collapse_whitespace(value)});
        }
    }
    // Stable: the values of one name are joined in the order they are sent.
    std::stable_sort(fields.begin(), fields.end(),
                     [](const field& a, const field& b) { return a.name < b.name; });

    canonical_headers out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const bool same_as_previous = i > 0 && fields[i].name == fields[i - 1].name;
        if (same_as_previous) {
            out.text += ',';
        } else {
            if (i > 0) {
                out.text += '\n';
                out.signed_headers += ';';
            }
            out.text += fields[i].name;
            out.text += ':';
            out.signed_headers += fields[i].name;
        }
        out.text += fields[i].value;
    }
    if (!fields.empty()) {
        out.text += '\n';
    }
    return out;
}

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, const canonical_headers& headers,
                              std::string_view payload_hash) {
    std::string out;
    out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
                headers.text.size() + headers.signed_headers.size() + payload_hash.size() + 5);
    out.append(method).append(1, '\n');
    out.append(canonical_uri).append(1, '\n');
    out.append(canonical_query).append(1, '\n');
    out.append(headers.text).append(1, '\n');
    out.append(headers.signed_headers).append(1, '\n');
    out.append(payload_hash);
    return out;
}

}  // namespace p2pcdn::cdn::sigv4
