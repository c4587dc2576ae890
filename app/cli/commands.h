// The subcommands of slowpath-cli.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "slowpath/guest_image.h"
#include "slowpath/numbers.h"

namespace slowpath {

// A bad command line: one line on stderr, exit status 2.
class UsageError : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};

// JSON text must be UTF-8: each byte that is not part of a well-formed UTF-8
// sequence becomes the four characters \xNN (two lower-case hex digits).
std::string escape_invalid_utf8(std::string_view s);
// The same for every string and key in a JSON value (done before dump()).
void make_json_text(nlohmann::json& j);

struct RunOptions {
    std::string era = "v3.13";
    std::string syscall = "getpid";
    std::vector<std::string> injections;
    std::string max_steps = "2000000";
    std::string memory;  // --memory SIZE: the recording's budget (empty: the default, 1G)
    bool json = false;
    bool summary = false;
    bool summary_recorded =
        false;  // --summary-recorded: the summary from a whole recording  // --summary: per syscall
                // name, like strace -c (app/cli/summary.h)
    bool bad_pointer = false;
    std::vector<std::string> tampers;       // REG=VALUE, at the syscall-exit tracer stop
    std::string signal_action = "handler";  // handler, ignore or block
    std::string program;
    std::vector<std::string> program_args;
    std::vector<std::string> trailing_args;  // after `--`: the program's arguments
    std::string root;                        // --root: the program's read-only `/`
    std::string report_out;                  // -o: the report goes here
    std::vector<std::string> program_env;    // --env NAME=VALUE, the program's whole environment
    std::string trace_out;      // a Chrome trace-event JSON file (Perfetto, chrome://tracing)
    bool no_vdso = false;       // --no-vdso: map no vDSO (clock calls become system calls)
    bool memory_split = false;  // --memory-split: the recording's heap by part, not the report
    std::string focus;          // --focus N: the run's syscall #N is the focus (empty: the default)
};
int run_command(const RunOptions& options);

struct WalkOptions {
    std::vector<std::string> files;
    bool json = false;
    bool quiet = false;       // only failures and the summary
    bool vocabulary = false;  // print every name a lesson may use, and nothing else
};
// Registers `walk` (walkthroughs run headless).
CLI::App* add_walk_command(CLI::App& app, WalkOptions& options);
int walk_command(const WalkOptions& options);

struct TableOptions {
    bool json = false, csv = false, markdown = false;
    std::vector<std::string> eras;  // empty: every era
    std::string jobs;               // sessions at once; empty: one per core
    bool timing = false;            // the table's wall time on stderr
};
// Registers `table` (every flag in every era, one matrix).
CLI::App* add_table_command(CLI::App& app, TableOptions& options);
int table_command(const TableOptions& options);

}  // namespace slowpath
