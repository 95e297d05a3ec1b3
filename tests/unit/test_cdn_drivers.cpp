// The CDN drivers' requests and their reading of answers, on answers made by hand (the
// integration tests send them for real): what each driver sends, and which answers are a
// success, a retry, a split or a final failure.
#include <doctest/doctest.h>

#include "test_support.hpp"

#include "cdn/cit_driver.hpp"
#include "cdn/edge_driver.hpp"
#include "cdn/object_headers.hpp"
#include "cdn/origin_driver.hpp"
#include "cdn/url_join.hpp"

#include <string>
#include <vector>

using p2pcdn::errc;
using p2pcdn::test::code_of;
namespace cdn = p2pcdn::cdn;
namespace cit = p2pcdn::cit;
using cdn::verdict;

namespace {

cdn::job_data job_of(cdn::job_kind kind, std::vector<std::size_t> pieces) {
    cdn::job_data job;
    job.status.kind = kind;
    job.status.content_id = "film";
    job.status.ttl_s = 60;
    for (const std::size_t p : pieces) {
        cdn::job_item item;
        item.piece = p;
        item.uri = "https://cdn.example/p/film/" + std::to_string(p) + "?k=v";
        job.status.items.push_back(item);
        job.bytes.push_back(std::string(10 + p, 'b'));
    }
    return job;
}

cdn::operation op_of(std::vector<std::size_t> items, int phase = 0) {
    cdn::operation op;
    op.items = std::move(items);
    op.phase = phase;
    return op;
}

p2pcdn::http::response answer(long status, p2pcdn::http::header_list headers = {},
                              std::string body = {}) {
    p2pcdn::http::response res;
    res.status = status;
    res.headers = std::move(headers);
    res.body = std::move(body);
    res.final_url = "https://host.example/x?secret=1";
    return res;
}

p2pcdn::http::response no_answer(errc e) {
    p2pcdn::http::response res;
    res.error = e;
    res.message = "Couldn't connect to server (PUT https://host.example/x?...)";
    res.final_url = "https://host.example/x?secret=1";
    return res;
}

const std::string* header(const p2pcdn::http::request& req, const std::string& name) {
    for (const auto& h : req.headers) {
        if (h.first == name) {
            return &h.second;
        }
    }
    return nullptr;
}

cdn::cit_driver make_cit(std::size_t max_urls = 100) {
    cdn::cit_config c;
    c.collection_url = "http://dcdn.example:8080/ci/triggers";
    c.cdn_path = {"AS64496:1"};
    c.poll_interval_ms = 1000;
    c.max_urls_per_trigger = max_urls;
    return cdn::cit_driver(c);
}

std::string status_body(cit::status_value s, std::vector<cit::status_error> errors = {}) {
    cit::trigger_status st;
    st.status = s;
    st.ctime = st.mtime = 1700000000;
    st.errors = std::move(errors);
    return cit::encode_status(st);
}

}  // namespace

