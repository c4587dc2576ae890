// How the cost of a recording grows with its length: a guest program that
// loops on getpid and write is run for about 1M, 100M and 1G instructions
// (or the sizes given: its number of rounds comes from two short recorded
// runs, so each run ends by itself and untraced runs compare), each in a
// child process of its own so that its peak RSS is its own. For each size: the wall time untraced
// and recorded, the heap the recording holds per instruction, the peak RSS, and the time to seek to
// random steps and to step back from them. The table is printed and, with
// --out, saved as Markdown. --memory SIZE sets the recording's budget (as
// slowpath-cli's; default 1G): a run that outgrows it is thinned and then
// stops, and the table says how many steps it recorded.
//
// A size whose recording would not fit in the memory this machine has free
// (estimated from the bytes per instruction of the size before it) is
// skipped with the estimate, not run into the OOM killer.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "slowpath/session.h"

namespace {

uint64_t memory_budget = slowpath::kDefaultMemoryBudget;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// What a child sends back through its pipe.
struct SizeFigures {
    uint64_t steps = 0;
    double untraced_s = 0, recorded_s = 0;
    double bytes_per_step = 0;
    double seek_median_ms = 0, seek_max_ms = 0;
    double back_median_ms = 0, back_max_ms = 0;
    // The longest step back in this thread's CPU time: on a shared machine
    // a wall-clock maximum is often one preemption (a 4 ms time slice).
    double back_cpu_max_ms = 0;
    long peak_rss_kb = 0;
    int outcome = 0;
};

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median_of(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

slowpath::Scenario scaling_scenario(const std::string& program, uint64_t rounds) {
    slowpath::Scenario s;
    s.era = slowpath::Era::V3_13;
    s.user_program = program;
    s.user_args = {std::to_string(rounds)};
    s.max_steps = UINT64_MAX >> 26;  // what a trace can hold: the run ends by itself
    s.memory_budget = memory_budget;
    return s;
}

// Instructions a run of `rounds` takes: fixed + per_round * rounds.
struct Calibration {
    double fixed = 0, per_round = 0;
    uint64_t rounds_for(uint64_t steps) const {
        return steps > fixed
                   ? static_cast<uint64_t>((static_cast<double>(steps) - fixed) / per_round)
                   : 1;
    }
};

Calibration calibrate(const std::string& program) {
    auto steps_of = [&](uint64_t rounds) {
        return static_cast<double>(
            slowpath::Session(scaling_scenario(program, rounds)).last_step());
    };
    double a = steps_of(1000), b = steps_of(2000);
    Calibration c;
    c.per_round = (b - a) / 1000;
    c.fixed = a - 1000 * c.per_round;
    return c;
}

SizeFigures measure(const std::string& program, uint64_t rounds, unsigned points) {
    SizeFigures f;
    slowpath::Scenario scenario = scaling_scenario(program, rounds);
    auto t0 = Clock::now();
    slowpath::run_untraced(scenario);
    f.untraced_s = seconds_since(t0);

    t0 = Clock::now();
    slowpath::Session session(scenario);
    f.recorded_s = seconds_since(t0);
    f.steps = session.last_step() + 1;
    f.outcome = static_cast<int>(session.trace().outcome);
    f.bytes_per_step =
        static_cast<double>(session.recording_bytes().total()) / static_cast<double>(f.steps);

    // The same random steps for every size, in proportion to its length.
    std::mt19937_64 random(1);
    std::vector<double> seeks, backs, back_cpu;
    for (unsigned i = 0; i < points; i++) {
        uint64_t target = random() % (session.last_step() + 1);
        auto t = Clock::now();
        session.seek(target);
        seeks.push_back(seconds_since(t) * 1e3);
    }
    for (unsigned i = 0; i < points; i++) {
        session.seek(1 + random() % session.last_step());
        auto t = Clock::now();
        const double cpu0 = thread_cpu_ms();
        session.step_back();
        back_cpu.push_back(thread_cpu_ms() - cpu0);
        backs.push_back(seconds_since(t) * 1e3);
    }
    f.seek_median_ms = median_of(seeks);
    f.seek_max_ms = *std::max_element(seeks.begin(), seeks.end());
    f.back_median_ms = median_of(backs);
    f.back_max_ms = *std::max_element(backs.begin(), backs.end());
    f.back_cpu_max_ms = *std::max_element(back_cpu.begin(), back_cpu.end());

    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    f.peak_rss_kb = usage.ru_maxrss;
    return f;
}

// Runs measure() in a child; false (and a reason) when the child failed.
bool measure_in_child(const std::string& program, uint64_t size, unsigned points, SizeFigures& out,
                      std::string& why) {
    int fds[2];
    if (pipe(fds) != 0) {
        why = std::string("pipe: ") + std::strerror(errno);
        return false;
    }
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        SizeFigures f = measure(program, size, points);
        ssize_t n = write(fds[1], &f, sizeof f);
        _exit(n == static_cast<ssize_t>(sizeof f) ? 0 : 1);  // the recording is not freed
    }
    close(fds[1]);
    ssize_t n = read(fds[0], &out, sizeof out);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (n == static_cast<ssize_t>(sizeof out) && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    why = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                              : "failed (exit " + std::to_string(WEXITSTATUS(status)) + ")";
    return false;
}

double available_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    double kb = 0;
    while (meminfo >> key >> kb) {
        if (key == "MemAvailable:") return kb * 1024;
        meminfo.ignore(1 << 10, '\n');
    }
    return 0;
}

std::string size_name(uint64_t n) {
    if (n >= 1'000'000'000 && n % 1'000'000'000 == 0)
        return std::to_string(n / 1'000'000'000) + "G";
    if (n >= 1'000'000 && n % 1'000'000 == 0) return std::to_string(n / 1'000'000) + "M";
    return std::to_string(n);
}

int usage_error(const char* why) {
    std::fprintf(stderr, "scaling_bench: %s\n", why);
    std::fprintf(
        stderr,
        "usage: scaling_bench [--sizes N,N,...] [--points K] [--program ELF] [--memory SIZE] "
        "[--out FILE]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<uint64_t> sizes = {1'000'000, 100'000'000, 1'000'000'000};
    unsigned points = 200;
    std::string program = SLOWPATH_SCALING_PROGRAM, out_path;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        if (i + 1 >= argc) return usage_error(("missing value after " + arg).c_str());
        std::string value = argv[++i];
        if (arg == "--sizes") {
            sizes.clear();
            std::stringstream list(value);
            for (std::string item; std::getline(list, item, ',');) {
                char* end = nullptr;
                double n = std::strtod(item.c_str(), &end);
                if (end == item.c_str() || *end || n < 1000)
                    return usage_error(("not a size of at least 1000: " + item).c_str());
                sizes.push_back(static_cast<uint64_t>(n));
            }
        } else if (arg == "--points") {
            points = static_cast<unsigned>(std::max(1L, std::atol(value.c_str())));
        } else if (arg == "--program") {
            program = value;
        } else if (arg == "--memory") {
            auto budget = slowpath::parse_memory_budget(value);
            if (!budget) return usage_error(slowpath::memory_budget_error(value).c_str());
            memory_budget = *budget;
        } else if (arg == "--out") {
            out_path = value;
        } else {
            return usage_error(("unknown option " + arg).c_str());
        }
    }

    Calibration calibration = calibrate(program);
    if (calibration.per_round <= 0) {
        std::fprintf(stderr,
                     "scaling_bench: %s does not loop (its runs of 1000 and 2000 rounds take"
                     " the same steps)\n",
                     program.c_str());
        return 1;
    }
    std::printf(
        "%s: %.1f instructions a round (getpid + write), %.0f to start and exit; "
        "memory budget %" PRIu64 " MiB\n\n",
        program.c_str(), calibration.per_round, calibration.fixed, memory_budget >> 20);
    std::ostringstream table;
    table << "| instructions | recorded | untraced s | recorded s | recorded/untraced | bytes/insn "
             "| peak RSS MB "
             "| seek median ms | seek max ms | step back median ms | step back max ms "
             "| step back max CPU ms |\n"
             "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    std::printf("%s", table.str().c_str());
    double last_bytes_per_step = 0;
    for (uint64_t size : sizes) {
        std::ostringstream row;
        row << "| " << size_name(size) << " ";
        // The budget bounds what a recording holds (the rest of its RSS is
        // the guest's RAM and the allocator's slack).
        double need = std::min(last_bytes_per_step * static_cast<double>(size),
                               static_cast<double>(memory_budget)) *
                      1.2;
        double have = available_bytes();
        SizeFigures f;
        std::string why;
        char cells[512];
        if (last_bytes_per_step > 0 && need > have * 0.8) {
            std::snprintf(cells, sizeof cells,
                          "| - | skipped: about %.1f GB needed at %.1f bytes/insn, %.1f GB free |",
                          need / 1e9, last_bytes_per_step, have / 1e9);
            row << cells;
        } else if (!measure_in_child(program, calibration.rounds_for(size), points, f, why)) {
            row << "| - | " << why << " |";
        } else {
            std::snprintf(
                cells, sizeof cells,
                "| %" PRIu64
                " | %.2f | %.2f | %.2f | %.2f | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f |",
                f.steps, f.untraced_s, f.recorded_s,
                f.untraced_s > 0 ? f.recorded_s / f.untraced_s : 0, f.bytes_per_step,
                static_cast<double>(f.peak_rss_kb) / 1024, f.seek_median_ms, f.seek_max_ms,
                f.back_median_ms, f.back_max_ms, f.back_cpu_max_ms);
            row << cells;
            last_bytes_per_step = f.bytes_per_step;
        }
        std::printf("%s\n", row.str().c_str());
        std::fflush(stdout);
        table << row.str() << "\n";
    }
    if (!out_path.empty()) {
        std::ofstream out(out_path);
        out << "Recording cost by run length (" << program << ", v3.13, " << points
            << " random points each)\n\n"
            << table.str();
        if (!out) {
            std::fprintf(stderr, "scaling_bench: cannot write %s\n", out_path.c_str());
            return 1;
        }
    }
    return 0;
}
