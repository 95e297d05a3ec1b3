// TR 23.844 steps 4 and 11 against a real CDN: the CDN client ingests pieces into the lab's
// nginx origin (WebDAV PUT), they are read back through the 302 redirector, the nginx edges
// and Varnish, and purged (origin DELETE, then PURGE at Varnish) until neither holds them; the
// RFC 8007 driver does the same through trigger endpoints (cit_server.py) the tests start in
// front of the lab, with its fault knobs. The lab is a CTest fixture; P2PCDN_CDN_LAB names its
// lab.json.
#include <doctest/doctest.h>

#include "cdn/client.hpp"
#include "cdn/object_headers.hpp"
#include "core/piece_hasher.hpp"
#include "http/client.hpp"

#include <rapidjson/document.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace cdn = p2pcdn::cdn;
namespace http = p2pcdn::http;
using p2pcdn::errc;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

rapidjson::Document parse_json(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    REQUIRE_MESSAGE(!doc.HasParseError(), "not JSON: ", text);
    return doc;
}

struct lab_info {
    fs::path json;
    fs::path docroot;
    std::string origin;
    fs::path ingest_log;
    std::string redirector;
    std::vector<std::string> edges;
    std::string varnish;  // empty: the lab runs without Varnish
    long max_age = 0;
};

lab_info read_lab() {
    const char* path = std::getenv("P2PCDN_CDN_LAB");
    REQUIRE_MESSAGE(path != nullptr, "P2PCDN_CDN_LAB is not set: run through ctest");
    const rapidjson::Document doc = parse_json(read_file(path));
    lab_info lab;
    lab.json = path;
    lab.docroot = doc["docroot"].GetString();
    lab.origin = doc["origin"]["url"].GetString();
    REQUIRE_MESSAGE(doc["origin"].HasMember("ingest_log"), "a lab without an ingest log");
    lab.ingest_log = doc["origin"]["ingest_log"].GetString();
    lab.redirector = doc["redirector"]["url"].GetString();
    for (const auto& edge : doc["edges"].GetArray())
        lab.edges.emplace_back(edge["url"].GetString());
    if (doc["varnish"].IsObject()) {
        lab.varnish = doc["varnish"]["url"].GetString();
    }
    lab.max_age = doc["max_age"].GetInt();
    return lab;
}

// A content id no other run of these tests used against this lab.
std::string unique_id(const char* name) {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return std::string(name) + std::to_string(getpid()) + "x" + std::to_string(now % 1000000007);
}

// Piece i of a content: 64 KiB of noise, a shorter last piece.
std::vector<std::string> make_pieces(std::size_t count, std::uint32_t seed) {
    std::vector<std::string> pieces;
    std::uint32_t x = seed | 1u;
    for (std::size_t i = 0; i < count; ++i) {
        std::string bytes(i + 1 == count ? 40000 : 65536, '\0');
        for (char& b : bytes) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            b = static_cast<char>(x);
        }
        pieces.push_back(std::move(bytes));
    }
    return pieces;
}

std::vector<std::size_t> first_pieces(std::size_t count) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < count; ++i) out.push_back(i);
    return out;
}

http::response get(const std::string& url) {
    static http::client reader(http::client_config{});
    http::request req;
    req.url = url;
    return reader.perform(req);
}

std::string header_of(const http::response& res, const char* name) {
    const std::string* value = res.header(name);
    return value == nullptr ? std::string() : *value;
}

// The lab's origin, its nginx edges and Varnish as the CDN: the UEs' URI goes through the
// redirector; the origin takes the PUTs; a purge DELETEs at the origin then PURGEs at Varnish.
cdn::client_config lab_config(const lab_info& lab) {
    cdn::client_config c;
    c.delivery_template = lab.redirector + "/pieces/{content}/{piece}";
    c.origin = cdn::origin_config{};
    c.origin->ingest_template = lab.origin + "/pieces/{content}/{piece}";
    c.retry.base_delay_ms = 50;
    c.retry.max_delay_ms = 500;
    if (!lab.varnish.empty()) {
        c.edge = cdn::edge_config{};
        c.edge->edges = {lab.varnish};
        c.purge_chain = {cdn::driver_kind::origin, cdn::driver_kind::edge};
    }
    return c;
}

