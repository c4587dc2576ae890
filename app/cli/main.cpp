// slowpath-cli: run the system-call path headless and print what happened.
//
//   slowpath-cli run [--era v3.13|rfc|modern] [--syscall NAME|NUMBER]
//                    [--inject FLAG@entry|FLAG@exit]... [--max-steps N] [--memory SIZE]
//                    [--json]
//                    [--tamper REG=VALUE]... [--signal-action handler|ignore|block]
//                    [-o FILE] [--summary | --memory-split]
//   slowpath-cli run --program PROG [--root DIR] [-o FILE] [--json] [...] [-- ARGS...]
//
// The demo (no --program): the report goes to stdout (or -o FILE) and the
// exit status is 0 when the run was made, whatever its outcome.
//
// A program runs as under strace: its stdout and stderr are ours, byte for
// byte, as it writes them; our stdin is its fd 0; --root DIR is its
// read-only `/`. The report goes to stderr after the run (or to -o FILE),
// and the exit status is the program's (128+N when signal N killed it;
// 125 when it did not finish: step limit, livelock, kernel oops). With
// --json one JSON object on stdout holds the report and the program's
// output instead.
//
// slowpath-cli's own failures: 1 when the guest kernel could not be loaded,
// 2 for a bad command line (a --program that cannot be loaded, or a --root
// that is not a directory, included).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "slowpath/chrome_trace.h"
#include "slowpath/era.h"
#include "slowpath/log.h"
#include "slowpath/report.h"
#include "slowpath/session.h"
#include "slowpath/syscalls.h"
#include "slowpath/version.h"
#include "summary.h"

namespace slowpath {

// The run as a Chrome trace, for Perfetto; the process track is named after
// the scenario, so two traces side by side say which is which.
static void write_trace_file(const std::string& path, const Session& session, const RunOptions& o) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw UsageError("--trace-out: cannot write '" + path + "'");
    std::string title = "slowpath " + o.era + " " + o.syscall;
    for (const auto& injection : o.injections) title += " " + injection;
    write_chrome_trace(session.trace(), title, out);
    out.close();
    if (!out) throw UsageError("--trace-out: writing '" + path + "' failed");
}

// std::cerr writes every insertion at once; a report streamed to it line by
// line would cost a write(2) per field. This buffers it, as stdout is.
class BufferedStderr : public std::streambuf {
 public:
    BufferedStderr() { setp(buffer_, buffer_ + sizeof buffer_); }
    ~BufferedStderr() override { sync(); }

