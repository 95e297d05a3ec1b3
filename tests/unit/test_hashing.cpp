#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "core/piece_hasher.hpp"
#include "core/piece_hashes.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"
#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

using p2pcdn::content_layout;
using p2pcdn::errc;
using p2pcdn::test::code_of;
using p2pcdn::hash_algo;
using p2pcdn::hash_settings;
using p2pcdn::piece_hashes;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& s) {
    return std::vector<std::uint8_t>(s.begin(), s.end());
}

// Deterministic bytes that differ from piece to piece, so a swapped or shifted piece shows.
std::vector<std::uint8_t> pattern(std::size_t len) {
    std::vector<std::uint8_t> out(len);
    std::uint32_t x = 0x12345678;
    for (auto& b : out) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<std::uint8_t>(x >> 24);
    }
    return out;
}

// The reference: OpenSSL's one-shot digest of each piece, independent of piece_hasher.
std::vector<std::uint8_t> one_shot(const EVP_MD* md, const std::uint8_t* data, std::size_t len) {
    std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
    unsigned int out_len = 0;
    REQUIRE(EVP_Digest(data, len, out.data(), &out_len, md, nullptr) == 1);
    out.resize(out_len);
    return out;
}

std::string hex_of_buffer(hash_algo algo, const std::string& text) {
    const content_layout layout("v", text.size(), 1 << 20);
    const auto data = bytes_of(text);
    hash_settings settings;
    settings.algo = algo;
    return p2pcdn::hash_buffer(layout, data.data(), data.size(), settings).hex();
}

bool same(const piece_hashes& a, const piece_hashes& b) {
    return a.algo() == b.algo() && a.piece_count() == b.piece_count() && a.raw() == b.raw();
}

class temp_file {
public:
    explicit temp_file(const std::vector<std::uint8_t>& content) {
        static std::atomic<int> counter{0};
        path_ = (std::filesystem::temp_directory_path() /
                 ("p2pcdn-test-hashing-" + std::to_string(::getpid()) + "-" +
                  std::to_string(counter++)))
                    .string();
        write(content);
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    const std::string& path() const { return path_; }
    void write(const std::vector<std::uint8_t>& content) const {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(content.data()),
                  static_cast<std::streamsize>(content.size()));
        REQUIRE(out.good());
    }
    void append(const std::vector<std::uint8_t>& content) const {
        std::ofstream out(path_, std::ios::binary | std::ios::app);
        out.write(reinterpret_cast<const char*>(content.data()),
                  static_cast<std::streamsize>(content.size()));
        REQUIRE(out.good());
    }

private:
    std::string path_;
};

}  // namespace