cdn::ingest_request ingest_of(const std::string& id, const std::vector<std::string>& bytes,
                              std::int64_t ttl_s) {
    cdn::ingest_request r;
    r.content_id = id;
    r.pieces = first_pieces(bytes.size());
    r.bytes = bytes;
    r.ttl_s = ttl_s;
    return r;
}

cdn::purge_request purge_of(const std::string& id, std::size_t count) {
    cdn::purge_request r;
    r.content_id = id;
    r.pieces = first_pieces(count);
    return r;
}

// The ingest log's line for a PUT or DELETE of `uri`, the last one when there are several.
std::string ingest_log_line(const lab_info& lab, const std::string& method,
                            const std::string& uri) {
    std::ifstream in(lab.ingest_log);
    std::string line, found;
    while (std::getline(in, line)) {
        if (line.rfind(method + " " + uri + " ", 0) == 0) {
            found = line;
        }
    }
    return found;
}

void check_gone_from_varnish(const lab_info& lab, const std::string& path) {
    const http::response res = get(lab.varnish + path);
    CHECK(res.status == 404);
    CHECK(header_of(res, "x-cache-status") != "HIT");
}

// An RFC 8007 trigger endpoint in front of the lab, started for one test and stopped after it.
class cit_endpoint {
public:
    cit_endpoint(const lab_info& lab, const std::string& name, const std::string& options = "")
        : dir_(lab.json.parent_path() / ("cit-" + name + "-" + std::to_string(getpid()))) {
        fs::create_directories(dir_);
        const std::string start =
            command("--ports '" + (dir_ / "ports.json").string() + "' --pidfile '" + pidfile() +
                    "' --background --lab '" + lab.json.string() + "' " + options);
        REQUIRE_MESSAGE(std::system(start.c_str()) == 0, "cannot start ", start, ": ",
                        read_file(dir_ / "start.log"));
        const rapidjson::Document doc = parse_json(read_file(dir_ / "ports.json"));
        base_ = doc["url"].GetString();
        triggers_ = doc["triggers"].GetString();
    }
    ~cit_endpoint() {
        const std::string stop = command("--stop '" + pidfile() + "'");
        if (std::system(stop.c_str()) == 0) {
            std::error_code ignored;
            fs::remove_all(dir_, ignored);
        }
    }
    cit_endpoint(const cit_endpoint&) = delete;
    cit_endpoint& operator=(const cit_endpoint&) = delete;

    const std::string& triggers() const { return triggers_; }

    // The statuses of the requests with this method the endpoint logged, in order.
    std::vector<long> statuses(const std::string& method) const {
        const rapidjson::Document doc = parse_json(get(base_ + "/_log").body);
        std::vector<long> out;
        for (const auto& entry : doc.GetArray()) {
            if (entry["method"].GetString() == method) {
                out.push_back(entry["status"].GetInt());
            }
        }
        return out;
    }

private:
    std::string pidfile() const { return (dir_ / "server.pid").string(); }
    std::string command(const std::string& args) const {
        return std::string("'") + P2PCDN_PYTHON + "' '" + P2PCDN_CIT_SERVER + "' " + args + " >>'" +
               (dir_ / "start.log").string() + "' 2>&1";
    }

    fs::path dir_;
    std::string base_;
    std::string triggers_;
};

cdn::client_config cit_config_for(const lab_info& lab, const cit_endpoint& cit,
                                  const std::string& prefix = "/pieces") {
    cdn::client_config c = lab_config(lab);
    c.delivery_template = lab.redirector + prefix + "/{content}/{piece}";
    c.cit = cdn::cit_config{};
    c.cit->collection_url = cit.triggers();
    c.cit->cdn_path = {"AS64496:1"};
    c.cit->poll_interval_ms = 100;
    c.cit->max_poll_ms = 30000;
    c.ingest_chain = {cdn::driver_kind::origin, cdn::driver_kind::cit};
    c.purge_chain = {cdn::driver_kind::cit};
    return c;
}

