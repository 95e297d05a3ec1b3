#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "core/popcount.hpp"

using p2pcdn::bitmap;

namespace {

const std::size_t sizes[] = {0, 1, 7, 8, 63, 64, 65, 1000};


std::vector<bool> model_of(const bitmap& b) {
    std::vector<bool> m(b.size());
    for (std::size_t i = 0; i < b.size(); ++i) m[i] = b.test(i);
    return m;
}

bitmap random_bitmap(std::size_t nbits, std::mt19937_64& rng, unsigned density_percent = 50) {
    bitmap b(nbits);
    for (std::size_t i = 0; i < nbits; ++i) {
        if (rng() % 100 < density_percent) {
            b.set(i);
        }
    }
    return b;
}

std::size_t naive_find(const std::vector<bool>& m, std::size_t from, bool value) {
    for (std::size_t i = from; i < m.size(); ++i) {
        if (m[i] == value) {
            return i;
        }
    }
    return bitmap::npos;
}

}  // namespace

TEST_SUITE("bitmap") {
    TEST_CASE("new bitmap is empty") {
        for (std::size_t n : sizes) {
            CAPTURE(n);
            bitmap b(n);
            CHECK(b.size() == n);
            CHECK(b.word_count() == (n + 63) / 64);
            CHECK(b.count() == 0);
            CHECK(b.none());
            CHECK(b.all() == (n == 0));
            CHECK(b.find_first_set() == bitmap::npos);
            CHECK(b.find_first_clear() == (n == 0 ? bitmap::npos : 0));
        }
        bitmap empty;
        CHECK(empty.size() == 0);
        CHECK(empty.all());
        CHECK(empty.none());
    }

    TEST_CASE("size limit") {
        CHECK_NOTHROW(bitmap{bitmap::max_bits});
        CHECK_THROWS_WITH_AS(bitmap(bitmap::max_bits + 1),
                             "bitmap of 67108865 bits exceeds the maximum of 67108864",
                             p2pcdn::error&);
        try {
            bitmap b(bitmap::max_bits + 1);
            FAIL("no exception");
        } catch (const p2pcdn::error& e) {
            CHECK(e.code() == p2pcdn::errc::range);
        }
    }

    TEST_CASE("set, clear, test and the MSB-first layout") {
        bitmap b(130);
        b.set(0);
        b.set(63);
        b.set(64);
        b.set(129);
        CHECK(b.words()[0] == 0x8000000000000001ULL);
        CHECK(b.words()[1] == 0x8000000000000000ULL);
        CHECK(b.words()[2] == 0x4000000000000000ULL);
        CHECK(b.test(0));
        CHECK_FALSE(b.test(1));
        CHECK(b.test(129));
        CHECK(b.count() == 4);
        b.clear(63);
        CHECK_FALSE(b.test(63));
        CHECK(b.count() == 3);
        CHECK(b.spare_bits_clear());
    }

    TEST_CASE("fill keeps spare bits zero") {
        for (std::size_t n : sizes) {
            CAPTURE(n);
            bitmap b(n);
            b.fill(true);
            CHECK(b.spare_bits_clear());
            CHECK(b.count() == n);
            CHECK(b.all());
            CHECK(b.none() == (n == 0));
            CHECK(b.find_first_clear() == bitmap::npos);
            b.fill(false);
            CHECK(b.count() == 0);
            CHECK(b.none());
        }
    }

    TEST_CASE("set_range and clear_range match a bit-by-bit model") {
        for (std::size_t n : sizes) {
            for (std::size_t begin = 0; begin <= n; begin += (n > 70 ? 13 : 1)) {
                for (std::size_t end = begin; end <= n; end += (n > 70 ? 17 : 1)) {
                    CAPTURE(n);
                    CAPTURE(begin);
                    CAPTURE(end);
                    bitmap b(n);
                    b.set_range(begin, end);
                    CHECK(b.spare_bits_clear());
                    CHECK(b.count() == end - begin);
                    CHECK(b.find_first_set() == (begin == end ? bitmap::npos : begin));

                    bitmap c(n);
                    c.fill(true);
                    c.clear_range(begin, end);
                    CHECK(c.spare_bits_clear());
                    CHECK(c.count() == n - (end - begin));
                    b ^= c;
                    CHECK(b.all());
                }
            }
        }
    }

    TEST_CASE("set_range to the end") {
        for (std::size_t n : sizes) {
            CAPTURE(n);
            bitmap b(n);
            b.set_range(n / 2, n);
            CHECK(b.spare_bits_clear());
            CHECK(b.count() == n - n / 2);
            b.set_range(0, n);
            CHECK(b.all());
            CHECK(b.spare_bits_clear());
        }
    }

    TEST_CASE("all and none with one bit different") {
        for (std::size_t n : sizes) {
            if (n == 0) {
                continue;
            }
            CAPTURE(n);
            bitmap b(n);
            b.fill(true);
            b.clear(n - 1);
            CHECK_FALSE(b.all());
            CHECK(b.none() == (n == 1));
            CHECK(b.find_first_clear() == n - 1);
            b.fill(false);
            b.set(n - 1);
            CHECK_FALSE(b.none());
            CHECK(b.all() == (n == 1));
        }
    }

    TEST_CASE("find_next_set and find_next_clear across word boundaries") {
        bitmap b(200);
        b.set(5);
        b.set(64);
        b.set(127);
        b.set(199);
        CHECK(b.find_next_set(0) == 5);
        CHECK(b.find_next_set(5) == 5);
        CHECK(b.find_next_set(6) == 64);
        CHECK(b.find_next_set(65) == 127);
        CHECK(b.find_next_set(128) == 199);
        CHECK(b.find_next_set(199) == 199);
        CHECK(b.find_next_set(200) == bitmap::npos);
        CHECK(b.find_next_set(bitmap::npos) == bitmap::npos);

        bitmap c(200);
        c.fill(true);
        c.clear(70);
        CHECK(c.find_next_clear(0) == 70);
        CHECK(c.find_next_clear(71) == bitmap::npos);
        c.clear(199);
        CHECK(c.find_next_clear(71) == 199);
        CHECK(c.find_next_clear(200) == bitmap::npos);

        bitmap d(128);
        d.fill(true);
        CHECK(d.find_next_clear(0) == bitmap::npos);
        d.clear(127);
        CHECK(d.find_next_clear(64) == 127);
    }

    TEST_CASE("find functions match a model on random bitmaps") {
        std::mt19937_64 rng(20240601);
        for (std::size_t n : sizes) {
            for (unsigned density : {1u, 50u, 99u}) {
                const bitmap b = random_bitmap(n, rng, density);
                const auto m = model_of(b);
                for (std::size_t from = 0; from <= n; ++from) {
                    CAPTURE(n);
                    CAPTURE(from);
                    CHECK(b.find_next_set(from) == naive_find(m, from, true));
                    CHECK(b.find_next_clear(from) == naive_find(m, from, false));
                }
            }
        }
    }

    TEST_CASE("set algebra matches a model and keeps spare bits zero") {
        std::mt19937_64 rng(42);
        for (std::size_t n : sizes) {
            CAPTURE(n);
            const bitmap a = random_bitmap(n, rng);
            const bitmap b = random_bitmap(n, rng);
            const auto ma = model_of(a);
            const auto mb = model_of(b);

            bitmap and_ = a, or_ = a, xor_ = a, andnot_ = a;
            and_ &= b;
            or_ |= b;
            xor_ ^= b;
            andnot_.andnot(b);
            for (const bitmap* r : {&and_, &or_, &xor_, &andnot_}) CHECK(r->spare_bits_clear());
            bool same = true;
            for (std::size_t i = 0; i < n; ++i) {
                same = same && and_.test(i) == (ma[i] && mb[i]);
                same = same && or_.test(i) == (ma[i] || mb[i]);
                same = same && xor_.test(i) == (ma[i] != mb[i]);
                same = same && andnot_.test(i) == (ma[i] && !mb[i]);
            }
            CHECK(same);

            bitmap full(n);
            full.fill(true);
            bitmap x = a;
            x ^= full;
            CHECK(x.spare_bits_clear());
            CHECK(x.count() == n - a.count());
        }
    }

    TEST_CASE("count_and and count_andnot match a naive reference") {
        std::mt19937_64 rng(7);
        for (std::size_t n :
             {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{63},
              std::size_t{64}, std::size_t{65}, std::size_t{1000}, std::size_t{4099}}) {
            for (int round = 0; round < 5; ++round) {
                CAPTURE(n);
                const unsigned density = static_cast<unsigned>(rng() % 101);
                const bitmap a = random_bitmap(n, rng, density);
                const bitmap b = random_bitmap(n, rng, 100 - density);
                std::size_t naive_and = 0, naive_andnot = 0, naive_count = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    naive_count += a.test(i);
                    naive_and += a.test(i) && b.test(i);
                    naive_andnot += a.test(i) && !b.test(i);
                }
                CHECK(a.count() == naive_count);
                CHECK(a.count_and(b) == naive_and);
                CHECK(a.count_andnot(b) == naive_andnot);
                CHECK(a.count_and(b) + a.count_andnot(b) == a.count());
            }
        }
    }

    TEST_CASE("equality") {
        bitmap a(65), b(65), c(64);
        CHECK(a == b);
        CHECK(a != c);
        a.set(64);
        CHECK(a != b);
        b.set(64);
        CHECK(a == b);
    }
}

