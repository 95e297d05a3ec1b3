// Turns an HTTP answer to a piece request into a fetch_result: status classes, the Range
// contract of ranged sources, and the hash check.
//
// Ranged sources (one object, a piece is a byte Range of it) and plain sources (one object per
// piece) follow the Range contract of http/content_range.hpp; an answer that breaks it is
// fatal (errc::protocol). A 200 to a Range must fit the response limit, which is the piece
// length unless max_response_bytes is raised, so by default it is only accepted for one-piece
// contents; a bigger object aborts at the limit (fatal, errc::limit) without being downloaded.
#pragma once

#include "core/content_layout.hpp"
#include "core/piece_hashes.hpp"
#include "http/message.hpp"
#include "ue/fetch_result.hpp"

#include <cstddef>

namespace p2pcdn::ue {

fetch_result classify_piece_response(const content_layout& layout, const piece_hashes& hashes,
                                     std::size_t piece, bool ranged, http::response& res);

}  // namespace p2pcdn::ue