std::size_t count_of(const std::vector<long>& statuses, long status) {
    std::size_t n = 0;
    for (const long s : statuses) n += s == status ? 1 : 0;
    return n;
}

}  // namespace

TEST_SUITE("cdn_lab.client") {
    TEST_CASE("ingest into the WebDAV origin, read back through the edges, with the TTL sent") {
        const lab_info lab = read_lab();
        const std::string id = unique_id("ingest");
        const auto bytes = make_pieces(5, 11);
        cdn::client client(lab_config(lab));
        const auto st = client.wait(client.submit_ingest(ingest_of(id, bytes, 120)));
        REQUIRE(st.state == cdn::job_state::complete);
        for (const auto& item : st.items) {
            CAPTURE(item.piece);
            CHECK(item.state == cdn::item_state::done);
            CHECK(item.http_status == 201);
            const std::string path = "/pieces/" + id + "/" + std::to_string(item.piece);
            CHECK(item.uri == lab.redirector + path);

            // What the origin received: the TTL as max-age, the RFC 9530 digest, the length.
            const std::string line = ingest_log_line(lab, "PUT", path);
            CHECK_MESSAGE(line.find(" 201 ") != std::string::npos, line);
            const std::string& data = bytes[item.piece];
            CHECK_MESSAGE(
                line.find("length=\"" + std::to_string(data.size()) + "\"") != std::string::npos,
                line);
            CHECK_MESSAGE(line.find("cache_control=\"public, max-age=120\"") != std::string::npos,
                          line);
            CHECK_MESSAGE(line.find("digest=\"" + cdn::content_digest_sha256(data) + "\"") !=
                              std::string::npos,
                          line);

            // A UE's GET: the redirector's 302 to an nginx edge, a miss and then a hit, the
            // bytes as uploaded, with the Cache-Control the CDN serves.
            const http::response first = get(item.uri);
            CHECK(first.status == 200);
            CHECK(first.redirects == 1);
            CHECK(first.body == data);
            CHECK(header_of(first, "cache-control") ==
                  "public, max-age=" + std::to_string(lab.max_age));
            const http::response second = get(item.uri);
            CHECK(header_of(second, "x-cache-status") == "HIT");
            CHECK(second.body == data);

            if (!lab.varnish.empty()) {
                const http::response v1 = get(lab.varnish + path);
                CHECK(v1.status == 200);
                CHECK(v1.body == data);
                CHECK(header_of(get(lab.varnish + path), "x-cache-status") == "HIT");
            }
        }
        const auto m = client.metrics("origin");
        CHECK(m.requests == 5);
        CHECK(m.bytes_sent == 4 * 65536 + 40000);
        CHECK(m.failures == 0);
    }

    TEST_CASE("purge: DELETE at the origin, PURGE at Varnish, and the pieces are gone") {
        const lab_info lab = read_lab();
        if (lab.varnish.empty()) {
            MESSAGE("the lab runs without Varnish: only the origin DELETE is checked");
        }
        const std::string id = unique_id("purge");
        const auto bytes = make_pieces(4, 23);
        cdn::client client(lab_config(lab));
        REQUIRE(client.wait(client.submit_ingest(ingest_of(id, bytes, 60))).state ==
                cdn::job_state::complete);
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            const std::string path = "/pieces/" + id + "/" + std::to_string(i);
            if (!lab.varnish.empty()) {
                get(lab.varnish + path);
                REQUIRE(header_of(get(lab.varnish + path), "x-cache-status") == "HIT");
            }
        }

        const auto st = client.wait(client.submit_purge(purge_of(id, bytes.size())));
        CHECK(st.state == cdn::job_state::complete);
        for (const auto& item : st.items) {
            CAPTURE(item.piece);
            CHECK(item.state == cdn::item_state::done);
            const std::string path = "/pieces/" + id + "/" + std::to_string(item.piece);
            CHECK(get(lab.origin + path).status == 404);
            CHECK(ingest_log_line(lab, "DELETE", path).find(" 204 ") != std::string::npos);
            CHECK_FALSE(fs::exists(lab.docroot / "pieces" / id / std::to_string(item.piece)));
            if (!lab.varnish.empty()) {
                check_gone_from_varnish(lab, path);
            }
        }
        if (!lab.varnish.empty()) {
            CHECK(client.metrics("edge").requests == bytes.size());
        }

        // Purging again: the origin answers 404, which is what a purge wants.
        const auto again = client.wait(client.submit_purge(purge_of(id, 1)));
        CHECK(again.state == cdn::job_state::complete);
        CHECK(ingest_log_line(lab, "DELETE", "/pieces/" + id + "/0").find(" 404 ") !=
              std::string::npos);
    }

    TEST_CASE("an ingest fed by the CSS: ranges of the content object, verified, uploaded") {
        const lab_info lab = read_lab();
        const std::string id = unique_id("css");
        const auto bytes = make_pieces(3, 37);
        std::string whole;
        for (const auto& b : bytes) whole += b;
        fs::create_directories(lab.docroot / "css");
        std::ofstream(lab.docroot / "css" / (id + ".bin"), std::ios::binary) << whole;
        const p2pcdn::content_layout layout(id, whole.size(), 65536);
        const auto hashes = p2pcdn::hash_buffer(
            layout, reinterpret_cast<const std::uint8_t*>(whole.data()), whole.size(), {});
        cdn::css_config css;
        css.object_url = lab.origin + "/css/" + id + ".bin";

        cdn::client client(lab_config(lab));
        cdn::ingest_request req;
        req.content_id = id;
        req.pieces = {2, 0, 1};
        req.ttl_s = 30;
        req.css = std::make_shared<cdn::css_source>(layout, hashes, css);
        const auto st = client.wait(client.submit_ingest(req));
        CHECK(st.state == cdn::job_state::complete);
        for (const auto& item : st.items) {
            CHECK(get(item.uri).body == bytes[item.piece]);
        }
        CHECK(client.metrics("css").requests == 3);
        CHECK(client.metrics("css").bytes_received == whole.size());
    }

    TEST_CASE("CI/T: origin push then preposition warms the edges, and a purge trigger removes") {
        const lab_info lab = read_lab();
        cit_endpoint cit(lab, "flow");
        const std::string id = unique_id("cit");
        const auto bytes = make_pieces(3, 41);
        cdn::client client(cit_config_for(lab, cit));
        const auto st = client.wait(client.submit_ingest(ingest_of(id, bytes, 60)));
        REQUIRE(st.state == cdn::job_state::complete);
        REQUIRE(st.trigger_urls.size() == 1);
        CHECK(st.trigger_urls[0].rfind(cit.triggers() + "/", 0) == 0);
        for (const auto& item : st.items) {
            CHECK(item.state == cdn::item_state::done);
            CHECK(item.attempts == 2);  // the PUT and the trigger
        }
        if (!lab.varnish.empty()) {
            // Prepositioned: the first GET a UE makes is already a hit.
            const std::string path = "/pieces/" + id + "/1";
            const http::response res = get(lab.varnish + path);
            CHECK(res.body == bytes[1]);
            CHECK(header_of(res, "x-cache-status") == "HIT");
        }
        CHECK(header_of(get(st.items[0].uri), "x-cache-status") == "HIT");

        const auto purged = client.wait(client.submit_purge(purge_of(id, bytes.size())));
        CHECK(purged.state == cdn::job_state::complete);
        for (const auto& item : purged.items) {
            const std::string path = "/pieces/" + id + "/" + std::to_string(item.piece);
            CHECK(get(lab.origin + path).status == 404);
            if (!lab.varnish.empty()) {
                check_gone_from_varnish(lab, path);
            }
        }
        CHECK(cit.statuses("POST") == std::vector<long>{201, 201});
        CHECK(client.metrics("cit").requests >= 4);  // two triggers and their polls
    }

    TEST_CASE("CI/T: cancel sends a cancel command for the trigger in progress") {
        const lab_info lab = read_lab();
        cit_endpoint cit(lab, "cancel");
        // "/fault-hold/" keeps the trigger pending until it is cancelled.
        cdn::client client(cit_config_for(lab, cit, "/fault-hold"));
        const auto id = client.submit_purge(purge_of(unique_id("hold"), 2));
        for (int i = 0; i < 100 && client.status(id)->trigger_urls.empty(); ++i) client.step(50);
        REQUIRE(client.status(id)->trigger_urls.size() == 1);
        const std::string trigger = client.status(id)->trigger_urls[0];
        CHECK(client.cancel(id));
        CHECK(client.status(id)->state == cdn::job_state::cancelling);
        const auto st = client.wait(id);
        CHECK(st.state == cdn::job_state::cancelled);
        for (const auto& item : st.items) CHECK(item.state == cdn::item_state::cancelled);
        CHECK(cit.statuses("POST") == std::vector<long>{201, 200});  // trigger, cancel
        const http::response tsr = get(trigger);
        REQUIRE(tsr.status == 200);
        CHECK(std::string(parse_json(tsr.body)["status"].GetString()) == "cancelled");
    }

    TEST_CASE("CI/T: an unknown error code is fatal and never retried, and eperm is final") {
        const lab_info lab = read_lab();
        cit_endpoint cit(lab, "errors");
        cdn::client client(cit_config_for(lab, cit, "/fault-unknown-error"));
        const auto st = client.wait(client.submit_purge(purge_of(unique_id("bogus"), 3)));
        CHECK(st.state == cdn::job_state::failed);
        CHECK(st.retries == 0);
        for (const auto& item : st.items) {
            CHECK(item.state == cdn::item_state::failed);
            CHECK(item.error == errc::protocol);
            CHECK(item.driver == "cit");
            CHECK(item.message.find("'ebogus'") != std::string::npos);
            CHECK(item.attempts == 1);
        }
        CHECK(cit.statuses("POST").size() == 1);

        cdn::client denied(cit_config_for(lab, cit, "/fault-eperm"));
        const auto perm = denied.wait(denied.submit_purge(purge_of(unique_id("perm"), 2)));
        CHECK(perm.state == cdn::job_state::failed);
        CHECK(perm.retries == 0);
        CHECK(perm.items[0].message.find("eperm") != std::string::npos);
        CHECK(cit.statuses("POST").size() == 2);
    }

    TEST_CASE("CI/T: a trigger answered 413 is split until the CDN takes it") {
        const lab_info lab = read_lab();
        cit_endpoint cit(lab, "split", "--max-urls 4");
        auto config = cit_config_for(lab, cit);
        config.cit->max_urls_per_trigger = 1000;
        cdn::client client(config);
        const auto st = client.wait(client.submit_purge(purge_of(unique_id("split"), 10)));
        CHECK(st.state == cdn::job_state::complete);
        CHECK(st.retries == 0);  // splitting is not retrying
        // 10 -> 413; 5 and 5 -> 413 each; 2, 3, 2, 3 -> 201 each.
        const auto posts = cit.statuses("POST");
        CHECK(count_of(posts, 413) == 3);
        CHECK(count_of(posts, 201) == 4);
        CHECK(st.trigger_urls.size() == 4);
    }

    TEST_CASE("CI/T: 503 with Retry-After on the first POSTs is retried after the wait") {
        const lab_info lab = read_lab();
        cit_endpoint cit(lab, "busy", "--fail-first 2");
        cdn::client client(cit_config_for(lab, cit));
        const auto start = std::chrono::steady_clock::now();
        const auto st = client.wait(client.submit_purge(purge_of(unique_id("busy"), 2)));
        const auto took = std::chrono::steady_clock::now() - start;
        CHECK(st.state == cdn::job_state::complete);
        CHECK(st.retries == 2);
        CHECK(st.items[0].attempts == 3);
        CHECK(cit.statuses("POST") == std::vector<long>{503, 503, 201});
        CHECK(took >= std::chrono::milliseconds(1900));  // "Retry-After: 1", twice
        CHECK(client.metrics("cit").retries == 2);
    }
}
