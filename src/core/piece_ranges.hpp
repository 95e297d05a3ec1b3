// The piece-ranges text form of a bitmap: "0-99,150,200-299". Decimal, inclusive, comma
// separated, no spaces; the empty string is the empty set. Parsing accepts ranges in any order
// and overlapping, and throws errc::parse on bad syntax (including numbers with leading '+',
// empty items, a range whose end is below its start) and on any index >= nbits.
#pragma once

#include "core/bitmap.hpp"

#include <string>
#include <string_view>

namespace p2pcdn::piece_ranges {

bitmap parse(std::string_view text, std::size_t nbits);
// Merged, ascending.
std::string format(const bitmap& bits);

}  // namespace p2pcdn::piece_ranges
