// Checks and edits of request header fields that the signers share. Names in an
// http::request are kept as the caller wrote them, so every lookup ignores case.
#pragma once

#include "http/message.hpp"

#include <string>
#include <string_view>

namespace p2pcdn::cdn {

// An RFC 9110 token: the only valid field name.
bool is_token(std::string_view name) noexcept;
// CR, LF or NUL: a byte that would end or cut the header line.
bool has_line_break(std::string_view value) noexcept;
bool iequals(std::string_view a, std::string_view b) noexcept;
std::string lowercase(std::string_view text);

// The value of the first header with this name in any case, or nullptr.
const std::string* find_header(const http::header_list& headers, std::string_view name) noexcept;
// Drops every header with this name in any case.
void remove_header(http::header_list& headers, std::string_view name);
// Leaves exactly one header with this name: the given one, in the place of the first old
// one or else at the end. Strong guarantee.
void replace_header(http::header_list& headers, std::string name, std::string value);

}  // namespace p2pcdn::cdn
