// A caller's p2pcdn_announce, read once for every user of it: the in-process tracker
// (p2pcdn_tracker_announce) and the HTTP announce (p2pcdn_announce_to_json, the announcer).
#pragma once

#include "wire/announce_json.hpp"
#include "wire/announce_request.hpp"

#include <p2pcdn/p2pcdn.h>

namespace p2pcdn::capi {

// p2pcdn_announce_init. Throws errc::invalid for NULL or an unsupported version.
void init_announce(p2pcdn_announce* announce, unsigned int version);

// A copy of the fields the caller's version has, the others at their defaults. Throws
// errc::invalid for NULL or an unsupported version.
p2pcdn_announce read_announce(const p2pcdn_announce* given);

// The announce as the swarm takes it. Its `full` borrows the bitmap handle's bits, which the
// caller keeps for the duration of the call. The address is required. Throws errc::invalid.
announce_request announce_request_from(const p2pcdn_announce& a);

// The announce as the JSON request carries it, owning a copy of the bitmap. A NULL address is
// left out (the tracker takes the connection's); piece_count 0 with a bitmap is the bitmap's
// size. Throws errc::invalid for what the request could not carry (validate_announce_message).
announce_message announce_message_from(const p2pcdn_announce& a);

}  // namespace p2pcdn::capi
