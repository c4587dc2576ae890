// The program chooser's folder logic (model/file_browser.h) on a folder made
// here, and the command language's quoted words it relies on.
#include "model/file_browser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/commands.h"

namespace slowpath::gui {
namespace {

namespace fs = std::filesystem;

// A 64-byte ELF header: class, data, machine as given.
void write_elf(const fs::path& p, unsigned char cls, unsigned machine) {
    std::vector<unsigned char> h(64, 0);
    h[0] = 0x7f, h[1] = 'E', h[2] = 'L', h[3] = 'F', h[4] = cls, h[5] = 1, h[6] = 1;
    h[16] = 2;  // ET_EXEC
    h[18] = static_cast<unsigned char>(machine & 0xff);
    h[19] = static_cast<unsigned char>(machine >> 8);
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(h.data()), 64);
}

class FileBrowserUnit : public testing::Test {
 protected:
    void SetUp() override {
        root_ = fs::path(testing::TempDir()) / ("browser_" + std::to_string(getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_ / "sub dir" / "deeper");
        fs::create_directories(root_ / "Alpha");
        write_elf(root_ / "prog", 2, 62);
        write_elf(root_ / "sub dir" / "hello world", 2, 62);
        write_elf(root_ / "arm64", 2, 183);
        write_elf(root_ / "i386", 1, 3);
        std::ofstream(root_ / "notes.txt") << "not a program\n";
        std::ofstream(root_ / "short") << "\x7f"
                                          "EL";
        std::ofstream(root_ / ".hidden") << "x";
    }
    void TearDown() override { fs::remove_all(root_); }
    static std::vector<std::string> names(const DirListing& l) {
        std::vector<std::string> out;
        for (const FileEntry& e : l.entries) out.push_back(e.name + (e.is_dir ? "/" : ""));
        return out;
    }
    fs::path root_;
};

TEST_F(FileBrowserUnit, FoldersFirstThenFilesByNameHiddenLeftOut) {
    DirListing l = list_directory(root_.string(), "", false);
    EXPECT_TRUE(l.error.empty()) << l.error;
    EXPECT_EQ(l.dir, root_.lexically_normal().string());
    EXPECT_EQ(names(l), (std::vector<std::string>{"Alpha/", "sub dir/", "arm64", "i386",
                                                  "notes.txt", "prog", "short"}));
    for (const FileEntry& e : l.entries) EXPECT_EQ(e.is_program, e.name == "prog") << e.name;
    EXPECT_EQ(names(list_directory(root_.string(), "", false, true)).size(), 8u);
}

TEST_F(FileBrowserUnit, TheFilterKeepsFoldersAndMatchingFilesOfEitherCase) {
    EXPECT_EQ(names(list_directory(root_.string(), "PRO", false)),
              (std::vector<std::string>{"Alpha/", "sub dir/", "prog"}));
    EXPECT_EQ(names(list_directory(root_.string(), "", true)),
              (std::vector<std::string>{"Alpha/", "sub dir/", "prog"}));
    EXPECT_TRUE(name_matches("Hello", "ell"));
    EXPECT_TRUE(name_matches("Hello", ""));
    EXPECT_FALSE(name_matches("Hello", "x"));
}

TEST_F(FileBrowserUnit, AFolderThatCannotBeReadIsAnErrorNotAThrow) {
    DirListing l = list_directory((root_ / "no such").string(), "", false);
    EXPECT_TRUE(l.entries.empty());
    EXPECT_NE(l.error.find("no such"), std::string::npos) << l.error;
    FileBrowser b(root_.string());
    EXPECT_FALSE(b.go_to("prog"));  // a file, not a folder
    EXPECT_NE(b.listing().error.find("not a folder"), std::string::npos);
}

TEST_F(FileBrowserUnit, ChoosingEntersFoldersPicksFilesAndUpGoesBack) {
    FileBrowser b(root_.string());
    EXPECT_EQ(b.problem(), "pick a program");
    EXPECT_TRUE(b.choose("sub dir"));
    EXPECT_EQ(b.listing().dir, (root_ / "sub dir").string());
    EXPECT_EQ(names(b.listing()), (std::vector<std::string>{"deeper/", "hello world"}));
    EXPECT_TRUE(b.choose("hello world"));
    EXPECT_EQ(b.selected_path(), (root_ / "sub dir" / "hello world").string());
    EXPECT_EQ(b.problem(), "");
    EXPECT_FALSE(b.choose("nothing here"));
    b.up();
    EXPECT_EQ(b.listing().dir, root_.string());
    EXPECT_EQ(b.selected(), "");
    EXPECT_TRUE(b.choose(".."));
    EXPECT_EQ(b.listing().dir, root_.parent_path().lexically_normal().string());
    EXPECT_EQ(parent_dir("/"), "/");
    EXPECT_EQ(parent_dir("/a/b/"), "/a");
}

TEST_F(FileBrowserUnit, APickedFileThatIsNoProgramSaysWhy) {
    FileBrowser b(root_.string());
    ASSERT_TRUE(b.choose("notes.txt"));
    EXPECT_NE(b.problem().find("not an ELF program"), std::string::npos) << b.problem();
    ASSERT_TRUE(b.choose("arm64"));
    EXPECT_NE(b.problem().find("another CPU"), std::string::npos) << b.problem();
    ASSERT_TRUE(b.choose("i386"));
    EXPECT_NE(b.problem().find("32-bit"), std::string::npos) << b.problem();
    ASSERT_TRUE(b.choose("short"));
    EXPECT_NE(b.problem().find("not an ELF"), std::string::npos) << b.problem();
    EXPECT_NE(program_problem(root_.string()).find("a folder"), std::string::npos);
    EXPECT_NE(program_problem((root_ / "gone").string()).find("cannot read"), std::string::npos);
    // Filtering keeps the pick while it is still listed.
    ASSERT_TRUE(b.choose("prog"));
    b.set_filter("pr");
    EXPECT_EQ(b.selected(), "prog");
    b.set_filter("zz");
    EXPECT_EQ(b.selected(), "");
}

TEST(CommandWordsUnit, QuotesKeepSpacesSemicolonsAndHashes) {
    EXPECT_EQ(command_words("a 'b c' \"d;e\" f#g"),
              (std::vector<std::string>{"a", "b c", "d;e", "f#g"}));
    EXPECT_EQ(command_words("''"), (std::vector<std::string>{""}));
    EXPECT_THROW(command_words("'open"), std::invalid_argument);
    EXPECT_EQ(command_word("plain"), "plain");
    EXPECT_EQ(command_word("a b"), "\"a b\"");
    EXPECT_EQ(command_word("say \"hi\""), "'say \"hi\"'");
    EXPECT_EQ(command_word("both ' \""), "");
    // A quoted ';' or '#' stays inside its word when a script is parsed.
    std::vector<Command> cs = parse_commands("program '/tmp/a b;c' -x '#1'; step 2 # comment");
    ASSERT_EQ(cs.size(), 2u);
    EXPECT_EQ(cs[0].verb, "program");
    EXPECT_EQ(cs[0].args, (std::vector<std::string>{"/tmp/a b;c", "-x", "#1"}));
    EXPECT_EQ(cs[1].args, (std::vector<std::string>{"2"}));
}

TEST(CommandWordsUnit, TheProgramCommandWritesEachArgumentBack) {
    std::string c = program_command("/p/hello world", "-n 'two words' ;rm");
    std::vector<Command> cs = parse_commands(c);
    ASSERT_EQ(cs.size(), 1u) << c;
    EXPECT_EQ(cs[0].args, (std::vector<std::string>{"/p/hello world", "-n", "two words", ";rm"}));
    EXPECT_THROW(program_command("/p", "'open"), std::invalid_argument);
}

}  // namespace
}  // namespace slowpath::gui
