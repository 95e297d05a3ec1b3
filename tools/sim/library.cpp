#include "library.hpp"

namespace p2pcdn_sim {

void check(int rc, const char* call) {
    if (rc != P2PCDN_OK) {
        throw sim_error(std::string(call) + ": " + p2pcdn_strerror(rc) + ": " +
                        p2pcdn_last_error());
    }
}

bitmap_ptr new_bitmap(std::size_t n, bool fill) {
    p2pcdn_bitmap* raw = nullptr;
    check(p2pcdn_bitmap_new(&raw, n), "p2pcdn_bitmap_new");
    bitmap_ptr out(raw);
    if (fill) {
        check(p2pcdn_bitmap_fill(raw, 1), "p2pcdn_bitmap_fill");
    }
    return out;
}

}  // namespace p2pcdn_sim
