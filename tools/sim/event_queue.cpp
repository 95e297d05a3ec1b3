#include "event_queue.hpp"

#include <algorithm>

namespace p2pcdn_sim {

void event_queue::push(double time, event_kind kind, std::uint32_t a, std::uint32_t b) {
    heap_.push_back(event{time, next_seq_++, kind, a, b});
    std::push_heap(heap_.begin(), heap_.end(), later{});
}

event event_queue::pop() {
    std::pop_heap(heap_.begin(), heap_.end(), later{});
    const event e = heap_.back();
    heap_.pop_back();
    return e;
}

}  // namespace p2pcdn_sim
