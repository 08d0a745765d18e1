// Text from outside on its way to a terminal or a JSON document.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "base/text.hpp"

using namespace baton;

TEST_CASE("utf8: well-formed sequences per RFC 3629", "[base][text]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xf0\x9f\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\x80"));              // stray continuation byte
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong, three bytes
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // UTF-16 surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));          // cut short
  CHECK_FALSE(is_valid_utf8(std::string_view("a\xf0\x9f\x98", 4)));
}

TEST_CASE("utf8: valid_utf8 replaces each bad byte and keeps the rest", "[base][text]") {
  CHECK(valid_utf8("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(valid_utf8("a\xffz") == "a\xef\xbf\xbdz");
  CHECK(valid_utf8("\xe2\x82") == "\xef\xbf\xbd\xef\xbf\xbd");
  // The result always serialises to valid UTF-8 JSON.
  std::string junk;
  for (int b = 0; b < 256; ++b) {
    junk += static_cast<char>(b);
    junk += static_cast<char>(255 - b);
  }
  std::string fixed = valid_utf8(junk);
  CHECK(is_valid_utf8(fixed));
  CHECK(is_valid_utf8(boost::json::serialize(boost::json::value(fixed))));
}

TEST_CASE("printable: terminal controls and bad bytes are escaped", "[base][text]") {
  CHECK(printable("role caio") == "role caio");
  CHECK(printable("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(printable("line\nbreak\ttab\r") == "line\\x0abreak\\x09tab\\x0d");
  CHECK(printable(std::string_view("nul\0", 4)) == "nul\\x00");
  CHECK(printable("del\x7f") == "del\\x7f");
  CHECK(printable("bad\xff") == "bad\\xff");
  CHECK(printable("c1 \xc2\x9b" "31m") == "c1 \\u009b31m");
  CHECK(printable("rtl \xe2\x80\xae" "gnp.exe") == "rtl \\u202egnp.exe");
  CHECK(printable("Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac") == "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac");
  CHECK(printable("C:\\path") == "C:\\path");
  CHECK(is_valid_utf8(printable("\xc3(\xa0\xa1\xf0\x28\x8c\x28")));
}

TEST_CASE("printable_text: keeps line breaks, escapes the rest", "[base][text]") {
  CHECK(printable_text("one\ntwo\x1b[0m\n") == "one\ntwo\\x1b[0m\n");
  CHECK(printable_text("") == "");
  CHECK(printable_text("\n\n") == "\n\n");
}

TEST_CASE("shortened: cut at a character boundary with an ellipsis", "[base][text]") {
  CHECK(shortened("short", 10) == "short");
  CHECK(shortened("exactly10!", 10) == "exactly10!");
  CHECK(shortened("longer than ten", 10) == "longer ...");
  // "\xc3\xa9" is one character; the cut never leaves half of it.
  std::string accents;
  for (int i = 0; i < 50; ++i) {
    accents += "\xc3\xa9";
  }
  for (std::size_t max = 3; max < 20; ++max) {
    std::string cut = shortened(accents, max);
    INFO(max);
    CHECK(cut.size() <= max);
    CHECK(is_valid_utf8(cut));
    CHECK(cut.ends_with("..."));
  }
}

TEST_CASE("edit distance", "[base][text]") {
  CHECK(edit_distance("cio", "caio") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}
