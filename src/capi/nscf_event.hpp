// The NSCF's events (nscf/controller_event.hpp) handed to a p2pcdn_nscf_event_cb.
#pragma once

#include "nscf/controller_event.hpp"

#include <p2pcdn/p2pcdn.h>

namespace p2pcdn::capi {

// A function giving each event to the callback as a p2pcdn_nscf_event whose pointers (a
// p2pcdn_bitmap handle among them) live for the call only.
nscf::event_fn event_fn_from(p2pcdn_nscf_event_cb callback, void* payload);

}  // namespace p2pcdn::capi
