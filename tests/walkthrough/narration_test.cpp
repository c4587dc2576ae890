// The narration markup of `say`: bold, code, italic, lists and their
// continued lines, as plain text, and each unbalanced '*' reported where it
// is in the file.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parse_problems.h"
#include "slowpath/walkthrough.h"

namespace slowpath {
namespace {

using namespace walkthrough_test;

// A lesson's first lines, up to its steps: after it, line 6 is the first step.
const char* const kLessonHead = "\ntitle: t\nera: v3.13\nprogram: {syscall: getpid}\nsteps:";

TEST(Narration, BoldCodeAndLists) {
    auto lines = parse_narration("Some **bold** and `code`.\n\n- one\n- `two`\n3. three\n");
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[0].kind, NarrationLine::Kind::Paragraph);
    ASSERT_EQ(lines[0].spans.size(), 5u);
    EXPECT_EQ(lines[0].spans[1].text, "bold");
    EXPECT_TRUE(lines[0].spans[1].bold);
    EXPECT_EQ(lines[0].spans[3].text, "code");
    EXPECT_TRUE(lines[0].spans[3].code);
    EXPECT_EQ(lines[1].kind, NarrationLine::Kind::Blank);
    EXPECT_EQ(lines[2].kind, NarrationLine::Kind::Bullet);
    EXPECT_EQ(lines[4].kind, NarrationLine::Kind::Numbered);
    EXPECT_EQ(lines[4].number, 3);
    EXPECT_EQ(narration_plain("Some **bold** and `code`.\n- one\n"),
              "Some bold and code.\n- one\n");
    // A lone marker is text.
    EXPECT_EQ(narration_plain("2 ** 3 is 8"), "2 ** 3 is 8\n");
    // An indented line continues the list item above it.
    auto item = parse_narration("- first line\n  and more\nafter\n");
    ASSERT_EQ(item.size(), 3u);
    EXPECT_TRUE(item[1].continues);
    EXPECT_FALSE(item[2].continues);
    EXPECT_EQ(narration_plain("- first line\n  and more\n"), "- first line\n  and more\n");
}

TEST(Narration, ItalicOrAnErrorWithLineAndColumn) {
    auto lines = parse_narration("an *italic* word, 2 * 3 = 6, **bold**\n* a bullet\n");
    ASSERT_EQ(lines.size(), 2u);
    ASSERT_EQ(lines[0].spans.size(), 4u);
    EXPECT_EQ(lines[0].spans[1].text, "italic");
    EXPECT_TRUE(lines[0].spans[1].italic);
    EXPECT_FALSE(lines[0].spans[2].italic);
    EXPECT_EQ(lines[0].spans[2].text, " word, 2 * 3 = 6, ");
    EXPECT_TRUE(lines[0].spans[3].bold);
    EXPECT_EQ(lines[1].kind, NarrationLine::Kind::Bullet);
    EXPECT_EQ(narration_plain("an *italic* word"), "an italic word\n");
    EXPECT_FALSE(check_narration("*a* and `*` and 2 * 3\n* bullet *b*"));
    auto p = check_narration("fine\nnot *closed here");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->line, 1);
    EXPECT_EQ(p->column, 4);
    // The loader reports it where it is in the file: block, plain and quoted.
    EXPECT_EQ(parse_problems(std::string(kLessonHead) + R"(
  - say: |
      First line.
      Then *one star.
  - say: a *b
  - say: "x *y"
  - ask: {question: q, choices: [a, b], answer: a, explain: {b: "no *way"}}
)"),
              (Lines{"test.yaml:8:12: unbalanced '*': *italic* needs a closing '*' on the same "
                     "line (a '*' with a space on each side is text)",
                     "test.yaml:9:12: unbalanced '*': *italic* needs a closing '*' on the same "
                     "line (a '*' with a space on each side is text)",
                     "test.yaml:10:13: unbalanced '*': *italic* needs a closing '*' on the same "
                     "line (a '*' with a space on each side is text)",
                     "test.yaml:11:69: unbalanced '*': *italic* needs a closing '*' on the same "
                     "line (a '*' with a space on each side is text)"}));
}

TEST(Narration, BoldAndCodeAcrossALineBreakAreRefusedWithLineAndColumn) {
    // Markup is per line: a pair split by a line break is not rendered.
    auto lines = parse_narration("a **bold\nword** here");
    ASSERT_EQ(lines.size(), 2u);
    ASSERT_EQ(lines[0].spans.size(), 1u);
    EXPECT_EQ(lines[0].spans[0].text, "a **bold");  // shown as typed: so refused
    EXPECT_FALSE(check_narration("**a** and `**` and `b` **c**\n* bullet **d**"));
    auto bold = check_narration("fine\nthe **bold\nword** here");
    ASSERT_TRUE(bold);
    EXPECT_EQ(bold->line, 1);
    EXPECT_EQ(bold->column, 4);
    EXPECT_NE(bold->message.find("'**'"), std::string::npos);
    auto code = check_narration("  `regs->ip\n  is` here");
    ASSERT_TRUE(code);
    EXPECT_EQ(code->line, 0);
    EXPECT_EQ(code->column, 2);
    EXPECT_NE(code->message.find("'`'"), std::string::npos);
    // The first marker on the line is the one named.
    auto first = check_narration("x *i and **b");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->column, 2);
    EXPECT_EQ(parse_problems(std::string(kLessonHead) + R"(
  - say: |
      First line, **bold
      across** two lines.
  - say: "a `code"
  - ask: {question: q, choices: [a, b], answer: a, explain: {b: "no **way"}}
  - say: |
      *italic
      across* two lines.
)"),
              (Lines{"test.yaml:7:19: unbalanced '**': **bold** needs a closing '**' on the "
                     "same line",
                     "test.yaml:9:13: unbalanced '`': `code` needs a closing '`' on the same line",
                     "test.yaml:10:69: unbalanced '**': **bold** needs a closing '**' on the "
                     "same line",
                     "test.yaml:12:7: unbalanced '*': *italic* needs a closing '*' on the same "
                     "line (a '*' with a space on each side is text)"}));
}

}  // namespace
}  // namespace slowpath
