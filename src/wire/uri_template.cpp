#include "wire/uri_template.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace p2pcdn {
namespace {

constexpr std::string_view piece_placeholder = "{piece}";
constexpr std::string_view content_placeholder = "{content}";

bool is_unreserved(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

char lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Case-insensitive "http://" or "https://" prefix; returns its length, or 0.
std::size_t scheme_length(std::string_view uri) noexcept {
    for (const std::string_view scheme :
         {std::string_view("http://"), std::string_view("https://")}) {
        if (uri.size() < scheme.size()) {
            continue;
        }
        bool same = true;
        for (std::size_t i = 0; i < scheme.size() && same; ++i) same = lower(uri[i]) == scheme[i];
        if (same) {
            return scheme.size();
        }
    }
    return 0;
}

void validate_authority(std::string_view authority) {
    // userinfo@host:port; the host may be an IPv6 literal in brackets.
    const std::size_t at = authority.rfind('@');
    std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
    std::string_view port;
    if (!host.empty() && host.front() == '[') {
        const std::size_t close = host.find(']');
        if (close == std::string_view::npos) {
            fail(errc::invalid, "CDN URI has an unclosed '[' in its host");
        }
        if (close + 1 < host.size()) {
            if (host[close + 1] != ':') {
                fail(errc::invalid, "CDN URI has '{}' after its IPv6 host", host[close + 1]);
            }
            port = host.substr(close + 2);
            host = host.substr(0, close + 1);
        }
        if (host.size() == 2) {
            fail(errc::invalid, "CDN URI has no host");
        }
    } else {
        const std::size_t colon = host.rfind(':');
        if (colon != std::string_view::npos) {
            port = host.substr(colon + 1);
            host = host.substr(0, colon);
        }
        if (host.empty()) {
            fail(errc::invalid, "CDN URI has no host");
        }
    }
    if (port.empty()) {
        return;  // "host:" is allowed by RFC 3986 and means the default port
    }
    unsigned value = 0;
    bool ok = port.size() <= 5;
    for (const char c : port) {
        ok = ok && c >= '0' && c <= '9';
        if (ok)
            value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (!ok || value > 65535) {
        fail(errc::invalid, "CDN URI port is not a number from 0 to 65535");
    }
}

}  // namespace

std::string percent_encode(std::string_view text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (is_unreserved(byte)) {
            out += c;
        } else {
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 0x0f];
        }
    }
    return out;
}

void validate_cdn_uri(std::string_view uri) {
    if (uri.empty()) {
        fail(errc::invalid, "CDN URI is empty");
    }
    if (uri.size() > max_cdn_uri_length) {
        fail(errc::invalid, "CDN URI is {} bytes, at most {} allowed", uri.size(),
             max_cdn_uri_length);
    }
    for (std::size_t i = 0; i < uri.size(); ++i) {
        const auto byte = static_cast<unsigned char>(uri[i]);
        if (byte <= 0x20 || byte >= 0x7f) {
            fail(errc::invalid, "CDN URI has byte 0x{:02x} at offset {}", byte, i);
        }
    }
    const std::size_t scheme = scheme_length(uri);
    if (scheme == 0) {
        fail(errc::invalid, "CDN URI does not start with http:// or https://");
    }
    // Placeholders anywhere after the scheme; nothing else may use braces.
    for (std::size_t i = scheme; i < uri.size(); ++i) {
        if (uri[i] == '}') {
            fail(errc::invalid, "CDN URI has '}}' at offset {} outside a placeholder", i);
        }
        if (uri[i] != '{') {
            continue;
        }
        const std::string_view rest = uri.substr(i);
        if (rest.substr(0, piece_placeholder.size()) == piece_placeholder) {
            i += piece_placeholder.size() - 1;
        } else if (rest.substr(0, content_placeholder.size()) == content_placeholder) {
            i += content_placeholder.size() - 1;
        } else {
            fail(errc::invalid,
                 "CDN URI has an unknown placeholder at offset {}; known: {{piece}} {{content}}",
                 i);
        }
    }
    const std::string_view after = uri.substr(scheme);
    validate_authority(after.substr(0, after.find_first_of("/?#")));
}

std::string expand_cdn_uri(const cdn_source& source, std::string_view content_id,
                           std::size_t piece) {
    if (piece >= source.pieces.size() || !source.pieces.test(piece)) {
        fail(errc::range, "piece {} is not served by this CDN source", piece);
    }
    return expand_uri_template(source.uri, content_id, piece);
}

std::string expand_uri_template(std::string_view tmpl, std::string_view content_id,
                                std::size_t piece) {
    std::string out;
    out.reserve(tmpl.size() + 3 * content_id.size());
    std::string encoded_id;
    std::size_t i = 0;
    while (i < tmpl.size()) {
        const std::size_t brace = tmpl.find('{', i);
        if (brace == std::string_view::npos) {
            out.append(tmpl.substr(i));
            break;
        }
        out.append(tmpl.substr(i, brace - i));
        const std::string_view rest = tmpl.substr(brace);
        if (rest.substr(0, piece_placeholder.size()) == piece_placeholder) {
            fmt::format_to(std::back_inserter(out), "{}", piece);
            i = brace + piece_placeholder.size();
        } else if (rest.substr(0, content_placeholder.size()) == content_placeholder) {
            if (encoded_id.empty()) {
                encoded_id = percent_encode(content_id);
            }
            out += encoded_id;
            i = brace + content_placeholder.size();
        } else {
            // Not a placeholder (a template that validate_cdn_uri would refuse): kept as it is.
            out += '{';
            i = brace + 1;
        }
    }
    return out;
}

}  // namespace p2pcdn