TEST_SUITE("cdn drivers") {
    TEST_CASE("object headers: RFC 9530 digest, TTL, HTTP-date") {
        CHECK(cdn::content_digest_sha256("{\"hello\": \"world\"}") ==
              "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
        CHECK(cdn::content_digest_sha256("") ==
              "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
        CHECK(cdn::cache_control_for_ttl(300) == "public, max-age=300");
        CHECK(cdn::format_http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
        CHECK(cdn::format_http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
        CHECK(code_of([] { cdn::format_http_date(-1); }) == errc::range);
        CHECK(code_of([] { cdn::format_http_date(253402300800); }) == errc::range);
    }

    TEST_CASE("URL parts: delivery paths, schemes, Location references") {
        CHECK(cdn::path_and_query("http://h:1/a/b?x=1#frag") == "/a/b?x=1");
        CHECK(cdn::path_and_query("http://h:1") == "/");
        CHECK(cdn::path_and_query("http://h:1?q") == "/?q");
        CHECK(cdn::without_scheme("https://h/a") == "//h/a");
        CHECK(cdn::without_scheme("http://h/a") == cdn::without_scheme("https://h/a"));
        const std::string base = "http://dcdn.example:8080/ci/triggers";
        CHECK(cdn::resolve_reference(base, "/ci/triggers/7") ==
              "http://dcdn.example:8080/ci/triggers/7");
        CHECK(cdn::resolve_reference(base, "triggers/8") ==
              "http://dcdn.example:8080/ci/triggers/8");
        CHECK(cdn::resolve_reference(base, "https://other.example/t/1") ==
              "https://other.example/t/1");
        CHECK(code_of([&] { cdn::resolve_reference(base, "http://[::1"); }) == errc::protocol);
    }

    TEST_CASE("failure outcomes: retry, split, fail, and the errc of each") {
        const auto retry = cdn::failure_outcome(
            "PUT x",
            [] {
                auto r = answer(503);
                r.retry_after_ms = 2000;
                return r;
            }(),
            1);
        CHECK(retry.what == verdict::retry);
        CHECK(retry.delay_ms == 2000);
        CHECK(retry.message == "PUT x answered HTTP 503");
        CHECK(cdn::failure_outcome("PUT x", answer(429), 1).delay_ms == -1);
        CHECK(cdn::failure_outcome("PUT x", answer(413), 2).what == verdict::split);
        const auto big = cdn::failure_outcome("PUT x", answer(413), 1);
        CHECK(big.what == verdict::fail);
        CHECK(big.error == errc::limit);
        CHECK(cdn::failure_outcome("PUT x", answer(404), 1).error == errc::not_found);
        CHECK(cdn::failure_outcome("PUT x", answer(403), 1).error == errc::http);
        CHECK(cdn::failure_outcome("PUT x", answer(400), 1).what == verdict::fail);
        CHECK(cdn::failure_outcome("PUT x", no_answer(errc::network), 1).what == verdict::retry);
        CHECK(cdn::failure_outcome("PUT x", no_answer(errc::timeout), 1).what == verdict::retry);
        const auto tls = cdn::failure_outcome("PUT x", no_answer(errc::tls), 1);
        CHECK(tls.what == verdict::fail);
        CHECK(tls.error == errc::tls);
        CHECK(cdn::describe("PUT", "https://u:pw@h.example/a?sig=s3cret") ==
              "PUT https://h.example/a?...");
    }

    TEST_CASE("origin: PUT with type, length, TTL, digest and optional Expires, and DELETE") {
        cdn::origin_config c;
        c.ingest_template = "http://origin:8081/pieces/{content}/{piece}";
        c.content_type = "application/x-piece";
        c.send_expires = true;
        const cdn::origin_driver d(c);
        CHECK(d.needs_bytes());
        CHECK(d.changes_cdn());
        auto job = job_of(cdn::job_kind::ingest, {4});
        const std::string piece = job.bytes[0];
        auto req = d.request(job, op_of({0}), 784111777 - 60);
        CHECK(req.method == "PUT");
        CHECK(req.url == "http://origin:8081/pieces/film/4");
        // The bytes move into the request, not copied, and come back with its answer.
        CHECK(req.body == piece);
        CHECK(job.bytes[0].empty());
        REQUIRE(header(req, "Content-Type") != nullptr);
        CHECK(*header(req, "Content-Type") == "application/x-piece");
        CHECK(*header(req, "Content-Length") == "14");
        CHECK(*header(req, "Cache-Control") == "public, max-age=60");
        CHECK(*header(req, "Expires") == "Sun, 06 Nov 1994 08:49:37 GMT");
        CHECK(*header(req, "Content-Digest") == cdn::content_digest_sha256(piece));

        auto op = op_of({0});
        for (long s : {200L, 201L, 204L}) {
            auto res = answer(s);
            res.request_body = piece;
            CHECK(d.classify(job, op, res).what == verdict::done);
            CHECK(job.bytes[0] == piece);  // handed back for a retry
        }
        auto res = answer(404);
        CHECK(d.classify(job, op, res).what == verdict::fail);  // a PUT's 404 is a failure
        res = answer(500);
        CHECK(d.classify(job, op, res).what == verdict::retry);

        auto purge = job_of(cdn::job_kind::purge, {4});
        const auto del = d.request(purge, op_of({0}), 0);
        CHECK(del.method == "DELETE");
        CHECK(del.body.empty());
        CHECK(header(del, "Content-Digest") == nullptr);
        for (long s : {200L, 202L, 204L, 404L}) {
            res = answer(s);
            CHECK(d.classify(purge, op, res).what == verdict::done);
        }
        res = answer(403);
        const auto denied = d.classify(purge, op, res);
        CHECK(denied.what == verdict::fail);
        CHECK(denied.message == "DELETE https://host.example/x?... answered HTTP 403");
    }

    TEST_CASE("edge: one operation per piece per edge, the delivery path on each edge") {
        cdn::edge_config c;
        c.edges = {"http://127.0.0.1:6081/", "http://127.0.0.1:6082"};
        const cdn::edge_driver d(c);
        auto job = job_of(cdn::job_kind::purge, {1, 2});
        const auto ops = d.plan(job, {0, 1});
        REQUIRE(ops.size() == 4);
        CHECK(ops[1].items == std::vector<std::size_t>{0});
        CHECK(ops[1].target == 1);
        const auto req = d.request(job, ops[1], 0);
        CHECK(req.method == "PURGE");
        CHECK(req.url == "http://127.0.0.1:6082/p/film/1?k=v");
        CHECK(d.request(job, ops[2], 0).url == "http://127.0.0.1:6081/p/film/2?k=v");
        auto op = ops[0];
        for (long s : {200L, 204L, 404L}) {
            auto res = answer(s);
            CHECK(d.classify(job, op, res).what == verdict::done);
        }
        auto res = answer(405);
        CHECK(d.classify(job, op, res).what == verdict::fail);
        res = answer(502);
        CHECK(d.classify(job, op, res).what == verdict::retry);
    }

    TEST_CASE("CI/T: the trigger command, batches, and its acceptance") {
        const auto d = make_cit(2);
        CHECK(d.batch_limit() == 2);
        auto job = job_of(cdn::job_kind::ingest, {5, 6, 7});
        const auto ops = d.plan(job, {0, 1, 2});
        REQUIRE(ops.size() == 2);
        CHECK(ops[1].items == std::vector<std::size_t>{2});

        const auto req = d.request(job, ops[0], 0);
        CHECK(req.method == "POST");
        CHECK(req.url == "http://dcdn.example:8080/ci/triggers");
        CHECK(*header(req, "Content-Type") == "application/cdni; ptype=ci-trigger-command");
        const cit::command cmd = cit::decode_command(req.body);
        REQUIRE(cmd.trigger.has_value());
        CHECK(cmd.trigger->type == cit::trigger_type::preposition);
        CHECK(cmd.trigger->content_urls ==
              std::vector<std::string>{job.status.items[0].uri, job.status.items[1].uri});
        CHECK(cmd.cdn_path == std::vector<std::string>{"AS64496:1"});
        auto purge = job_of(cdn::job_kind::purge, {5});
        CHECK(cit::decode_command(d.request(purge, op_of({0}), 0).body).trigger->type ==
              cit::trigger_type::purge);

        // 201 with a relative Location: poll it.
        auto op = ops[0];
        auto res = answer(201, {{"location", "/ci/triggers/7"}, {"etag", "\"v1\""}});
        auto out = d.classify(job, op, res);
        CHECK(out.what == verdict::follow_up);
        CHECK(out.delay_ms == 1000);
        CHECK(op.phase == 1);
        CHECK(op.resource == "http://dcdn.example:8080/ci/triggers/7");
        CHECK(op.etag == "\"v1\"");
        CHECK(job.status.trigger_urls == std::vector<std::string>{op.resource});
        const auto poll = d.request(job, op, 0);
        CHECK(poll.method == "GET");
        CHECK(poll.url == op.resource);
        CHECK(*header(poll, "If-None-Match") == "\"v1\"");

        // A 201 that carries a final status needs no poll.
        op = ops[0];
        res =
            answer(201, {{"location", "/ci/triggers/8"}}, status_body(cit::status_value::complete));
        CHECK(d.classify(job, op, res).what == verdict::done);

        op = ops[0];
        res = answer(201);
        out = d.classify(job, op, res);
        CHECK(out.what == verdict::fail);
        CHECK(out.error == errc::protocol);

        op = ops[0];
        res = answer(413);
        CHECK(d.classify(job, op, res).what == verdict::split);
        op = ops[1];
        res = answer(413);
        CHECK(d.classify(job, op, res).what == verdict::fail);
        res = answer(503);
        CHECK(d.classify(job, op, res).what == verdict::retry);
    }

    TEST_CASE("CI/T: polling the status resource to its end") {
        const auto d = make_cit();
        auto job = job_of(cdn::job_kind::purge, {5, 6});
        auto polled = [&](p2pcdn::http::response res) {
            auto op = op_of({0, 1}, 1);
            op.resource = "http://dcdn.example:8080/ci/triggers/3";
            return d.classify(job, op, res);
        };
        CHECK(polled(answer(304)).what == verdict::follow_up);
        const auto hinted = polled(
            answer(200, {{"cache-control", "max-age=5"}}, status_body(cit::status_value::active)));
        CHECK(hinted.what == verdict::follow_up);
        CHECK(hinted.delay_ms == 5000);
        CHECK(polled(answer(200, {}, status_body(cit::status_value::pending))).what ==
              verdict::follow_up);
        const auto complete = polled(answer(200, {}, status_body(cit::status_value::complete)));
        CHECK(complete.what == verdict::done);
        CHECK(complete.confirmed);
        const auto processed = polled(answer(200, {}, status_body(cit::status_value::processed)));
        CHECK(processed.what == verdict::done);
        CHECK_FALSE(processed.confirmed);
        const auto cancelled = polled(answer(200, {}, status_body(cit::status_value::cancelled)));
        CHECK(cancelled.what == verdict::fail);
        CHECK(cancelled.error == errc::cancelled);
        CHECK(polled(answer(404)).what == verdict::fail);
        CHECK(polled(answer(502)).what == verdict::retry);
        const auto garbled = polled(answer(200, {}, "{\"status\": \"sleeping\"}"));
        CHECK(garbled.what == verdict::fail);
        CHECK(garbled.error == errc::protocol);
    }

    TEST_CASE("CI/T: errors of a failed trigger, per URL, and unknown codes are fatal") {
        const auto d = make_cit();
        auto job = job_of(cdn::job_kind::ingest, {5, 6, 7});
        auto polled = [&](std::vector<cit::status_error> errors) {
            auto op = op_of({0, 1, 2}, 1);
            op.resource = "http://dcdn.example:8080/ci/triggers/3";
            auto res = answer(200, {}, status_body(cit::status_value::failed, std::move(errors)));
            return d.classify(job, op, res);
        };
        cit::status_error perm;
        perm.code = cit::error_code::eperm;
        // The scheme is ignored when URLs are compared.
        perm.content_urls = {"http://cdn.example/p/film/5?k=v"};
        perm.description = "not yours";
        cit::status_error internal;
        internal.code = cit::error_code::ecdn;
        internal.content_urls = {job.status.items[2].uri};
        auto out = polled({perm, internal});
        CHECK(out.what == verdict::done);
        REQUIRE(out.problems.size() == 2);
        CHECK(out.problems[0].item == 0);
        CHECK_FALSE(out.problems[0].retry);
        CHECK(out.problems[0].message.find("eperm: not yours") != std::string::npos);
        CHECK(out.problems[1].item == 2);
        CHECK(out.problems[1].retry);  // ecdn: the CDN's own trouble, worth another trigger

        cit::status_error all;
        all.code = cit::error_code::ereject;
        out = polled({all});
        CHECK(out.problems.size() == 3);

        cit::status_error bogus;
        bogus.code = cit::error_code::unknown;
        bogus.code_text = "ebogus";
        out = polled({internal, bogus});
        CHECK(out.what == verdict::fail);
        CHECK(out.error == errc::protocol);
        CHECK(out.message.find("'ebogus'") != std::string::npos);
        CHECK(out.message.find("not retried") != std::string::npos);

        out = polled({});
        CHECK(out.what == verdict::fail);
    }

    TEST_CASE("CI/T: cancel names the status resource, and only a known one can be cancelled") {
        const auto d = make_cit();
        auto job = job_of(cdn::job_kind::purge, {5});
        auto op = op_of({0}, 0);
        CHECK_FALSE(d.begin_cancel(op));  // the trigger has no resource yet
        op.phase = 1;
        op.resource = "http://dcdn.example:8080/ci/triggers/3";
        REQUIRE(d.begin_cancel(op));
        const auto req = d.request(job, op, 0);
        CHECK(req.method == "POST");
        const auto cmd = cit::decode_command(req.body);
        CHECK_FALSE(cmd.trigger.has_value());
        CHECK(cmd.cancel == std::vector<std::string>{op.resource});
        for (long s : {200L, 202L, 501L}) {
            auto res = answer(s);
            CHECK(d.classify(job, op, res).what == verdict::done);
        }
        auto res = answer(503);
        CHECK(d.classify(job, op, res).what == verdict::retry);
    }
}
