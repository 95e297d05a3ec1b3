// Owning wrappers for the library's C handles, and the one way the simulator reacts to a failed
// library call: a sim_error naming the call and the library's detail. The simulator drives the
// library exactly as a host would, so a failure is a bug in one or the other, never bad input.
#pragma once

#include <p2pcdn/p2pcdn.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace p2pcdn_sim {

class sim_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws sim_error for any rc but P2PCDN_OK.
void check(int rc, const char* call);

template <typename T, void (*Free)(T*)>
struct handle_deleter {
    void operator()(T* p) const { Free(p); }
};

using tracker_ptr =
    std::unique_ptr<p2pcdn_tracker, handle_deleter<p2pcdn_tracker, p2pcdn_tracker_free>>;
using planner_ptr =
    std::unique_ptr<p2pcdn_planner, handle_deleter<p2pcdn_planner, p2pcdn_planner_free>>;
using bitmap_ptr =
    std::unique_ptr<p2pcdn_bitmap, handle_deleter<p2pcdn_bitmap, p2pcdn_bitmap_free>>;
using peerlist_ptr =
    std::unique_ptr<p2pcdn_peerlist, handle_deleter<p2pcdn_peerlist, p2pcdn_peerlist_free>>;
using stats_ptr = std::unique_ptr<p2pcdn_stats, handle_deleter<p2pcdn_stats, p2pcdn_stats_free>>;
using policy_ptr =
    std::unique_ptr<p2pcdn_policy, handle_deleter<p2pcdn_policy, p2pcdn_policy_free>>;
using decision_ptr =
    std::unique_ptr<p2pcdn_decision, handle_deleter<p2pcdn_decision, p2pcdn_decision_free>>;
using content_ptr =
    std::unique_ptr<p2pcdn_content, handle_deleter<p2pcdn_content, p2pcdn_content_free>>;

// A new bitmap of n pieces, all clear or all set.
bitmap_ptr new_bitmap(std::size_t n, bool fill);

}  // namespace p2pcdn_sim
