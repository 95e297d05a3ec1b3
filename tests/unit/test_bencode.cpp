#include <doctest/doctest.h>

#include "test_support.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "wire/bencode.hpp"

namespace bencode = p2pcdn::bencode;
using bencode::document;
using bencode::kind;
using p2pcdn::errc;
using p2pcdn::test::code_of;

namespace {

void check_rejected(const std::string& text, const std::string& message, errc code = errc::parse,
                    const bencode::reader_limits& limits = {}) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(document::parse(text, limits), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { document::parse(text, limits); }) == code);
}

// Parses and re-encodes: canonical input comes back unchanged.
void check_round_trip(const std::string& text) {
    CAPTURE(text);
    const auto doc = document::parse(text);
    CHECK(bencode::encode(doc.root()) == text);
}

}  // namespace

TEST_SUITE("bencode") {
    TEST_CASE("scalars") {
        CHECK(document::parse("i0e").root().integer() == 0);
        CHECK(document::parse("i42e").root().integer() == 42);
        CHECK(document::parse("i-42e").root().integer() == -42);
        CHECK(document::parse("i9223372036854775807e").root().integer() ==
              std::numeric_limits<std::int64_t>::max());
        CHECK(document::parse("i-9223372036854775808e").root().integer() ==
              std::numeric_limits<std::int64_t>::min());
        const auto doc = document::parse("4:spam");
        CHECK(doc.root().is(kind::bytes));
        CHECK(doc.root().bytes() == "spam");
        CHECK(doc.root().offset() == 0);
        CHECK(doc.root().size() == 0);
        CHECK(document::parse("0:").root().bytes().empty());
        CHECK(document::parse(std::string("3:\0\xff"
                                          "e",
                                          5))
                  .root()
                  .bytes() == std::string("\0\xff"
                                          "e",
                                          3));
        CHECK(doc.item_count() == 1);
    }

    TEST_CASE("containers and the cursor API") {
        // BEP 3's examples.
        const auto list = document::parse("l4:spam4:eggse");
        CHECK(list.root().is(kind::list));
        CHECK(list.root().size() == 2);
        std::vector<std::string> items;
        for (const auto v : list.root()) items.emplace_back(v.bytes());
        CHECK(items == std::vector<std::string>{"spam", "eggs"});

        const auto dict = document::parse("d3:cow3:moo4:spam4:eggse");
        CHECK(dict.root().size() == 2);
        CHECK(dict.root().find("cow")->bytes() == "moo");
        CHECK(dict.root().find("spam")->bytes() == "eggs");
        CHECK(!dict.root().find("spa"));
        CHECK(!dict.root().find("zzz"));
        CHECK(!dict.root().find(""));
        CHECK(!list.root().find("spam"));
        const auto entries = dict.root().entries();
        REQUIRE(entries.size() == 2);
        CHECK(entries[0].first == "cow");
        CHECK(entries[1].second.offset() == 17);

        const auto nested = document::parse("d1:ad1:bli1eli2ei3eeee1:ci4e1:dlee");
        const auto a = *nested.root().find("a");
        CHECK(a.is(kind::dict));
        const auto b = *a.find("b");
        CHECK(b.size() == 2);
        auto it = b.begin();
        CHECK((*it).integer() == 1);
        ++it;
        CHECK((*it).size() == 2);
        ++it;
        CHECK(it == b.end());
        CHECK(nested.root().find("c")->integer() == 4);
        CHECK(nested.root().find("d")->size() == 0);
        CHECK(nested.root().find("d")->begin() == nested.root().find("d")->end());
        CHECK(nested.item_count() == 13);
        CHECK(document::parse("de").root().size() == 0);
        CHECK(document::parse("le").root().size() == 0);
    }

    TEST_CASE("round trips are byte-exact") {
        for (const char* text :
             {"i0e", "i-1e", "0:", "le", "de", "l4:spam4:eggse", "d3:cow3:moo4:spam4:eggse",
              "d0:i1e1:ai2e2:aai3e1:bi4ee", "lllleeee", "d1:ald1:ble1:cdeeee",
              "d8:completei3e10:incompletei12e8:intervali1800ee"}) {
            check_round_trip(std::string(text, std::char_traits<char>::length(text)));
        }
        check_round_trip(
            std::string("d5:peers6:\xc0\0\x02\x01\x1a\xe1"
                        "e",
                        17));
    }

    TEST_CASE("integers must be canonical") {
        check_rejected("i01e", "bencode: integer at offset 0 has a leading zero");
        check_rejected("i-0e", "bencode: integer at offset 0 is -0");
        check_rejected("i-01e", "bencode: integer at offset 0 has a leading zero");
        check_rejected("i00e", "bencode: integer at offset 0 has a leading zero");
        check_rejected("ie", "bencode: integer at offset 0 has 'e' where a digit belongs");
        check_rejected("i-e", "bencode: integer at offset 0 has 'e' where a digit belongs");
        check_rejected("i+1e", "bencode: integer at offset 0 has '+' where a digit belongs");
        check_rejected("i 1e", "bencode: integer at offset 0 has byte 0x20 where a digit belongs");
        check_rejected("i1.5e", "bencode: integer at offset 0 has '.' where 'e' belongs");
        check_rejected("i1", "bencode: integer at offset 0 ends early");
        check_rejected("i", "bencode: integer at offset 0 ends early");
        check_rejected("i-", "bencode: integer at offset 0 ends early");
        check_rejected("i9223372036854775808e", "bencode: integer at offset 0 is too large");
        check_rejected("i-9223372036854775809e", "bencode: integer at offset 0 is too large");
        check_rejected("i99999999999999999999999e", "bencode: integer at offset 0 is too large");
    }

    TEST_CASE("byte strings are bounded by the input before anything is made of them") {
        check_rejected("5:spam", "bencode: byte string at offset 0 is 5 bytes long, only 4 remain");
        check_rejected("18446744073709551615:x",
                       "bencode: byte string at offset 0 is 18446744073709551615 bytes long, "
                       "only 1 remain");
        check_rejected("18446744073709551616:x",
                       "bencode: byte string length at offset 0 is too large");
        check_rejected("04:spam", "bencode: byte string length at offset 0 has a leading zero");
        check_rejected("00:", "bencode: byte string length at offset 0 has a leading zero");
        check_rejected("4", "bencode: byte string at offset 0 ends early");
        check_rejected("4spam", "bencode: byte string at offset 0 has 's' where ':' belongs");
        check_rejected("l4:spam9:ee",
                       "bencode: byte string at offset 7 is 9 bytes long, only 2 remain");
    }

    TEST_CASE("dictionaries: byte-string keys in strictly ascending order") {
        check_rejected("d4:spam4:eggs3:cow3:mooe",
                       "bencode: dictionary key at offset 13 sorts before the previous key");
        check_rejected("d1:ai1e1:ai2ee",
                       "bencode: dictionary key at offset 7 repeats the previous key");
        check_rejected("di1ei2ee", "bencode: dictionary key at offset 1 is not a byte string");
        check_rejected("dlei1ee", "bencode: dictionary key at offset 1 is not a byte string");
        check_rejected("d1:ae", "bencode: dictionary key at offset 1 has no value");
        // Byte order is unsigned: 0xff sorts after 'z', and a prefix sorts first.
        CHECK_NOTHROW(document::parse("d1:zi1e1:\xffi2ee"));
        check_rejected("d1:\xffi2e1:zi1ee",
                       "bencode: dictionary key at offset 7 sorts before the previous key");
        CHECK_NOTHROW(document::parse("d1:ai1e2:aai2ee"));
        check_rejected("d2:aai1e1:ai2ee",
                       "bencode: dictionary key at offset 8 sorts before the previous key");
        // Nested dictionaries have their own order.
        CHECK_NOTHROW(document::parse("d1:bd1:ai1ee1:cd1:ai1eee"));
    }

    TEST_CASE("structure errors") {
        check_rejected("", "bencode: input ends early at offset 0");
        check_rejected("l", "bencode: input ends early at offset 1");
        check_rejected("d3:cow", "bencode: input ends early at offset 6");
        check_rejected("e", "bencode: unexpected 'e' at offset 0");
        check_rejected("x", "bencode: unexpected 'x' at offset 0");
        check_rejected(
            "l\x01"
            "e",
            "bencode: unexpected byte 0x01 at offset 1");
        check_rejected("i1ei2e", "bencode: 3 bytes after the end at offset 3");
        check_rejected("lee", "bencode: 1 bytes after the end at offset 2");
        check_rejected("0:\n", "bencode: 1 bytes after the end at offset 2");
    }

    TEST_CASE("depth and item limits") {
        std::string deep32 = std::string(32, 'l') + std::string(32, 'e');
        CHECK_NOTHROW(document::parse(deep32));
        check_rejected(std::string(33, 'l') + std::string(33, 'e'),
                       "bencode: nesting at offset 32 is deeper than 32", errc::limit);
        // Far deeper input fails at the limit, without recursion.
        check_rejected(std::string(1000000, 'l'), "bencode: nesting at offset 32 is deeper than 32",
                       errc::limit);
        bencode::reader_limits small;
        small.max_items = 3;
        small.max_depth = 2;
        CHECK_NOTHROW(document::parse("li1ei2ee", small));
        check_rejected("li1ei2ei3ee", "bencode: more than 3 items", errc::limit, small);
        check_rejected("llleee", "bencode: nesting at offset 2 is deeper than 2", errc::limit,
                       small);
        // The limit is checked before the item is stored.
        std::string many = "l";
        for (int i = 0; i < 70000; ++i) many += "i0e";
        many += "e";
        check_rejected(many, "bencode: more than 65536 items", errc::limit);
    }

    TEST_CASE("writer") {
        bencode::writer w;
        w.begin_dict();
        w.entry("a", 1);
        w.key("b");
        w.begin_list();
        w.integer(-3);
        w.bytes("xy");
        w.begin_dict();
        w.end();
        w.end();
        w.entry("c", "spam");
        w.end();
        CHECK(w.take() == "d1:ai1e1:bli-3e2:xydee1:c4:spame");

        std::string out;
        bencode::append_integer(out, std::numeric_limits<std::int64_t>::min());
        bencode::append_bytes(out, std::string("\0", 1));
        CHECK(out == std::string("i-9223372036854775808e1:\0", 25));
    }

    TEST_CASE("writer refuses keys out of order and unbalanced use") {
        auto code = [](auto&& f) {
            bencode::writer w;
            return code_of([&] { f(w); });
        };
        CHECK(code([](bencode::writer& w) {
                  w.begin_dict();
                  w.entry("b", 1);
                  w.entry("a", 1);
              }) == errc::invalid);
        CHECK(code([](bencode::writer& w) {
                  w.begin_dict();
                  w.entry("a", 1);
                  w.entry("a", 2);
              }) == errc::invalid);
        CHECK(code([](bencode::writer& w) {
                  w.begin_dict();
                  w.integer(1);
              }) == errc::invalid);
        CHECK(code([](bencode::writer& w) {
                  w.begin_dict();
                  w.key("a");
                  w.key("b");
              }) == errc::invalid);
        CHECK(code([](bencode::writer& w) {
                  w.begin_dict();
                  w.key("a");
                  w.end();
              }) == errc::invalid);
        CHECK(code([](bencode::writer& w) { w.key("a"); }) == errc::invalid);
        CHECK(code([](bencode::writer& w) { w.end(); }) == errc::invalid);
        CHECK(code([](bencode::writer& w) {
                  w.begin_list();
                  w.key("a");
              }) == errc::invalid);
        CHECK(code([](bencode::writer& w) {
                  w.begin_list();
                  w.take();
              }) == errc::invalid);
        // Order is per dictionary; a prefix sorts first; bytes compare unsigned.
        CHECK(code([](bencode::writer& w) {
                  w.begin_dict();
                  w.key("b");
                  w.begin_dict();
                  w.entry("a", 1);
                  w.end();
                  w.entry("c", 1);
                  w.entry("cc", 1);
                  w.entry("\xff", 1);
                  w.end();
              }) == errc::ok);
    }
}
