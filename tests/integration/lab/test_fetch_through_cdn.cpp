// TR 23.844 step 7 against a real CDN: the fetcher GETs pieces through nginx's 302 redirector,
// lands on a caching nginx edge in front of the origin, and verifies every piece's hash. The
// lab (tests/integration/cdn_lab.py) is a CTest fixture; P2PCDN_CDN_LAB names its lab.json.
#include <doctest/doctest.h>

#include "core/content_layout.hpp"
#include "core/piece_hasher.hpp"
#include "ue/fetcher.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using p2pcdn::ue::fetch_status;

struct lab_info {
    fs::path docroot;
    std::string redirector;
    std::vector<std::string> edges;
};

lab_info read_lab() {
    const char* path = std::getenv("P2PCDN_CDN_LAB");
    REQUIRE_MESSAGE(path != nullptr, "P2PCDN_CDN_LAB is not set: run through ctest");
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "no lab description at ", path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    REQUIRE(!doc.HasParseError());
    lab_info lab;
    lab.docroot = doc["docroot"].GetString();
    lab.redirector = doc["redirector"]["url"].GetString();
    for (const auto& edge : doc["edges"].GetArray()) {
        lab.edges.emplace_back(edge["url"].GetString());
    }
    return lab;
}

// A content of `pieces` pieces of 64 KiB (the last one shorter), written to the origin's
// document root both as one object per piece and as one whole object, the two layouts a CCS
// may upload.
struct lab_content {
    p2pcdn::content_layout layout;
    p2pcdn::piece_hashes hashes;
    std::string base;  // path under the docroot
};

lab_content place_content(const lab_info& lab, const std::string& id, std::size_t pieces) {
    const std::uint32_t piece_length = 64 * 1024;
    const std::uint64_t total = std::uint64_t{piece_length} * pieces - 1000;
    std::vector<std::uint8_t> bytes(total);
    std::uint32_t x = 2463534242u;
    for (auto& b : bytes) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<std::uint8_t>(x);
    }
    p2pcdn::content_layout layout(id, total, piece_length);
    p2pcdn::hash_settings settings;
    auto hashes = p2pcdn::hash_buffer(layout, bytes.data(), bytes.size(), settings);

    const fs::path dir = lab.docroot / "pieces" / id;
    fs::create_directories(dir);
    for (std::size_t i = 0; i < layout.piece_count(); ++i) {
        const auto range = layout.piece_range(i);
        std::ofstream(dir / (std::to_string(i) + ".bin"), std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data() + range.offset), range.length);
    }
    std::ofstream(dir / "whole.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(total));
    return {layout, hashes, "/pieces/" + id};
}

bool starts_with_any(const std::string& url, const std::vector<std::string>& prefixes) {
    for (const auto& p : prefixes) {
        if (url.rfind(p, 0) == 0) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_SUITE("cdn_lab") {
    TEST_CASE("pieces arrive through the 302 redirector and a caching edge, verified") {
        const lab_info lab = read_lab();
        const lab_content c = place_content(lab, "labfilm", 8);
        p2pcdn::ue::fetcher f(c.layout, c.hashes, {});
        for (std::size_t i = 0; i < c.layout.piece_count(); ++i) {
            const std::string uri = lab.redirector + c.base + "/" + std::to_string(i) + ".bin";
            const auto first = f.get(i, uri, false);
            CHECK_MESSAGE(first.status == fetch_status::ok, first.message);
            CHECK(first.redirects == 1);
            CHECK(starts_with_any(first.final_url, lab.edges));
            CHECK(first.data.size() == c.layout.piece_range(i).length);
            // The second fetch is served from the edge's cache and is just as good.
            const auto second = f.get(i, uri, false);
            CHECK(second.status == fetch_status::ok);
            CHECK(second.final_url == first.final_url);
        }
    }

    TEST_CASE("a ranged source: byte ranges of the one content object") {
        const lab_info lab = read_lab();
        const lab_content c = place_content(lab, "labranged", 5);
        p2pcdn::ue::fetcher f(c.layout, c.hashes, {});
        const std::string uri = lab.redirector + c.base + "/whole.bin";
        for (std::size_t i : {std::size_t{0}, std::size_t{3}, c.layout.piece_count() - 1}) {
            const auto r = f.get(i, uri, true);
            CHECK_MESSAGE(r.status == fetch_status::ok, r.message);
            CHECK(r.http_status == 206);
            CHECK(r.data.size() == c.layout.piece_range(i).length);
        }
    }

    TEST_CASE("many pieces in parallel, host-driven") {
        const lab_info lab = read_lab();
        const lab_content c = place_content(lab, "labparallel", 24);
        p2pcdn::ue::fetcher f(c.layout, c.hashes, {});
        std::size_t ok = 0, done = 0;
        for (std::size_t i = 0; i < c.layout.piece_count(); ++i) {
            f.submit(i, lab.redirector + c.base + "/" + std::to_string(i) + ".bin", false,
                     [&](p2pcdn::ue::fetch_result& r) {
                         ++done;
                         ok += r.status == fetch_status::ok ? 1 : 0;
                     });
        }
        for (int rounds = 0; f.pending() > 0 && rounds < 10000; ++rounds) {
            f.step(100);
        }
        CHECK(done == c.layout.piece_count());
        CHECK(ok == c.layout.piece_count());
    }

    TEST_CASE("a piece the CDN does not hold is gone, and remembered") {
        const lab_info lab = read_lab();
        const lab_content c = place_content(lab, "labgone", 2);
        p2pcdn::ue::fetcher f(c.layout, c.hashes, {});
        const std::string uri = lab.redirector + c.base + "/missing-1.bin";
        const auto r = f.get(1, uri, false);
        CHECK(r.status == fetch_status::gone);
        CHECK(r.http_status == 404);
        CHECK(f.is_gone(uri, 1));
        CHECK(f.get(1, uri, false).http_status == 0);  // answered from memory, no request
    }

    TEST_CASE("wrong bytes at the origin are a hash mismatch, never delivered") {
        const lab_info lab = read_lab();
        const lab_content c = place_content(lab, "labcorrupt", 3);
        const fs::path piece = lab.docroot / "pieces" / "labcorrupt" / "2.bin";
        {
            std::fstream f(piece, std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(100);
            f.put('\x00');
            f.put('\xff');
        }
        p2pcdn::ue::fetcher f(c.layout, c.hashes, {});
        const auto r = f.get(2, lab.redirector + c.base + "/2.bin", false);
        CHECK(r.status == fetch_status::hash_mismatch);
        CHECK(r.data.empty());
    }
}