TEST_SUITE("popcount") {
    TEST_CASE("both kernels match a naive reference") {
        std::mt19937_64 rng(99);
        std::vector<std::uint64_t> a(67), b(67);
        for (auto& w : a) w = rng();
        for (auto& w : b) w = rng();
        a[3] = ~std::uint64_t{0};
        a[4] = 0;
        b[5] = ~std::uint64_t{0};
        for (std::size_t n = 0; n <= a.size(); ++n) {
            std::size_t count = 0, count_and = 0, count_andnot = 0;
            for (std::size_t i = 0; i < n; ++i) {
                for (int bit = 0; bit < 64; ++bit) {
                    const bool x = (a[i] >> bit) & 1, y = (b[i] >> bit) & 1;
                    count += x;
                    count_and += x && y;
                    count_andnot += x && !y;
                }
            }
            CAPTURE(n);
            CHECK(p2pcdn::popcount::count(a.data(), n) == count);
            CHECK(p2pcdn::popcount::count_and(a.data(), b.data(), n) == count_and);
            CHECK(p2pcdn::popcount::count_andnot(a.data(), b.data(), n) == count_andnot);
            CHECK(p2pcdn::popcount::portable::count(a.data(), n) == count);
            CHECK(p2pcdn::popcount::portable::count_and(a.data(), b.data(), n) == count_and);
            CHECK(p2pcdn::popcount::portable::count_andnot(a.data(), b.data(), n) == count_andnot);
        }
    }

    TEST_CASE("empty input") {
        CHECK(p2pcdn::popcount::count(nullptr, 0) == 0);
        CHECK(p2pcdn::popcount::count_and(nullptr, nullptr, 0) == 0);
        CHECK(p2pcdn::popcount::count_andnot(nullptr, nullptr, 0) == 0);
    }

#if defined(__x86_64__)
    TEST_CASE("hardware variant chosen when the CPU has popcnt") {
        __builtin_cpu_init();
        CHECK(p2pcdn::popcount::uses_hardware() == (__builtin_cpu_supports("popcnt") != 0));
    }
#endif
}
