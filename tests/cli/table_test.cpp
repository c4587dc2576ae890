// `slowpath-cli table`: the cells EXPECTATIONS.md documents, in each form
// (text for a slide, JSON, CSV, Markdown), and one-line errors with exit
// status 2 for a bad command line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Output {
    int status = -1;
    std::string out, err;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs `slowpath-cli table ARGS`, stdout and stderr each to a file of the test's own.
Output table(const std::string& args) {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    std::string base = testing::TempDir() + "table_" + info->name();
    std::string cmd =
        std::string(SLOWPATH_CLI) + " table " + args + " >" + base + ".out 2>" + base + ".err";
    int st = std::system(cmd.c_str());
    Output o;
    o.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    o.out = slurp(base + ".out");
    o.err = slurp(base + ".err");
    return o;
}

std::vector<std::string> lines_of(const std::string& text, char end = '\n') {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line, end);) lines.push_back(line);
    return lines;
}

// The JSON form of the whole table, run once for the tests that read it.
const nlohmann::json& whole_table() {
    static const nlohmann::json j = [] {
        Output o = table("--json");
        EXPECT_EQ(o.status, 0) << o.err;
        return nlohmann::json::parse(o.out);
    }();
    return j;
}

std::string cell(const std::string& row, const std::string& era) {
    for (const auto& r : whole_table()["rows"])
        if (r["label"] == row) return r["cells"][era]["cell"].get<std::string>();
    return "(no row " + row + ")";
}

}  // namespace

// The routes of EXPECTATIONS.md, read from the sources, as the table shows them.
TEST(CliTable, CellsMatchTheDocumentedExits) {
    struct Row {
        const char* label;
        const char* v3_13;
        const char* rfc;
        const char* modern;
    };
    const Row documented[] = {
        {"no flag", "sysret", "sysret", "sysret"},
        {"SIGPENDING@exit", "iret", "iret", "iret"},
        {"NEED_RESCHED@exit", "sysret", "sysret", "sysret"},
        {"SYSCALL_AUDIT@entry", "sysret", "sysret", "sysret"},
        {"SIGPENDING+SYSCALL_AUDIT@exit", "iret", "iret", "iret"},
        {"syscall 500", "sysret", "sysret", "sysret"},
        {"write bad pointer", "sysret", "sysret", "sysret"},
        // Task work: only the iret path reached it in v3.13; the RFC's C function sysrets.
        {"NOTIFY_RESUME@exit", "iret", "sysret", "sysret"},
        {"SYSCALL_AUDIT+NOTIFY_RESUME@exit", "iret", "sysret", "sysret"},
        // The persistent flags the RFC's loop never masks, and v3.13's UPROBE.
        {"SYSCALL_TRACE@exit", "iret", "livelock SYSCALL_TRACE", "sysret"},
        {"SYSCALL_TRACEPOINT@exit", "iret", "livelock SYSCALL_TRACEPOINT", "sysret"},
        // A uprobe with no breakpoint behind it: handle_swbp() moves ip back one byte, so
        // in 6.12 rcx == rip fails (EXPECTATIONS.md, "Fidelity").
        {"UPROBE@exit", "livelock UPROBE", "sysret", "iret"},
        // PTRACE_SINGLESTEP sets TF in the saved flags: 6.12's r11 == rflags check fails.
        {"SINGLESTEP@exit", "iret", "iret", "iret"},
        {"SYSCALL_TRACE@entry", "iret", "iret", "sysret"},
        // A tracer's rewrites (EXPECTATIONS.md, "Tamper"): a traced call always irets in
        // v3.13 and the RFC; 6.12 irets only when a SYSRET check fails.
        {"tamper rax=0x1234", "iret", "iret", "sysret"},
        {"tamper rcx=0x800000000000", "iret", "iret", "iret"},
        {"tamper cs=0x2b", "iret", "iret", "iret"},
        {"tamper rip+rcx=2^47", "iret", "iret", "iret"},
        // An ignored SIGUSR1 is dropped, a blocked one stays pending: no work either way.
        {"SIGPENDING@exit ignored", "sysret", "sysret", "sysret"},
        {"SIGPENDING@exit blocked", "sysret", "sysret", "sysret"},
    };
    for (const Row& row : documented) {
        EXPECT_EQ(cell(row.label, "v3.13"), row.v3_13) << row.label;
        EXPECT_EQ(cell(row.label, "rfc"), row.rfc) << row.label;
        EXPECT_EQ(cell(row.label, "modern"), row.modern) << row.label;
    }
}

TEST(CliTable, JsonHasEveryRowAndEraWithTheRunBehindEachCell) {
    const auto& j = whole_table();
    EXPECT_EQ(j["eras"], nlohmann::json::array({"v3.13", "rfc", "modern"}));
    // No flag, 10 flags at entry and at exit, 3 pairs, bad pointer, bad number.
    ASSERT_EQ(j["rows"].size(), 37u);
    const auto& plain = j["rows"][0]["cells"];
    EXPECT_EQ(plain["rfc"]["exit"], "sysret");
    EXPECT_EQ(plain["rfc"]["outcome"], "exited");
    EXPECT_GT(plain["rfc"]["steps"].get<uint64_t>(), 1000u);
    for (const auto& row : j["rows"]) {
        if (row["label"] != "SYSCALL_TRACE@exit") continue;
        EXPECT_EQ(row["changes"], nlohmann::json::array({"--inject SYSCALL_TRACE@exit"}));
        EXPECT_EQ(row["injections"], nlohmann::json::array({"SYSCALL_TRACE@exit"}));
        EXPECT_EQ(row["cells"]["rfc"]["outcome"], "livelock");
        EXPECT_TRUE(row["cells"]["rfc"]["exit"].is_null());
        EXPECT_EQ(row["cells"]["rfc"]["livelock"], "SYSCALL_TRACE");
        EXPECT_NE(row["cells"]["rfc"]["detail"].get<std::string>().find("SYSCALL_TRACE"),
                  std::string::npos);
    }
}