 protected:
    int_type overflow(int_type c) override {
        if (sync() != 0) return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override {
        std::fflush(stderr);  // what was said before goes first
        const char* p = pbase();
        while (p < pptr()) {
            ssize_t n = ::write(2, p, static_cast<size_t>(pptr() - p));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return -1;
            p += n;
        }
        setp(buffer_, buffer_ + sizeof buffer_);
        return 0;
    }

 private:
    char buffer_[1 << 16];
};

// `run --memory-split`: what the recording holds, by part, in bytes and
// bytes per recorded step, as one table.
static std::string memory_split_text(const Session& session) {
    const RecordingBytes b = session.recording_bytes();
    const double steps = static_cast<double>(session.last_step() + 1);
    const std::pair<const char*, size_t> parts[] = {
        {"events", b.events},         {"steps", b.steps},
        {"syscalls", b.syscalls},     {"page versions", b.page_versions},
        {"base pages", b.base_pages}, {"checkpoints", b.checkpoints},
        {"other", b.other},           {"total", b.total()},
    };
    char line[128];
    std::snprintf(line, sizeof line, "%-14s %14s %10s\n", "part", "bytes", "bytes/step");
    std::string out = line;
    for (const auto& [name, bytes] : parts) {
        std::snprintf(line, sizeof line, "%-14s %14zu %10.2f\n", name, bytes,
                      static_cast<double>(bytes) / steps);
        out += line;
    }
    std::snprintf(line, sizeof line, "%-14s %14.0f\n", "steps recorded", steps);
    return out + line;
}

// A program that neither exited nor was killed (step limit, livelock, oops).
constexpr int kProgramDidNotFinish = 125;

// The report is written as it is made (write_report_*), never held whole:
// a run of a million syscalls makes hundreds of megabytes of it.
static void write_out(const RunOptions& o, bool program,
                      const std::function<void(std::ostream&)>& body) {
    std::ofstream file;
    if (!o.report_out.empty()) {
        file.open(o.report_out, std::ios::binary | std::ios::trunc);
        if (!file) throw UsageError("-o: cannot write '" + o.report_out + "'");
    }
    // Without -o: stdout, unless the program's own output had it.
    BufferedStderr stderr_buffer;
    std::ostream to_stderr(&stderr_buffer);
    std::ostream& out = !o.report_out.empty() ? static_cast<std::ostream&>(file)
                        : o.json || !program  ? std::cout
                                              : to_stderr;
    body(out);
    out.flush();
    if (!o.report_out.empty()) {
        file.close();
        if (!file) throw UsageError("-o: writing '" + o.report_out + "' failed");
    }
}

// The table, and how the run ended when that was not an exit: the counts
// of a run cut short (a step limit, the memory budget) are not the
// program's whole story.
static void write_summary(std::ostream& out, const RunOptions& o, const Trace& trace) {
    Summary summary = summarize(trace);
    if (o.json) {
        nlohmann::json j = summary_json(summary);
        j["outcome"] = std::string(outcome_name(trace.outcome));
        j["detail"] = trace.outcome_detail;
        make_json_text(j);
        out << j.dump(2) << "\n";
        return;
    }
    out << summary_text(summary);
    if (trace.outcome != Outcome::Exited)
        out << "outcome: " << outcome_name(trace.outcome)
            << (trace.outcome_detail.empty() ? "" : " (" + trace.outcome_detail + ")") << "\n";
}

static void write_report(const RunOptions& o, const Session& session, bool program) {
    write_out(o, program, [&](std::ostream& out) {
        if (o.memory_split) {
            out << memory_split_text(session);
        } else if (o.summary) {
            write_summary(out, o, session.trace());
        } else if (o.json) {
            // A guest may print bytes that are not UTF-8.
            write_report_json(session, out, make_json_text);
        } else {
            write_report_text(session, out);
        }
    });
}

// The exit status of `run --program`: the program's own when it exited or was killed.
static int program_status(const Trace& t) {
    bool killed = t.outcome == Outcome::Fault && t.exit_code > 128;
    if (t.outcome == Outcome::Exited || killed) return t.exit_code;
    return kProgramDidNotFinish;
}

int run_command(const RunOptions& o) {
    Scenario s;
    if (auto era = parse_era(o.era))
        s.era = *era;
    else
        throw UsageError("unknown era '" + o.era + "' (v3.13, rfc or modern)");
    // A number is read as every number on the command line is (decimal or 0x hex).
    constexpr uint64_t kMaxSyscallNr = 999'999;
    if (!o.syscall.empty() && std::isdigit(static_cast<unsigned char>(o.syscall[0]))) {
        auto nr = parse_unsigned(o.syscall);
        if (!nr || *nr > kMaxSyscallNr)
            throw UsageError("--syscall: bad number '" + o.syscall + "' (0 to " +
                             std::to_string(kMaxSyscallNr) + ", decimal or 0x hex)");
        s.syscall_nr = static_cast<long>(*nr);
    } else if (auto nr = parse_syscall(o.syscall)) {
        s.syscall_nr = *nr;
    } else {
        throw UsageError("unknown syscall '" + o.syscall + "'");
    }
    for (const auto& text : o.injections) {
        try {
            s.injections.push_back(parse_injection(text));
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--inject ") + e.what());
        }
    }
    auto max_steps = parse_unsigned(o.max_steps);
    if (!max_steps || *max_steps == 0)
        throw UsageError(
            "--max-steps must be a number from 1 to 2^64-1 (decimal or 0x hex), not '" +
            o.max_steps + "'");
    s.max_steps = *max_steps;
    if (!o.memory.empty()) {
        auto budget = parse_memory_budget(o.memory);
        if (!budget) throw UsageError(memory_budget_error(o.memory));
        s.memory_budget = *budget;
    }
    s.bad_pointer = o.bad_pointer;
    for (const auto& text : o.tampers) {
        try {
            s.tampers.push_back(parse_tamper(text));
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--tamper ") + e.what());
        }
    }
    if (auto action = parse_signal_action(o.signal_action))
        s.signal_action = *action;
    else
        throw UsageError("--signal-action: unknown action '" + o.signal_action +
                         "' (handler, ignore or block)");
    s.user_program = o.program;
    s.user_args = o.program_args;
    s.user_args.insert(s.user_args.end(), o.trailing_args.begin(), o.trailing_args.end());
    const bool program = !o.program.empty();
    if (!program && !o.trailing_args.empty())
        throw UsageError("arguments after the options ('" + o.trailing_args[0] +
                         "') are for a --program");
    if (!program && !o.root.empty()) throw UsageError("--root needs a --program");
    s.root_dir = o.root;
    if (!program && o.no_vdso) throw UsageError("--no-vdso needs a --program");
    if (o.memory_split && (o.json || o.summary))
        throw UsageError("--memory-split prints its own table: not with --json or --summary");
    s.vdso = !o.no_vdso;
    if (program) {
        // A closed reader of our stdout is the program's EPIPE and SIGPIPE, not ours.
        std::signal(SIGPIPE, SIG_IGN);
        s.stdin_fd = 0;
        s.stream_output = !o.json;  // --json: the output goes inside the object
    }
    for (const auto& var : o.program_env)
        if (var.find('=') == std::string::npos || var[0] == '=')
            throw UsageError("--env: '" + var + "' is not NAME=VALUE");
    s.user_env = o.program_env;

    // The same bound as a scenario line's focus:N.
    constexpr uint64_t kMaxFocus = 1'000'000;
    if (!o.focus.empty()) {
        auto k = parse_unsigned(o.focus);
        if (!k || *k > kMaxFocus)
            throw UsageError("--focus: bad syscall index '" + o.focus + "' (0 to " +
                             std::to_string(kMaxFocus) + ", decimal or 0x hex)");
        s.focus_index = static_cast<int>(*k);
    }

    // The summary reads only the syscall records: a run that keeps no steps
    // makes the same ones, several times faster. --summary-recorded (or
    // SLOWPATH_SUMMARY_RECORDED=1) takes them from a whole recording, to
    // compare the two.
    const bool recorded = o.summary_recorded || std::getenv("SLOWPATH_SUMMARY_RECORDED");
    std::optional<Session> session;
    std::optional<Trace> summary_trace;
    try {
        if (o.summary && !recorded && s.injections.empty() && s.tampers.empty() &&
            s.focus_index < 0 && o.trace_out.empty())
            summary_trace.emplace(run_summary(s, kSummaryFoldEvery));
        else
            session.emplace(s);
    } catch (const LoadError& e) {
        // The user's --program is a bad argument; a broken guest kernel is not.
        const std::string what = e.what();
        if (!o.program.empty() && what.rfind(o.program + ": ", 0) == 0) throw UsageError(what);
        throw;
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());  // the program's arguments do not fit
    }
    if (summary_trace) {
        write_out(o, program, [&](std::ostream& out) { write_summary(out, o, *summary_trace); });
        return program ? program_status(*summary_trace) : 0;
    }
    if (s.focus_index >= 0 &&
        static_cast<size_t>(s.focus_index) >= session->trace().syscalls.size())
        throw UsageError("--focus " + o.focus + ": the run made " +
                         std::to_string(session->trace().syscalls.size()) + " syscalls (#0 to #" +
                         std::to_string(session->trace().syscalls.size() - 1) + ")");
    if (!o.trace_out.empty()) write_trace_file(o.trace_out, *session, o);
    write_report(o, *session, program);
    return program ? program_status(session->trace()) : 0;
}

}  // namespace slowpath

