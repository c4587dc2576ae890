// The subcommands of slowpath-cli.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "slowpath/guest_image.h"

namespace slowpath {

// A bad command line: one line on stderr, exit status 2.
class UsageError : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};

struct RunOptions {
    std::string era = "v3.13";
    std::string syscall = "getpid";
    std::vector<std::string> injections;
    uint64_t max_steps = 2'000'000;
    bool json = false;
    bool bad_pointer = false;
    std::string program;
    std::vector<std::string> program_args;
};
int run_command(const RunOptions& options);

struct WalkOptions {
    std::vector<std::string> files;
    bool json = false;
    bool quiet = false;  // only failures and the summary
};
// Registers `walk` (walkthroughs run headless).
CLI::App* add_walk_command(CLI::App& app, WalkOptions& options);
int walk_command(const WalkOptions& options);

}  // namespace slowpath