// The slide: aligned columns, at most 80 wide, one legend line, the same
// cells as the JSON.
TEST(CliTable, TextFitsASlide) {
    Output o = table("");
    ASSERT_EQ(o.status, 0) << o.err;
    std::vector<std::string> lines = lines_of(o.out);
    ASSERT_EQ(lines.size(), 1u + 37u + 1u) << o.out;
    for (const std::string& line : lines) EXPECT_LE(line.size(), 80u) << line;
    EXPECT_EQ(lines[0].rfind("scenario", 0), 0u);
    EXPECT_NE(lines.back().find("livelock"), std::string::npos) << "the legend";
    // Columns start at the same place on every line: where the header's do.
    const size_t rfc_at = lines[0].find("rfc"), modern_at = lines[0].find("modern");
    const std::regex columns("  +");
    for (size_t k = 1; k + 1 < lines.size(); k++) {
        const std::string& line = lines[k];
        ASSERT_GT(line.size(), modern_at) << line;
        EXPECT_EQ(line.substr(rfc_at - 2, 2), "  ") << line;
        EXPECT_NE(line[rfc_at], ' ') << line;
        EXPECT_NE(line[modern_at], ' ') << line;
        std::vector<std::string> cells;
        std::sregex_token_iterator it(line.begin(), line.end(), columns, -1), end;
        cells.assign(it, end);
        ASSERT_EQ(cells.size(), 4u) << line;
        // The slide drops SYSCALL_ from flag names in its cells.
        auto slide = [](std::string text) {
            return std::regex_replace(text, std::regex("SYSCALL_"), "");
        };
        EXPECT_EQ(cells[1], slide(cell(cells[0], "v3.13"))) << line;
        EXPECT_EQ(cells[2], slide(cell(cells[0], "rfc"))) << line;
        EXPECT_EQ(cells[3], slide(cell(cells[0], "modern"))) << line;
    }
}

TEST(CliTable, CsvParsesWithOneColumnPerChosenEra) {
    Output o = table("--csv --era rfc");
    ASSERT_EQ(o.status, 0) << o.err;
    std::vector<std::string> records = lines_of(o.out);
    ASSERT_EQ(records.size(), 38u);
    std::map<std::string, std::string> rfc;
    for (size_t k = 0; k < records.size(); k++) {
        std::string r = records[k];
        ASSERT_FALSE(r.empty());
        ASSERT_EQ(r.back(), '\r') << "RFC 4180 ends records with CRLF";
        r.pop_back();
        size_t comma = r.find(',');
        ASSERT_NE(comma, std::string::npos) << r;
        ASSERT_EQ(r.find(',', comma + 1), std::string::npos) << "two fields: " << r;
        if (k == 0)
            EXPECT_EQ(r, "scenario,rfc");
        else
            rfc[r.substr(0, comma)] = r.substr(comma + 1);
    }
    EXPECT_EQ(rfc["NOTIFY_RESUME@exit"], "sysret");
    EXPECT_EQ(rfc["SIGPENDING@exit"], "iret");
    EXPECT_EQ(rfc["SYSCALL_TRACE@exit"], "livelock SYSCALL_TRACE");
}

TEST(CliTable, MarkdownAndARepeatedEraList) {
    Output o = table("--markdown --era v3.13 --era modern,v3.13");
    ASSERT_EQ(o.status, 0) << o.err;
    std::vector<std::string> lines = lines_of(o.out);
    ASSERT_EQ(lines.size(), 39u);
    EXPECT_EQ(lines[0], "| scenario | v3.13 | modern |");
    EXPECT_EQ(lines[1], "| --- | --- | --- |");
    EXPECT_EQ(lines[2], "| `no flag` | sysret | sysret |");
    bool found = false;
    for (const std::string& line : lines)
        found |= line == "| `NOTIFY_RESUME@exit` | iret | sysret |";
    EXPECT_TRUE(found) << o.out;
}

TEST(CliTable, BadCommandLinesExitTwoWithOneLine) {
    for (const char* args : {"--era v3.14", "--era rfc,bogus", "--json --csv", "--markdown --csv",
                             "--jobs 0", "--jobs x", "--frob"}) {
        Output o = table(args);
        EXPECT_EQ(o.status, 2) << args;
        EXPECT_TRUE(o.out.empty()) << args;
        EXPECT_EQ(lines_of(o.err).size(), 1u) << args << ": " << o.err;
        EXPECT_EQ(o.err.rfind("slowpath-cli: ", 0), 0u) << o.err;
    }
    Output o = table("--era v3.14");
    EXPECT_NE(o.err.find("'v3.14'"), std::string::npos) << o.err;
}
