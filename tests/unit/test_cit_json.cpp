#include <doctest/doctest.h>

#include "test_support.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "wire/cit_json.hpp"

using p2pcdn::errc;
using p2pcdn::test::code_of;
namespace cit = p2pcdn::cit;

namespace {

// RFC 8007 section 6.1.1: pre-positioning content and metadata.
const std::string rfc_preposition = R"({
    "trigger": {
      "type": "preposition",
      "metadata.urls": [ "https://metadata.example.com/a/b/c" ],
      "content.urls": [
          "https://www.example.com/a/b/c/1",
          "https://www.example.com/a/b/c/2",
          "https://www.example.com/a/b/c/3",
          "https://www.example.com/a/b/c/4"
        ]
    },
    "cdn-path": [ "AS64496:1" ]
  })";

// RFC 8007 section 6.1.2: invalidating with patterns.
const std::string rfc_invalidate = R"({
    "trigger": {
      "type": "invalidate",
      "metadata.patterns": [ { "pattern": "https://metadata.example.com/a/b/*" } ],
      "content.urls": [ "https://www.example.com/a/index.html" ],
      "content.patterns": [
          { "pattern": "https://www.example.com/a/b/*", "case-sensitive": true }
        ]
    },
    "cdn-path": [ "AS64496:1" ]
  })";

// RFC 8007 section 6.2.x: a cancel command.
const std::string rfc_cancel = R"({
    "cancel": [ "https://triggers.dcdn.example.com/triggers/2" ],
    "cdn-path": [ "AS64496:1" ]
  })";

// RFC 8007 section 6.1.1: the trigger status resource of the 201 response.
const std::string rfc_created = R"({
    "ctime": 1462351690,
    "etime": 1462351698,
    "mtime": 1462351690,
    "status": "pending",
    "trigger": {
      "content.urls": [
          "https://www.example.com/a/b/c/1",
          "https://www.example.com/a/b/c/2",
          "https://www.example.com/a/b/c/3",
          "https://www.example.com/a/b/c/4"
      ],
      "metadata.urls": [ "https://metadata.example.com/a/b/c" ],
      "type": "preposition"
    }
  })";

// RFC 8007 section 6.4: a status resource reporting an error.
const std::string rfc_error = R"({
    "ctime": 1462351690,
    "errors": [
      {
        "content.urls": [ "https://newsite.example.com/index.html" ],
        "description": "newsite.example.com not in HostIndex",
        "error": "econtent"
      }
    ],
    "etime": 1462351698,
    "mtime": 1462351690,
    "status": "active",
    "trigger": {
      "content.urls": [
          "https://www.example.com/index.html",
          "https://newsite.example.com/index.html"
      ],
      "type": "preposition"
    }
  })";

// A small status and a small trigger command, members replaced one by one by the tests.
const std::string small_status =
    R"({"status":"complete","ctime":10,"mtime":20,"trigger":{"type":"purge",)"
    R"("content.urls":["http://o/a"]},"errors":[{"error":"eperm","content.urls":["http://o/a"]}]})";
const std::string small_trigger =
    R"({"trigger":{"type":"purge","content.urls":["http://o/a"]},"cdn-path":["AS64496:1"]})";

// `text` with its one `from` replaced by `to`.
std::string with(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    REQUIRE(text.find(from, at + 1) == std::string::npos);
    return text.replace(at, from.size(), to);
}

template <typename F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const p2pcdn::error& e) {
        return e.what();
    }
    return "(no error)";
}

void status_rejected(const std::string& json, const std::string& message, errc code = errc::parse,
                     const cit::cit_limits& limits = {}) {
    CAPTURE(json);
    CHECK(message_of([&] { cit::decode_status(json, limits); }) == message);
    CHECK(code_of([&] { cit::decode_status(json, limits); }) == code);
}

void command_rejected(const std::string& json, const std::string& message, errc code = errc::parse,
                      const cit::cit_limits& limits = {}) {
    CAPTURE(json);
    CHECK(message_of([&] { cit::decode_command(json, limits); }) == message);
    CHECK(code_of([&] { cit::decode_command(json, limits); }) == code);
}

cit::trigger_command purge_of(std::vector<std::string> urls) {
    cit::trigger_command cmd;
    cmd.type = cit::trigger_type::purge;
    cmd.content_urls = std::move(urls);
    cmd.cdn_path = {"AS64496:1"};
    return cmd;
}

}  // namespace

