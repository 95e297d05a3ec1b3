#include "capi/announce_input.hpp"

#include "capi/bitmap_handle.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace p2pcdn::capi {
namespace {

constexpr std::size_t announce_sizes[] = {sizeof(p2pcdn_announce)};
constexpr p2pcdn_announce announce_defaults = P2PCDN_ANNOUNCE_INIT;

std::string bytes_input(const void* data, std::size_t len, const char* name) {
    check_input(data, len, name);
    return len == 0 ? std::string() : std::string(static_cast<const char*>(data), len);
}

std::vector<std::uint32_t> pieces_input(const uint32_t* pieces, std::size_t count,
                                        const char* name) {
    check_input(pieces, count, name);
    return count == 0 ? std::vector<std::uint32_t>()
                      : std::vector<std::uint32_t>(pieces, pieces + count);
}

template <typename Enum>
Enum enum_input(int value, int last, const char* name) {
    if (value < 0 || value > last) {
        fail(errc::invalid, "{} {} is not one of 0 to {}", name, value, last);
    }
    return static_cast<Enum>(value);
}

// Every field but the address, which each user reads its own way.
announce_request request_at(const p2pcdn_announce& a, const ip_address& address) {
    announce_request request;
    request.peer_id = bytes_input(a.peer_id, a.peer_id_len, "peer_id");
    request.address = address;
    request.port = a.port;
    request.role = enum_input<peer_role>(a.role, P2PCDN_PEER_NETWORK, "role");
    request.event = enum_input<announce_event>(a.event, P2PCDN_EVENT_STOPPED, "event");
    if (a.bitmap != nullptr) {
        request.full = &checked(a.bitmap).bits;
    }
    request.have = pieces_input(a.have, a.have_count, "have");
    request.donthave = pieces_input(a.donthave, a.donthave_count, "donthave");
    request.numwant = a.numwant == 0                     ? P2PCDN_NUMWANT_DEFAULT
                      : a.numwant == P2PCDN_NUMWANT_NONE ? 0
                                                         : a.numwant;
    request.selection =
        enum_input<peer_selection>(a.selection, P2PCDN_SELECT_COMPLEMENTARY, "selection");
    request.include_network_peers = a.exclude_network_peers == 0;
    request.uploaded = a.uploaded;
    request.downloaded = a.downloaded;
    return request;
}

}  // namespace

void init_announce(p2pcdn_announce* announce, unsigned int version) {
    init_options(announce, version, announce_sizes, "p2pcdn_announce");
}

p2pcdn_announce read_announce(const p2pcdn_announce* given) {
    if (given == nullptr) {
        fail(errc::invalid, "announce is NULL");
    }
    return read_options(given, announce_defaults, announce_sizes, "p2pcdn_announce");
}

announce_request announce_request_from(const p2pcdn_announce& a) {
    return request_at(a, ip_address::parse(required_string(a.address, "address")));
}

announce_message announce_message_from(const p2pcdn_announce& a) {
    announce_message m;
    m.content_id = required_string(a.content_id, "content_id");
    if (a.address != nullptr) {
        m.address = ip_address::parse(a.address);
    }
    announce_request r = request_at(a, m.address.value_or(ip_address{}));
    m.piece_count = a.piece_count != 0 || r.full == nullptr ? a.piece_count : r.full->size();
    m.peer_id = std::move(r.peer_id);
    m.port = r.port;
    m.role = r.role;
    m.event = r.event;
    if (r.full != nullptr) {
        m.full = *r.full;
    }
    m.have = std::move(r.have);
    m.donthave = std::move(r.donthave);
    m.numwant = r.numwant;
    m.selection = r.selection;
    m.include_network_peers = r.include_network_peers;
    m.uploaded = r.uploaded;
    m.downloaded = r.downloaded;
    validate_announce_message(m);
    return m;
}

}  // namespace p2pcdn::capi