TEST_SUITE("piece_hashes") {

TEST_CASE("algorithms") {
    CHECK(p2pcdn::digest_size(hash_algo::sha1) == 20);
    CHECK(p2pcdn::digest_size(hash_algo::sha256) == 32);
    CHECK(p2pcdn::hash_algo_from_int(1) == hash_algo::sha1);
    CHECK(p2pcdn::hash_algo_from_int(2) == hash_algo::sha256);
    CHECK_THROWS_WITH_AS(p2pcdn::hash_algo_from_int(3),
                         "hash algorithm 3 is not supported; allowed: 1 (sha1), 2 (sha256)",
                         p2pcdn::error&);
    CHECK_THROWS_WITH_AS(p2pcdn::digest_size(hash_algo::none),
                         "hash algorithm 0 is not supported; allowed: 1 (sha1), 2 (sha256)",
                         p2pcdn::error&);
    CHECK(code_of([] { p2pcdn::hash_algo_from_int(-1); }) == errc::invalid);
    CHECK(code_of([] { p2pcdn::hash_algo_from_int(0); }) == errc::invalid);
}

TEST_CASE("a default list is empty") {
    const piece_hashes hashes;
    CHECK(hashes.empty());
    CHECK(hashes.piece_count() == 0);
    CHECK(hashes.raw().empty());
    CHECK(hashes.hex().empty());
}

TEST_CASE("a sized list holds zeroed digests") {
    const piece_hashes hashes(hash_algo::sha256, 3);
    CHECK_FALSE(hashes.empty());
    CHECK(hashes.algo() == hash_algo::sha256);
    CHECK(hashes.piece_count() == 3);
    CHECK(hashes.raw() == std::vector<std::uint8_t>(96, 0));
    CHECK(hashes.digest(1) == hashes.raw().data() + 32);
    CHECK(code_of([] { piece_hashes(hash_algo::none, 1); }) == errc::invalid);
    CHECK_THROWS_WITH_AS(piece_hashes(hash_algo::sha1, std::numeric_limits<std::size_t>::max()),
                         "piece count 18446744073709551615 is above the maximum 67108864",
                         p2pcdn::error&);
}

TEST_CASE("raw and hex round trips") {
    const auto data = pattern(100'000);
    const content_layout layout("x", data.size(), 16 * 1024);
    for (hash_algo algo : {hash_algo::sha1, hash_algo::sha256}) {
        CAPTURE(static_cast<int>(algo));
        hash_settings settings;
        settings.algo = algo;
        const piece_hashes hashes = p2pcdn::hash_buffer(layout, data.data(), data.size(), settings);
        const std::string hex = hashes.hex();
        REQUIRE(hex.size() == 2 * hashes.raw().size());
        CHECK(same(piece_hashes::from_raw(algo, 7, hashes.raw().data(), hashes.raw().size()),
                   hashes));
        CHECK(same(piece_hashes::from_hex(algo, 7, hex), hashes));
        std::string upper = hex;
        for (char& c : upper) {
            if (c >= 'a' && c <= 'f') {
                c = static_cast<char>(c - 'a' + 'A');
            }
        }
        CHECK(same(piece_hashes::from_hex(algo, 7, upper), hashes));
    }
}

TEST_CASE("zero pieces") {
    const piece_hashes raw = piece_hashes::from_raw(hash_algo::sha1, 0, nullptr, 0);
    CHECK(raw.piece_count() == 0);
    CHECK(raw.raw().empty());
    CHECK(piece_hashes::from_hex(hash_algo::sha256, 0, "").hex().empty());
}

TEST_CASE("malformed imports") {
    const std::vector<std::uint8_t> bytes(64, 0xab);
    CHECK_THROWS_WITH_AS(piece_hashes::from_raw(hash_algo::sha1, 2, bytes.data(), 39),
                         "hash list is 39 bytes, expected 40 for 2 SHA-1 pieces", p2pcdn::error&);
    CHECK_THROWS_WITH_AS(piece_hashes::from_raw(hash_algo::sha1, 2, bytes.data(), 41),
                         "hash list is 41 bytes, expected 40 for 2 SHA-1 pieces", p2pcdn::error&);
    CHECK_THROWS_WITH_AS(piece_hashes::from_raw(hash_algo::sha256, 1, bytes.data(), 20),
                         "hash list is 20 bytes, expected 32 for 1 SHA-256 piece", p2pcdn::error&);
    CHECK_THROWS_WITH_AS(piece_hashes::from_raw(hash_algo::sha1, 1, nullptr, 20),
                         "hash list data is null", p2pcdn::error&);
    CHECK(code_of([&] { piece_hashes::from_raw(hash_algo::sha1, 2, bytes.data(), 39); }) ==
          errc::parse);
    CHECK(code_of([&] { piece_hashes::from_raw(hash_algo::none, 0, bytes.data(), 0); }) ==
          errc::invalid);
    // The count is checked before count * digest size is computed or allocated.
    CHECK_THROWS_WITH_AS(
        piece_hashes::from_raw(hash_algo::sha256, std::numeric_limits<std::size_t>::max() / 16,
                               bytes.data(), 32),
        "piece count 1152921504606846975 is above the maximum 67108864", p2pcdn::error&);
    CHECK(code_of([&] {
              piece_hashes::from_raw(hash_algo::sha1, (std::size_t{1} << 26) + 1, bytes.data(), 20);
          }) == errc::range);

    const std::string hex40(80, 'a');
    CHECK_THROWS_WITH_AS(piece_hashes::from_hex(hash_algo::sha1, 2, hex40.substr(0, 79)),
                         "hex hash list is 79 characters, expected 80 for 2 SHA-1 pieces",
                         p2pcdn::error&);
    CHECK_THROWS_WITH_AS(piece_hashes::from_hex(hash_algo::sha256, 1, hex40),
                         "hex hash list is 80 characters, expected 64 for 1 SHA-256 piece",
                         p2pcdn::error&);
    CHECK(code_of([&] { piece_hashes::from_hex(hash_algo::sha1, 2, hex40.substr(0, 79)); }) ==
          errc::parse);
    std::string bad = hex40;
    bad[17] = 'g';
    CHECK(code_of([&] { piece_hashes::from_hex(hash_algo::sha1, 2, bad); }) == errc::parse);
    bad[17] = ' ';
    CHECK(code_of([&] { piece_hashes::from_hex(hash_algo::sha1, 2, bad); }) == errc::parse);
    CHECK(code_of([&] { piece_hashes::from_hex(hash_algo::none, 2, hex40); }) == errc::invalid);
    CHECK(code_of([&] {
              piece_hashes::from_hex(hash_algo::sha1, std::numeric_limits<std::size_t>::max(), "");
          }) == errc::range);
}

}  // TEST_SUITE

TEST_SUITE("piece_hasher") {

TEST_CASE("known digests") {
    // FIPS 180 test vectors.
    const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK(hex_of_buffer(hash_algo::sha1, "abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(hex_of_buffer(hash_algo::sha1, two_blocks) ==
          "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    CHECK(hex_of_buffer(hash_algo::sha256, "abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex_of_buffer(hash_algo::sha256, two_blocks) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("one million 'a' in pieces") {
    // FIPS 180's third vector, split so that the digests of the pieces are checked too.
    const std::vector<std::uint8_t> data(1'000'000, 'a');
    const content_layout layout("a", data.size(), 300'000);
    const piece_hashes hashes = p2pcdn::hash_buffer(layout, data.data(), data.size(), {});
    REQUIRE(hashes.piece_count() == 4);
    const EVP_MD* md = EVP_sha1();
    CHECK(one_shot(md, data.data(), data.size()) ==
          std::vector<std::uint8_t>{0x34, 0xaa, 0x97, 0x3c, 0xd4, 0xc4, 0xda, 0xa4, 0xf6, 0x1e,
                                    0xeb, 0x2b, 0xdb, 0xad, 0x27, 0x31, 0x65, 0x34, 0x01, 0x6f});
    CHECK(std::vector<std::uint8_t>(hashes.digest(0), hashes.digest(0) + 20) ==
          one_shot(md, data.data(), 300'000));
    CHECK(std::vector<std::uint8_t>(hashes.digest(3), hashes.digest(3) + 20) ==
          one_shot(md, data.data(), 100'000));
}

TEST_CASE("buffer hashes equal one-shot digests of each piece") {
    const auto data = pattern(100'000);
    const content_layout layout("x", data.size(), 16 * 1024);
    REQUIRE(layout.piece_count() == 7);
    struct algo_case {
        hash_algo algo;
        const EVP_MD* md;
    };
    for (const algo_case& c : {algo_case{hash_algo::sha1, EVP_sha1()},
                               algo_case{hash_algo::sha256, EVP_sha256()}}) {
        CAPTURE(static_cast<int>(c.algo));
        hash_settings settings;
        settings.algo = c.algo;
        const piece_hashes hashes = p2pcdn::hash_buffer(layout, data.data(), data.size(), settings);
        REQUIRE(hashes.algo() == c.algo);
        REQUIRE(hashes.piece_count() == 7);
        const std::size_t size = p2pcdn::digest_size(c.algo);
        for (std::size_t i = 0; i < 7; ++i) {
            CAPTURE(i);
            const auto range = layout.piece_range(i);
            CHECK(std::vector<std::uint8_t>(hashes.digest(i), hashes.digest(i) + size) ==
                  one_shot(c.md, data.data() + range.offset, range.length));
        }
    }
}

TEST_CASE("concurrent hashing") {
    const auto data = pattern(64 * 1024 + 3);
    const content_layout layout("t", data.size(), 4096);
    hash_settings sha1;
    hash_settings sha256;
    sha256.algo = hash_algo::sha256;
    const piece_hashes expected1 = p2pcdn::hash_buffer(layout, data.data(), data.size(), sha1);
    const piece_hashes expected256 = p2pcdn::hash_buffer(layout, data.data(), data.size(), sha256);
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 20; ++round) {
                const hash_settings& settings = (t + round) % 2 == 0 ? sha1 : sha256;
                const piece_hashes& expected = (t + round) % 2 == 0 ? expected1 : expected256;
                if (!same(p2pcdn::hash_buffer(layout, data.data(), data.size(), settings),
                          expected)) {
                    ++mismatches;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(mismatches == 0);
}

TEST_CASE("buffer of the wrong length") {
    const auto data = pattern(10);
    const content_layout layout("x", 11, 4);
    CHECK_THROWS_WITH_AS(p2pcdn::hash_buffer(layout, data.data(), data.size(), {}),
                         "buffer is 10 bytes, the content is 11 bytes", p2pcdn::error&);
    CHECK(code_of([&] { p2pcdn::hash_buffer(layout, data.data(), data.size(), {}); }) ==
          errc::invalid);
    CHECK_THROWS_WITH_AS(p2pcdn::hash_buffer(layout, nullptr, 11, {}), "buffer is null",
                         p2pcdn::error&);
    hash_settings bad;
    bad.algo = hash_algo::none;
    CHECK(code_of([&] { p2pcdn::hash_buffer(content_layout("x", 10, 4), data.data(), 10, bad); }) ==
          errc::invalid);
}

TEST_CASE("file hashes equal buffer hashes for any read size") {
    const std::uint32_t piece_length = 1024;
    const auto data = pattern(9 * piece_length + 784);
    const content_layout layout("f", data.size(), piece_length);
    const temp_file file(data);
    for (hash_algo algo : {hash_algo::sha1, hash_algo::sha256}) {
        hash_settings settings;
        settings.algo = algo;
        const piece_hashes expected =
            p2pcdn::hash_buffer(layout, data.data(), data.size(), settings);
        for (std::size_t read_size :
             {std::size_t{1}, std::size_t{7}, std::size_t{piece_length - 1},
              std::size_t{piece_length}, std::size_t{piece_length + 1},
              std::size_t{3 * piece_length + 5}, data.size(), data.size() + 1000,
              hash_settings::max_read_size}) {
            CAPTURE(static_cast<int>(algo));
            CAPTURE(read_size);
            settings.read_size = read_size;
            CHECK(same(p2pcdn::hash_file(layout, file.path(), settings), expected));
        }
    }
}

TEST_CASE("file of one piece shorter than the read size") {
    const auto data = pattern(5);
    const content_layout layout("f", data.size(), 1 << 20);
    const temp_file file(data);
    CHECK(same(p2pcdn::hash_file(layout, file.path(), {}),
               p2pcdn::hash_buffer(layout, data.data(), data.size(), {})));
}

TEST_CASE("progress") {
    const auto data = pattern(10 * 1000 + 1);
    const content_layout layout("p", data.size(), 1000);
    const temp_file file(data);
    std::vector<std::uint64_t> seen;
    hash_settings settings;
    settings.read_size = 777;
    settings.progress = [&](std::uint64_t done, std::uint64_t total) {
        CHECK(total == data.size());
        seen.push_back(done);
        return true;
    };
    SUBCASE("from a buffer") {
        p2pcdn::hash_buffer(layout, data.data(), data.size(), settings);
    }
    SUBCASE("from a file") {
        p2pcdn::hash_file(layout, file.path(), settings);
    }
    REQUIRE(seen.size() == 11);
    CHECK(seen.front() == 1000);
    CHECK(seen[9] == 10'000);
    CHECK(seen.back() == data.size());
}

TEST_CASE("the progress callback stops the work") {
    const auto data = pattern(10 * 1000);
    const content_layout layout("p", data.size(), 1000);
    const temp_file file(data);
    int calls = 0;
    hash_settings settings;
    settings.progress = [&](std::uint64_t, std::uint64_t) { return ++calls < 2; };
    SUBCASE("from a buffer") {
        CHECK_THROWS_WITH_AS(p2pcdn::hash_buffer(layout, data.data(), data.size(), settings),
                             "hashing stopped by the progress callback", p2pcdn::error&);
        calls = 0;
        CHECK(code_of([&] { p2pcdn::hash_buffer(layout, data.data(), data.size(), settings); }) ==
              errc::user);
    }
    SUBCASE("from a file") {
        CHECK_THROWS_WITH_AS(p2pcdn::hash_file(layout, file.path(), settings),
                             "hashing stopped by the progress callback", p2pcdn::error&);
        calls = 0;
        CHECK(code_of([&] { p2pcdn::hash_file(layout, file.path(), settings); }) == errc::user);
    }
    CHECK(calls == 2);
}

TEST_CASE("file errors") {
    const auto data = pattern(10'000);
    const content_layout layout("e", data.size(), 1024);

    SUBCASE("missing file") {
        const std::string path = (std::filesystem::temp_directory_path() /
                                  ("p2pcdn-test-missing-" + std::to_string(::getpid())))
                                     .string();
        CHECK_THROWS_WITH_AS(p2pcdn::hash_file(layout, path, {}),
                             ("cannot open " + path + ": No such file or directory").c_str(),
                             p2pcdn::error&);
        CHECK(code_of([&] { p2pcdn::hash_file(layout, path, {}); }) == errc::io);
        CHECK(code_of([&] { p2pcdn::file_size(path); }) == errc::io);
    }
    SUBCASE("a directory") {
        const std::string path = std::filesystem::temp_directory_path().string();
        CHECK_THROWS_WITH_AS(p2pcdn::hash_file(layout, path, {}),
                             (path + " is not a regular file").c_str(), p2pcdn::error&);
        CHECK(code_of([&] { p2pcdn::file_size(path); }) == errc::io);
    }
    SUBCASE("file of the wrong size") {
        const temp_file file(pattern(9'999));
        CHECK_THROWS_WITH_AS(p2pcdn::hash_file(layout, file.path(), {}),
                             ("file " + file.path() + " is 9999 bytes, the content is 10000 bytes")
                                 .c_str(),
                             p2pcdn::error&);
        CHECK(code_of([&] { p2pcdn::hash_file(layout, file.path(), {}); }) == errc::invalid);
        CHECK(p2pcdn::file_size(file.path()) == 9'999);
    }
    SUBCASE("file that shrinks while it is read") {
        const temp_file file(data);
        hash_settings settings;
        settings.read_size = 1024;
        settings.progress = [&](std::uint64_t done, std::uint64_t) {
            if (done == 1024) {
                REQUIRE(::truncate(file.path().c_str(), 2000) == 0);
            }
            return true;
        };
        CHECK_THROWS_WITH_AS(p2pcdn::hash_file(layout, file.path(), settings),
                             ("file " + file.path() +
                              " shrank to 2000 bytes while it was hashed, expected 10000")
                                 .c_str(),
                             p2pcdn::error&);
    }
    SUBCASE("file that grows while it is read") {
        const temp_file file(data);
        hash_settings settings;
        settings.read_size = 1024;
        settings.progress = [&](std::uint64_t done, std::uint64_t total) {
            if (done == total) {
                file.append(pattern(3));
            }
            return true;
        };
        CHECK_THROWS_WITH_AS(p2pcdn::hash_file(layout, file.path(), settings),
                             ("file " + file.path() +
                              " grew while it was hashed, beyond the content's 10000 bytes")
                                 .c_str(),
                             p2pcdn::error&);
        CHECK(code_of([&] { p2pcdn::hash_file(layout, file.path(), settings); }) == errc::invalid);
    }
    SUBCASE("read sizes") {
        const temp_file file(data);
        hash_settings settings;
        settings.read_size = 0;
        CHECK_THROWS_WITH_AS(p2pcdn::hash_file(layout, file.path(), settings),
                             "read size 0 is not allowed", p2pcdn::error&);
        settings.read_size = hash_settings::max_read_size + 1;
        CHECK_THROWS_WITH_AS(p2pcdn::hash_file(layout, file.path(), settings),
                             "read size 67108865 is above the maximum 67108864", p2pcdn::error&);
        CHECK(code_of([&] { p2pcdn::hash_file(layout, file.path(), settings); }) == errc::invalid);
    }
}

TEST_CASE("verify_piece") {
    const auto data = pattern(10'000);
    const content_layout layout("v", data.size(), 4096);
    for (hash_algo algo : {hash_algo::sha1, hash_algo::sha256}) {
        CAPTURE(static_cast<int>(algo));
        hash_settings settings;
        settings.algo = algo;
        const piece_hashes hashes = p2pcdn::hash_buffer(layout, data.data(), data.size(), settings);
        for (std::size_t i = 0; i < layout.piece_count(); ++i) {
            const auto range = layout.piece_range(i);
            CHECK(p2pcdn::verify_piece(layout, hashes, i, data.data() + range.offset,
                                       range.length));
        }
        // Piece 1's bytes offered as piece 0.
        CHECK_FALSE(p2pcdn::verify_piece(layout, hashes, 0, data.data() + 4096, 4096));
        std::vector<std::uint8_t> flipped(data.begin() + 8192, data.end());
        flipped[100] ^= 0x01;
        CHECK_FALSE(p2pcdn::verify_piece(layout, hashes, 2, flipped.data(), flipped.size()));
        CHECK_FALSE(p2pcdn::verify_piece(layout, hashes, 2, data.data() + 8192, 1807));
        CHECK_FALSE(p2pcdn::verify_piece(layout, hashes, 0, data.data(), 4097));
        CHECK_FALSE(p2pcdn::verify_piece(layout, hashes, 0, nullptr, 4096));
        CHECK_THROWS_WITH_AS(p2pcdn::verify_piece(layout, hashes, 3, data.data(), 4096),
                             "piece 3 is out of range, the content has 3 pieces", p2pcdn::error&);
    }
    CHECK_THROWS_WITH_AS(p2pcdn::verify_piece(layout, piece_hashes(), 0, data.data(), 4096),
                         "the content has no piece hashes", p2pcdn::error&);
    CHECK_THROWS_WITH_AS(
        p2pcdn::verify_piece(layout, piece_hashes(hash_algo::sha1, 2), 0, data.data(), 4096),
        "hash list has 2 pieces, the content has 3", p2pcdn::error&);
}

}  // TEST_SUITE