namespace {

// The command line read and run; main() below only keeps an exception out
// of the C runtime (CLI11's option building throws on a programming error).
int cli_main(int argc, char** argv) {
    using namespace slowpath;
    CLI::App app{"slowpath-cli: the x86-64 system-call path, run and traced in an emulator"};
    app.set_version_flag("--version", [] { return version_text("slowpath-cli"); });
    app.set_help_all_flag("--help-all", "print the help of every subcommand and exit");
    app.require_subcommand(1);

    RunOptions run;
    CLI::App* run_cmd =
        app.add_subcommand("run", "run the demo (or a static program) and trace its syscalls");
    run_cmd->add_option("--era", run.era, era_names())->capture_default_str();
    run_cmd->add_option("--syscall", run.syscall, "the syscall the demo makes: a name or a number")
        ->capture_default_str();
    // Repeatable options take one value each time: with CLI11's default for
    // a vector (extra values allowed) a `--` right after one was eaten as the
    // end of its list, and the program's arguments were parsed as ours.
    run_cmd->add_option("--inject", run.injections, "FLAG@entry or FLAG@exit, e.g. SIGPENDING@exit")
        ->allow_extra_args(false);
    run_cmd
        ->add_option("--max-steps", run.max_steps,
                     "stop after this many instructions (decimal or 0x hex)")
        ->capture_default_str();
    run_cmd->add_option("--memory", run.memory,
                        "the most the recording may hold, e.g. 512M or 4G (default 1G): past "
                        "it old checkpoints are thinned, then the run stops");
    run_cmd->add_flag("--json", run.json, "print one JSON object");
    run_cmd->add_flag("--summary", run.summary,
                      "instead of the report, a table per syscall name (like strace -c)");
    run_cmd->add_flag("--summary-recorded", run.summary_recorded,
                      "with --summary: count from a whole recording, as the report does, not "
                      "from the faster run that keeps no steps (the same table; for comparisons)");
    run_cmd->add_flag("--memory-split", run.memory_split,
                      "instead of the report, the heap the recording holds by part (events, "
                      "steps, syscalls, page versions, checkpoints...), bytes and bytes per step");
    run_cmd->add_flag("--bad-pointer", run.bad_pointer, "the demo passes an unmapped pointer");
    run_cmd
        ->add_option("--tamper", run.tampers,
                     "REG=VALUE: a tracer at the focus syscall's exit stop sets this pt_regs "
                     "slot (rax rcx r11 rip rsp eflags cs ss); implies SYSCALL_TRACE@entry")
        ->allow_extra_args(false);
    run_cmd
        ->add_option("--signal-action", run.signal_action,
                     "how the demo sets up SIGUSR1: handler, ignore (SIG_IGN) or block")
        ->capture_default_str();
    run_cmd->add_option("--program", run.program,
                        "a static x86-64 Linux ELF to run instead of the demo");
    run_cmd->add_option("--args", run.program_args, "arguments for --program")->expected(0, -1);
    run_cmd->add_option("args", run.trailing_args,
                        "after `--`: arguments for --program (they may start with -)");
    run_cmd->add_option("--root", run.root,
                        "a host directory the program sees, read-only, as its /");
    run_cmd->add_flag("--no-vdso", run.no_vdso,
                      "map no vDSO into the program, as Linux's vdso=0: its clock_gettime, "
                      "gettimeofday and time become system calls");
    run_cmd->add_option("-o,--output", run.report_out,
                        "write the report to this file (with --program: instead of stderr)");
    run_cmd
        ->add_option("--env", run.program_env,
                     "NAME=VALUE: put this variable in the program's environment (repeatable); "
                     "without --env the environment is empty")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    run_cmd->add_option("--focus", run.focus,
                        "N: the run's syscall #N (from 0, in the order made) is the focus, "
                        "the one --inject @entry/@exit and --tamper apply to");
    run_cmd->add_option("--trace-out", run.trace_out,
                        "also write the run as a Chrome trace (open it in Perfetto)");

    WalkOptions walk;
    CLI::App* walk_cmd = add_walk_command(app, walk);

    TableOptions table;
    CLI::App* table_cmd = add_table_command(app, table);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion&) {
        std::cout << version_text("slowpath-cli");
        return 0;
    } catch (const CLI::ParseError& e) {
        host::error(e.what());
        return 2;
    }
    try {
        if (*run_cmd) return run_command(run);
        if (walk_cmd && *walk_cmd) return walk_command(walk);
        if (*table_cmd) return table_command(table);
    } catch (const UsageError& e) {
        host::error(e.what());
        return 2;
    } catch (const LoadError& e) {
        host::error(e.what());
        return 1;
    } catch (const std::exception& e) {
        host::error(e.what());
        return 1;
    }
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    slowpath::host::set_program_name("slowpath-cli");
    try {
        return cli_main(argc, argv);
    } catch (const std::exception& e) {
        slowpath::host::error(e.what());
    } catch (...) {
        slowpath::host::error("an unknown exception ended the run");
    }
    return 1;
}
