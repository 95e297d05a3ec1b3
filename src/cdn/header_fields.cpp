#include "cdn/header_fields.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace p2pcdn::cdn {
namespace {

char lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

}  // namespace

bool is_token(std::string_view name) noexcept {
    return !name.empty() && std::all_of(name.begin(), name.end(), is_tchar);
}

bool has_line_break(std::string_view value) noexcept {
    return value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

const std::string* find_header(const http::header_list& headers, std::string_view name) noexcept {
    for (const auto& h : headers) {
        if (iequals(h.first, name)) {
            return &h.second;
        }
    }
    return nullptr;
}

void remove_header(http::header_list& headers, std::string_view name) {
    headers.erase(std::remove_if(headers.begin(), headers.end(),
                                 [name](const auto& h) { return iequals(h.first, name); }),
                  headers.end());
}

void replace_header(http::header_list& headers, std::string name, std::string value) {
    // Moves into the first match and erases the others, so that nothing can throw once the
    // list has changed: a failed call leaves the request as it was.
    const auto same = [&name](const auto& h) { return iequals(h.first, name); };
    const auto first = std::find_if(headers.begin(), headers.end(), same);
    if (first == headers.end()) {
        headers.emplace_back(std::move(name), std::move(value));
        return;
    }
    headers.erase(std::remove_if(std::next(first), headers.end(), same), headers.end());
    first->first = std::move(name);
    first->second = std::move(value);
}

}  // namespace p2pcdn::cdn