TEST_SUITE("cit_json") {
    TEST_CASE("names of types, statuses and error codes") {
        for (const auto t : {cit::trigger_type::preposition, cit::trigger_type::invalidate,
                             cit::trigger_type::purge}) {
            CHECK(cit::parse_trigger_type(cit::to_string(t)) == t);
        }
        const cit::status_value all[] = {cit::status_value::pending,  cit::status_value::active,
                                         cit::status_value::complete, cit::status_value::processed,
                                         cit::status_value::failed,   cit::status_value::cancelling,
                                         cit::status_value::cancelled};
        for (const auto s : all) {
            CHECK(cit::parse_status_value(cit::to_string(s)) == s);
        }
        CHECK(std::string(cit::to_string(cit::status_value::cancelling)) == "cancelling");
        CHECK(cit::is_final(cit::status_value::complete));
        CHECK(cit::is_final(cit::status_value::processed));
        CHECK(cit::is_final(cit::status_value::failed));
        CHECK(cit::is_final(cit::status_value::cancelled));
        CHECK_FALSE(cit::is_final(cit::status_value::pending));
        CHECK_FALSE(cit::is_final(cit::status_value::active));
        CHECK_FALSE(cit::is_final(cit::status_value::cancelling));
        for (const char* code :
             {"emeta", "econtent", "eperm", "ereject", "ecdn", "ecanceled", "eunsupported"}) {
            CHECK(std::string(cit::to_string(cit::parse_error_code(code))) == code);
        }
        CHECK(cit::parse_error_code("ebogus") == cit::error_code::unknown);
        CHECK(cit::parse_error_code("ecancelled") == cit::error_code::unknown);  // v2 spelling
        CHECK(std::string(cit::to_string(cit::error_code::unknown)) == "unknown");
        CHECK_FALSE(cit::parse_trigger_type("Purge"));
        CHECK_FALSE(cit::parse_status_value("canceled"));
        CHECK(cit::command_media_type == "application/cdni; ptype=ci-trigger-command");
        CHECK(cit::status_media_type == "application/cdni; ptype=ci-trigger-status");
    }

    TEST_CASE("the RFC's preposition command") {
        const cit::command cmd = cit::decode_command(rfc_preposition);
        REQUIRE(cmd.trigger);
        CHECK(cmd.cancel.empty());
        CHECK(cmd.cdn_path == std::vector<std::string>{"AS64496:1"});
        const cit::trigger_command& t = *cmd.trigger;
        CHECK(t.type == cit::trigger_type::preposition);
        CHECK(t.metadata_urls == std::vector<std::string>{"https://metadata.example.com/a/b/c"});
        REQUIRE(t.content_urls.size() == 4);
        CHECK(t.content_urls[3] == "https://www.example.com/a/b/c/4");
        CHECK(t.cdn_path == cmd.cdn_path);
        // The encoder writes it compactly, in the RFC's member order, and it decodes back.
        const std::string text = cit::encode_trigger(t);
        CHECK(text == R"({"trigger":{"type":"preposition",)"
                      R"("metadata.urls":["https://metadata.example.com/a/b/c"],)"
                      R"("content.urls":["https://www.example.com/a/b/c/1",)"
                      R"("https://www.example.com/a/b/c/2","https://www.example.com/a/b/c/3",)"
                      R"("https://www.example.com/a/b/c/4"]},"cdn-path":["AS64496:1"]})");
        CHECK(cit::decode_command(text) == cmd);
    }

    TEST_CASE("the RFC's invalidate command with patterns") {
        const cit::command cmd = cit::decode_command(rfc_invalidate);
        REQUIRE(cmd.trigger);
        const cit::trigger_command& t = *cmd.trigger;
        CHECK(t.type == cit::trigger_type::invalidate);
        REQUIRE(t.metadata_patterns.size() == 1);
        CHECK(t.metadata_patterns[0].pattern == "https://metadata.example.com/a/b/*");
        CHECK_FALSE(t.metadata_patterns[0].case_sensitive);  // the defaults
        CHECK_FALSE(t.metadata_patterns[0].match_query_string);
        REQUIRE(t.content_patterns.size() == 1);
        CHECK(t.content_patterns[0].case_sensitive);
        CHECK_FALSE(t.content_patterns[0].match_query_string);
        CHECK(cit::decode_command(cit::encode_trigger(t)) == cmd);
    }

    TEST_CASE("the RFC's cancel command") {
        const cit::command cmd = cit::decode_command(rfc_cancel);
        CHECK_FALSE(cmd.trigger);
        CHECK(cmd.cancel ==
              std::vector<std::string>{"https://triggers.dcdn.example.com/triggers/2"});
        CHECK(cmd.cdn_path == std::vector<std::string>{"AS64496:1"});
        const std::string text = cit::encode_cancel(cmd.cancel, cmd.cdn_path);
        CHECK(text == R"({"cancel":["https://triggers.dcdn.example.com/triggers/2"],)"
                      R"("cdn-path":["AS64496:1"]})");
        CHECK(cit::decode_command(text) == cmd);
    }

    TEST_CASE("the RFC's status resources") {
        const cit::trigger_status created = cit::decode_status(rfc_created);
        CHECK(created.status == cit::status_value::pending);
        CHECK(created.ctime == 1462351690);
        CHECK(created.mtime == 1462351690);
        CHECK(created.etime == 1462351698);
        CHECK(created.type == cit::trigger_type::preposition);
        CHECK(created.content_urls.size() == 4);
        CHECK(created.metadata_urls.size() == 1);
        CHECK(created.errors.empty());
        CHECK(cit::decode_status(cit::encode_status(created)) == created);

        const cit::trigger_status failing = cit::decode_status(rfc_error);
        CHECK(failing.status == cit::status_value::active);
        REQUIRE(failing.errors.size() == 1);
        const cit::status_error& e = failing.errors[0];
        CHECK(e.code == cit::error_code::econtent);
        CHECK(e.code_text.empty());
        CHECK(e.content_urls == std::vector<std::string>{"https://newsite.example.com/index.html"});
        CHECK(e.metadata_urls.empty());
        CHECK(e.description == "newsite.example.com not in HostIndex");
        const std::string text = cit::encode_status(failing);
        CHECK(text == R"({"status":"active","ctime":1462351690,"mtime":1462351690,)"
                      R"("etime":1462351698,"trigger":{"type":"preposition","content.urls":)"
                      R"(["https://www.example.com/index.html",)"
                      R"("https://newsite.example.com/index.html"]},"errors":[{"error":"econtent",)"
                      R"("content.urls":["https://newsite.example.com/index.html"],)"
                      R"("description":"newsite.example.com not in HostIndex"}]})");
        CHECK(cit::decode_status(text) == failing);
    }

    TEST_CASE("an unknown error code is kept with its text") {
        const auto s = cit::decode_status(with(small_status, R"("eperm")", R"("ebogus")"));
        REQUIRE(s.errors.size() == 1);
        CHECK(s.errors[0].code == cit::error_code::unknown);
        CHECK(s.errors[0].code_text == "ebogus");
        const std::string text = cit::encode_status(s);
        CHECK(text.find(R"("error":"ebogus")") != std::string::npos);
        CHECK(cit::decode_status(text) == s);
        // The RFC's registry has "ecanceled"; CI/T v2's "ecancelled" is not a v1 code.
        const auto v2 = cit::decode_status(with(small_status, R"("eperm")", R"("ecancelled")"));
        CHECK(v2.errors[0].code == cit::error_code::unknown);
    }

    TEST_CASE("unknown members are ignored everywhere") {
        const std::string status =
            R"({"x":{"y":[1,{"z":null}]},"status":"failed","ctime":1,"mtime":2,)"
            R"("trigger":{"type":"purge","content.urls":["http://o/a"],"cdn-path":["AS1:1"],)"
            R"("content.patterns":[{"pattern":"http://o/*"}],"z":1},)"
            R"("errors":[{"error":"ecdn","content.patterns":[{"pattern":"x"}],"extra":true}],)"
            R"("coll-all":"/triggers"})";
        const auto s = cit::decode_status(status);
        CHECK(s.status == cit::status_value::failed);
        CHECK(s.content_urls == std::vector<std::string>{"http://o/a"});
        REQUIRE(s.errors.size() == 1);
        CHECK(s.errors[0].code == cit::error_code::ecdn);
        CHECK(s.errors[0].content_urls.empty());

        const auto cmd = cit::decode_command(
            R"({"v2":0,"trigger":{"type":"purge","content.urls":["http://o/a"],"labels":["a=b"],)"
            R"("content.patterns":[{"pattern":"http://o/?","flag":1}]},"cdn-path":["AS1:x"]})");
        REQUIRE(cmd.trigger);
        CHECK(cmd.trigger->content_patterns.size() == 1);
    }

    TEST_CASE("times: integers, fractions dropped, bounds") {
        auto s = cit::decode_status(with(small_status, R"("ctime":10)", R"("ctime":10.9)"));
        CHECK(s.ctime == 10);
        s = cit::decode_status(with(small_status, R"("ctime":10)", R"("ctime":-0.5)"));
        CHECK(s.ctime == -1);
        s = cit::decode_status(with(small_status, R"("ctime":10)", R"("ctime":1.5e9)"));
        CHECK(s.ctime == 1500000000);
        s = cit::decode_status(
            with(small_status, R"("ctime":10)", R"("ctime":-9223372036854775808)"));
        CHECK(s.ctime == INT64_MIN);
        CHECK_FALSE(s.etime);
        status_rejected(with(small_status, R"("ctime":10)", R"("ctime":9223372036854775808)"),
                        "member 'ctime' is out of range");
        status_rejected(with(small_status, R"("mtime":20)", R"("mtime":1e300)"),
                        "member 'mtime' is out of range");
        status_rejected(with(small_status, R"("mtime":20)", R"("mtime":"20")"),
                        "member 'mtime' is not a number");
        status_rejected(with(small_status, R"("mtime":20)", R"("mtime":20,"etime":null)"),
                        "member 'etime' is not a number");
    }

    TEST_CASE("status errors name the member") {
        status_rejected("", "trigger status is not valid JSON: The document is empty. at offset 0");
        status_rejected("[]", "trigger status is not a JSON object");
        status_rejected(with(small_status, R"("status":"complete",)", ""),
                        "member 'status' is missing");
        status_rejected(with(small_status, R"("complete")", R"("done")"),
                        "member 'status' is not a trigger status (pending, active, complete, "
                        "processed, failed, cancelling, cancelled)");
        status_rejected(with(small_status, R"("complete")", "1"),
                        "member 'status' is not a string");
        status_rejected(with(small_status, R"("ctime":10,)", ""), "member 'ctime' is missing");
        status_rejected(with(small_status, R"("mtime":20,)", ""), "member 'mtime' is missing");
        status_rejected(R"({"status":"pending","ctime":1,"mtime":1})",
                        "member 'trigger' is missing");
        status_rejected(R"({"status":"pending","ctime":1,"mtime":1,"trigger":[]})",
                        "member 'trigger' is not an object");
        status_rejected(with(small_status, R"("type":"purge",)", ""),
                        "member 'trigger.type' is missing");
        status_rejected(with(small_status, R"("purge")", R"("delete")"),
                        "member 'trigger.type' is not a trigger type (preposition, invalidate, "
                        "purge)");
        status_rejected(with(small_status, R"("content.urls":["http://o/a"]},)",
                             R"("content.urls":"http://o/a"},)"),
                        "member 'trigger.content.urls' is not an array");
        status_rejected(with(small_status, R"("content.urls":["http://o/a"]},)",
                             R"("content.urls":["http://o/a",7]},)"),
                        "member 'trigger.content.urls[1]' is not a string");
        status_rejected(with(small_status, R"("content.urls":["http://o/a"]},)",
                             R"("content.urls":["http://o/a b"]},)"),
                        "member 'trigger.content.urls[0]' holds a space or a control character");
        status_rejected(
            with(small_status, R"("content.urls":["http://o/a"]},)", R"("content.urls":[""]},)"),
            "member 'trigger.content.urls[0]' is empty");
        status_rejected(
            with(small_status, R"("type":"purge",)", R"("metadata.urls":["x\ny"],"type":"purge",)"),
            "member 'trigger.metadata.urls[0]' holds a space or a control character");
        status_rejected(
            with(small_status, R"("type":"purge",)", R"("type":"purge","type":"purge",)"),
            "trigger: member 'type' appears more than once");
        status_rejected(with(small_status, R"("ctime":10,)", R"("ctime":10,"ctime":11,)"),
                        "member 'ctime' appears more than once");
    }

    TEST_CASE("status error entries") {
        const std::string errors_of = R"([{"error":"eperm","content.urls":["http://o/a"]}])";
        const auto errors = [&](const std::string& raw) {
            return with(small_status, errors_of, raw);
        };
        status_rejected(errors("{}"), "member 'errors' is not an array");
        status_rejected(errors("[1]"), "member 'errors[0]' is not an object");
        status_rejected(errors(R"([{"error":"eperm"},{"content.urls":[]}])"),
                        "member 'errors[1].error' is missing");
        status_rejected(errors(R"([{"error":3}])"), "member 'errors[0].error' is not a string");
        status_rejected(errors(R"([{"error":""}])"), "member 'errors[0].error' is empty");
        status_rejected(errors(R"([{"error":"e\u0001"}])"),
                        "member 'errors[0].error' holds a control character");
        status_rejected(errors(R"([{"error":"eperm","content.urls":{}}])"),
                        "member 'errors[0].content.urls' is not an array");
        status_rejected(errors(R"([{"error":"eperm","metadata.urls":["a",null]}])"),
                        "member 'errors[0].metadata.urls[1]' is not a string");
        status_rejected(errors(R"([{"error":"eperm","description":false}])"),
                        "member 'errors[0].description' is not a string");
        status_rejected(errors(R"([{"error":"eperm","error":"ecdn"}])"),
                        "member 'errors[0].error' appears more than once");
        // An error with no URL is kept: the client needs its code, not where it happened.
        const auto s = cit::decode_status(errors(R"([{"error":"ereject"}])"));
        CHECK(s.errors[0].code == cit::error_code::ereject);
    }

    TEST_CASE("command errors name the member") {
        command_rejected("{",
                         "trigger command is not valid JSON: Missing a name for object "
                         "member. at offset 1");
        command_rejected(R"({"cdn-path":["AS1:1"]})", "member 'trigger' or 'cancel' is missing");
        command_rejected(
            R"({"trigger":{"type":"purge","content.urls":["u"]},"cancel":["c"],"cdn-path":["AS1:1"]})",
            "members 'trigger' and 'cancel' are both present");
        command_rejected(with(small_trigger, R"(,"cdn-path":["AS64496:1"])", ""),
                         "member 'cdn-path' is missing");
        command_rejected(with(small_trigger, R"(["AS64496:1"])", "[]"),
                         "member 'cdn-path' is empty");
        command_rejected(with(small_trigger, R"(["AS64496:1"])", R"("AS64496:1")"),
                         "member 'cdn-path' is not an array");
        const std::string form = "is not of the form AS<number>:<qualifier>";
        for (const char* pid : {"64496:1", "AS:1", "ASx:1", "as64496:1", "AS64496", "AS-1:1",
                                "AS12345678901:1", ""}) {
            CAPTURE(pid);
            command_rejected(with(small_trigger, "\"AS64496:1\"", std::string("\"") + pid + "\""),
                             "member 'cdn-path[0]' " + form);
        }
        command_rejected(with(small_trigger, "\"AS64496:1\"", R"("AS64496:")"),
                         "member 'cdn-path[0]' has an empty qualifier");
        command_rejected(with(small_trigger, "\"AS64496:1\"", R"("AS4294967296:0")"),
                         "member 'cdn-path[0]' has an AS number above 4294967295");
        command_rejected(with(small_trigger, "\"AS64496:1\"", R"("AS1:a b")"),
                         "member 'cdn-path[0]' holds a space or a control character");
        CHECK_NOTHROW(cit::decode_command(
            with(small_trigger, "\"AS64496:1\"", R"("AS4294967295:edge-1","AS0:0")")));
        command_rejected(with(small_trigger, R"("trigger":{)", R"("trigger":7,"x":{)"),
                         "member 'trigger' is not an object");
        command_rejected(with(small_trigger, R"("type":"purge",)", ""),
                         "member 'trigger.type' is missing");
        command_rejected(with(small_trigger, R"("purge")", R"("refresh")"),
                         "member 'trigger.type' is not a trigger type (preposition, invalidate, "
                         "purge)");
        command_rejected(with(small_trigger, R"(,"content.urls":["http://o/a"])", ""),
                         "member 'trigger' names no URL, ccid or pattern");
        command_rejected(with(small_trigger, R"(["http://o/a"])", "[]"),
                         "member 'trigger' names no URL, ccid or pattern");
        command_rejected(R"({"cancel":[],"cdn-path":["AS1:1"]})", "member 'cancel' is empty");
        command_rejected(R"({"cancel":"http://t/1","cdn-path":["AS1:1"]})",
                         "member 'cancel' is not an array");
        command_rejected(R"({"cancel":["http://t/1",""],"cdn-path":["AS1:1"]})",
                         "member 'cancel[1]' is empty");
        command_rejected(
            with(small_trigger, R"("type":"purge",)", R"("type":"purge","content.ccid":[""],)"),
            "member 'trigger.content.ccid[0]' is empty");
        const auto ccid = cit::decode_command(with(
            small_trigger, R"("type":"purge",)", R"("type":"purge","content.ccid":["swarm a"],)"));
        CHECK(ccid.trigger->content_ccids == std::vector<std::string>{"swarm a"});
    }

    TEST_CASE("patterns") {
        const auto patterns = [](const std::string& type, const std::string& raw) {
            return R"({"trigger":{"type":")" + type + R"(","content.patterns":)" + raw +
                   R"(},"cdn-path":["AS1:1"]})";
        };
        const auto ok = cit::decode_command(
            patterns("purge", R"([{"pattern":"http://o/$*$?$$*?","match-query-string":true}])"));
        REQUIRE(ok.trigger->content_patterns.size() == 1);
        CHECK(ok.trigger->content_patterns[0].match_query_string);
        CHECK(cit::decode_command(cit::encode_trigger(*ok.trigger)) == ok);

        command_rejected(patterns("preposition", R"([{"pattern":"http://o/*"}])"),
                         "member 'trigger.content.patterns' is not allowed with preposition");
        command_rejected(
            R"({"trigger":{"type":"preposition","content.urls":["u"],"metadata.patterns":)"
            R"([{"pattern":"m*"}]},"cdn-path":["AS1:1"]})",
            "member 'trigger.metadata.patterns' is not allowed with preposition");
        command_rejected(patterns("purge", R"({"pattern":"x"})"),
                         "member 'trigger.content.patterns' is not an array");
        command_rejected(patterns("purge", R"(["x"])"),
                         "member 'trigger.content.patterns[0]' is not an object");
        command_rejected(patterns("purge", R"([{"case-sensitive":true}])"),
                         "member 'trigger.content.patterns[0].pattern' is missing");
        command_rejected(patterns("purge", R"([{"pattern":"a"},{"pattern":"a$"}])"),
                         "member 'trigger.content.patterns[1].pattern' has a '$' not followed by "
                         "'$', '*' or '?'");
        command_rejected(patterns("purge", R"([{"pattern":"a$b"}])"),
                         "member 'trigger.content.patterns[0].pattern' has a '$' not followed by "
                         "'$', '*' or '?'");
        command_rejected(patterns("purge", R"([{"pattern":""}])"),
                         "member 'trigger.content.patterns[0].pattern' is empty");
        command_rejected(patterns("purge", R"([{"pattern":"a","case-sensitive":1}])"),
                         "member 'trigger.content.patterns[0].case-sensitive' is not a boolean");
        command_rejected(patterns("purge", R"([{"pattern":"a","match-query-string":"yes"}])"),
                         "member 'trigger.content.patterns[0].match-query-string' is not a "
                         "boolean");
        command_rejected(patterns("purge", R"([{"pattern":"a","pattern":"b"}])"),
                         "member 'trigger.content.patterns[0].pattern' appears more than once");
    }

    TEST_CASE("limits") {
        cit::cit_limits limits;
        limits.max_json_bytes = small_status.size() - 1;
        status_rejected(small_status,
                        "trigger status is " + std::to_string(small_status.size()) +
                            " bytes, above the limit " + std::to_string(limits.max_json_bytes),
                        errc::limit, limits);
        limits.max_json_bytes = small_trigger.size() - 1;
        command_rejected(small_trigger,
                         "trigger command is " + std::to_string(small_trigger.size()) +
                             " bytes, above the limit " + std::to_string(limits.max_json_bytes),
                         errc::limit, limits);

        // URLs are counted over the whole message: here 2 in the trigger and 1 in the error.
        limits = {};
        limits.max_urls = 2;
        const std::string three =
            with(small_status, R"(["http://o/a"]},)", R"(["http://o/a","http://o/b"]},)");
        status_rejected(three,
                        "member 'errors[0].content.urls' has 1 entries: the message holds more "
                        "than the limit of 2 URLs, ccids and patterns",
                        errc::limit, limits);
        limits.max_urls = 3;
        CHECK_NOTHROW(cit::decode_status(three, limits));
        limits.max_urls = 1;
        command_rejected(
            R"({"trigger":{"type":"purge","content.urls":["a"],"content.ccid":["b"]},)"
            R"("cdn-path":["AS1:1"]})",
            "member 'trigger.content.ccid' has 1 entries: the message holds more than the limit "
            "of 1 URLs, ccids and patterns",
            errc::limit, limits);
        command_rejected(R"({"cancel":["a","b"],"cdn-path":["AS1:1"]})",
                         "member 'cancel' has 2 entries: the message holds more than the limit "
                         "of 1 URLs, ccids and patterns",
                         errc::limit, limits);

        limits = {};
        limits.max_errors = 1;
        status_rejected(
            with(small_status, R"([{"error":"eperm",)", R"([{"error":"ecdn"},{"error":"eperm",)"),
            "member 'errors' has 2 entries, above the limit 1", errc::limit, limits);

        limits = {};
        limits.max_string_bytes = 10;
        CHECK_NOTHROW(cit::decode_status(small_status, limits));  // "http://o/a" is 10 bytes
        status_rejected(with(small_status, R"("content.urls":["http://o/a"]},)",
                             R"("content.urls":["http://o/ab"]},)"),
                        "member 'trigger.content.urls[0]' is 11 bytes, above the limit 10",
                        errc::limit, limits);
        status_rejected(with(small_status, R"("eperm")", R"("eperm","description":"0123456789x")"),
                        "member 'errors[0].description' is 11 bytes, above the limit 10",
                        errc::limit, limits);
        command_rejected(with(small_trigger, "\"AS64496:1\"", R"("AS64496:123")"),
                         "member 'cdn-path[0]' is 11 bytes, above the limit 10", errc::limit,
                         limits);

        limits = {};
        limits.max_cdn_path = 2;
        command_rejected(with(small_trigger, "\"AS64496:1\"", R"("AS1:1","AS2:2","AS3:3")"),
                         "member 'cdn-path' has 3 entries, above the limit 2", errc::limit, limits);
        CHECK_NOTHROW(cit::decode_command(
            with(small_trigger, "\"AS64496:1\"", R"("AS1:1","AS2:2")"), limits));
    }

    TEST_CASE("the encoders refuse what RFC 8007 forbids") {
        const auto invalid = [](const cit::trigger_command& cmd) {
            return code_of([&] { cit::encode_trigger(cmd); });
        };
        CHECK(invalid(purge_of({"http://o/a"})) == errc::ok);
        CHECK(invalid(purge_of({})) == errc::invalid);
        CHECK(message_of([] { cit::encode_trigger(purge_of({})); }) ==
              "the trigger names no URL, ccid or pattern");
        CHECK(message_of([] {
                  cit::encode_trigger(purge_of({"http://o/a", "http://o/b\r\n"}));
              }) == "content.urls[1] holds a space or a control character");
        CHECK(invalid(purge_of({""})) == errc::invalid);

        auto cmd = purge_of({"http://o/a"});
        cmd.cdn_path.clear();
        CHECK(message_of([&] { cit::encode_trigger(cmd); }) ==
              "cdn-path is empty; RFC 8007 requires the sender's PID");
        cmd.cdn_path = {"AS1:1", "64496:1"};
        CHECK(message_of([&] { cit::encode_trigger(cmd); }) ==
              "cdn-path[1] is not of the form AS<number>:<qualifier>");

        cmd = purge_of({});
        cmd.content_patterns = {{"http://o/*", false, false}};
        CHECK(invalid(cmd) == errc::ok);
        cmd.type = cit::trigger_type::preposition;
        CHECK(message_of([&] { cit::encode_trigger(cmd); }) ==
              "RFC 8007 does not allow patterns with preposition");
        cmd.type = cit::trigger_type::invalidate;
        cmd.metadata_patterns = {{"a$", false, false}};
        CHECK(message_of([&] { cit::encode_trigger(cmd); }) ==
              "metadata.patterns[0].pattern has a '$' not followed by '$', '*' or '?'");
        cmd = purge_of({"u"});
        cmd.type = static_cast<cit::trigger_type>(9);
        CHECK(message_of([&] { cit::encode_trigger(cmd); }) == "trigger type 9 is not defined");

        CHECK(message_of([] { cit::encode_cancel({}, {"AS1:1"}); }) ==
              "the cancel command names no trigger status resource");
        CHECK(code_of([] { cit::encode_cancel({"http://t/1"}, {}); }) == errc::invalid);
        CHECK(code_of([] { cit::encode_cancel({"http://t/ 1"}, {"AS1:1"}); }) == errc::invalid);
    }

    TEST_CASE("the status encoder refuses what the decoder would reject") {
        cit::trigger_status s;
        s.status = cit::status_value::failed;
        s.errors.push_back({cit::error_code::unknown, "ebogus", {"http://o/a"}, {}, "no"});
        CHECK(code_of([&] { cit::encode_status(s); }) == errc::ok);
        s.errors[0].code_text = "";
        CHECK(message_of([&] { cit::encode_status(s); }) ==
              "errors[0]: the text of its unknown code is empty");
        s.errors[0].code_text = "eperm";
        CHECK(message_of([&] { cit::encode_status(s); }) ==
              "errors[0] gives the known code eperm as unknown");
        s.errors[0].code = cit::error_code::eperm;
        CHECK(message_of([&] { cit::encode_status(s); }) ==
              "errors[0] has a known code and a code text");
        s.errors[0].code_text.clear();
        CHECK(code_of([&] { cit::encode_status(s); }) == errc::ok);
        s.errors[0].content_urls = {"http://o/\t"};
        CHECK(message_of([&] { cit::encode_status(s); }) ==
              "errors[0].content.urls[0] holds a space or a control character");
        s.errors[0].content_urls.clear();
        s.status = static_cast<cit::status_value>(7);
        CHECK(message_of([&] { cit::encode_status(s); }) == "trigger status 7 is not defined");
    }

    TEST_CASE("round trips of every field") {
        cit::trigger_command cmd;
        cmd.type = cit::trigger_type::invalidate;
        cmd.content_urls = {"https://cdn.example/pieces/s1/0?x=\"y\"", "http://o/\xc3\xa9"};
        cmd.metadata_urls = {"https://meta.example/m"};
        cmd.content_ccids = {"swarm-1", "swarm 2"};
        cmd.content_patterns = {{"https://cdn.example/pieces/s1/*", true, true},
                                {"https://cdn.example/p?", false, true}};
        cmd.metadata_patterns = {{"https://meta.example/$**", true, false}};
        cmd.cdn_path = {"AS64496:1", "AS64500:edge"};
        const cit::command decoded = cit::decode_command(cit::encode_trigger(cmd));
        REQUIRE(decoded.trigger);
        CHECK(*decoded.trigger == cmd);
        CHECK(decoded.cdn_path == cmd.cdn_path);

        cit::trigger_status s;
        s.status = cit::status_value::cancelling;
        s.ctime = -5;
        s.mtime = INT64_MAX;
        s.etime = 0;
        s.type = cit::trigger_type::invalidate;
        s.content_urls = {"a", "b"};
        s.metadata_urls = {"m"};
        s.errors = {{cit::error_code::ecanceled, "", {"a"}, {"m"}, "line 1\nline 2"},
                    {cit::error_code::unknown, "e-vendor-42", {}, {}, ""},
                    {cit::error_code::eunsupported, "", {}, {}, "\xe2\x9c\x93"}};
        const std::string text = cit::encode_status(s);
        const cit::trigger_status back = cit::decode_status(text);
        CHECK(back == s);
        CHECK(cit::encode_status(back) == text);
        // Every status value and trigger type survives.
        for (int v = 0; v <= 6; ++v) {
            s.status = static_cast<cit::status_value>(v);
            s.type = static_cast<cit::trigger_type>(v % 3);
            CHECK(cit::decode_status(cit::encode_status(s)) == s);
        }
    }
}

TEST_SUITE("cit_json") {
    TEST_CASE("the examples of docs/protocol.md") {
        cit::trigger_command cmd;
        cmd.type = cit::trigger_type::preposition;
        cmd.content_urls = {"https://cdn.example/pieces/movie-1/7",
                            "https://cdn.example/pieces/movie-1/8"};
        cmd.cdn_path = {"AS64496:1"};
        CHECK(cit::encode_trigger(cmd) ==
              R"({"trigger":{"type":"preposition",)"
              R"("content.urls":["https://cdn.example/pieces/movie-1/7",)"
              R"("https://cdn.example/pieces/movie-1/8"]},"cdn-path":["AS64496:1"]})");
        CHECK(cit::encode_cancel({"https://dcdn.example/triggers/17"}, {"AS64496:1"}) ==
              R"({"cancel":["https://dcdn.example/triggers/17"],"cdn-path":["AS64496:1"]})");

        cit::trigger_status s;
        s.status = cit::status_value::failed;
        s.ctime = 1764000000;
        s.mtime = 1764000003;
        s.etime = 1764000001;
        s.type = cit::trigger_type::preposition;
        s.content_urls = cmd.content_urls;
        s.errors = {{cit::error_code::econtent,
                     "",
                     {"https://cdn.example/pieces/movie-1/8"},
                     {},
                     "the origin answered 404 for /pieces/movie-1/8"}};
        const std::string text =
            R"({"status":"failed","ctime":1764000000,"mtime":1764000003,"etime":1764000001,)"
            R"("trigger":{"type":"preposition","content.urls":["https://cdn.example/pieces/movie-1/7",)"
            R"("https://cdn.example/pieces/movie-1/8"]},)"
            R"("errors":[{"error":"econtent","content.urls":["https://cdn.example/pieces/movie-1/8"],)"
            R"("description":"the origin answered 404 for /pieces/movie-1/8"}]})";
        CHECK(cit::encode_status(s) == text);
        CHECK(cit::decode_status(text) == s);
    }
}
