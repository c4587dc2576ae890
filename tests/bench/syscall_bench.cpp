// What one system call costs in slowpath, against a native getpid() on the
// same machine in the same run: the guest round trip untraced (the plain
// emulator) and traced (every instruction recorded for the app), and the
// run `run --summary` makes (the syscall records, no steps: run_summary).
//
// Each guest figure is per syscall: a run of N getpids minus a run of none,
// divided by N, so boot and exit are not counted. Every figure is taken
// five times (repetitions); at the end a table gives each one's minimum and
// median, the ratios (untraced against native, recorded against untraced)
// from those, and the heap a recorded run holds per recorded instruction.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "slowpath/session.h"

namespace {

using Clock = std::chrono::steady_clock;
// Calls per measured run: enough that the calls, not the noise in boot and
// exit (about 45 ms, a few ms either way), make the difference between the
// runs; a recording holds fewer.
constexpr unsigned kCalls = 20000, kUntracedCalls = 500000, kSummaryCalls = 100000;

slowpath::Scenario bench_scenario(slowpath::Era era, unsigned repeat) {
    slowpath::Scenario s;
    s.era = era;
    s.syscall_nr = 39;  // getpid
    s.demo_repeat = repeat;
    s.max_steps = 50'000'000;
    return s;
}

double seconds(const std::function<void()>& f) {
    auto t0 = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Bytes the heap holds now (small blocks and mmapped large ones).
double heap_bytes() {
    struct mallinfo2 m = mallinfo2();
    return static_cast<double>(m.uordblks + m.hblkhd);
}

void BM_NativeGetpid(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(syscall(SYS_getpid));
}
BENCHMARK(BM_NativeGetpid)->Repetitions(5);

// A traced run is timed up to the moment its trace is complete; freeing the
// trace afterwards is reported apart (free_us) as it is not part of a
// syscall's cost.
void guest_getpid(benchmark::State& state, slowpath::Era era, bool traced, bool summary = false) {
    double freeing = 0, bytes = 0, steps = 0, step_bytes = 0;
    slowpath::RecordingBytes split;  // summed over the full runs
    auto run = [&](unsigned n) {
        if (summary) {
            // The records are freed outside the time, as a recording is.
            auto t0 = Clock::now();
            auto trace = std::make_unique<slowpath::Trace>(
                slowpath::run_summary(bench_scenario(era, n), slowpath::kSummaryFoldEvery));
            return std::chrono::duration<double>(Clock::now() - t0).count();
        }
        if (!traced) {
            slowpath::run_untraced(bench_scenario(era, n));
            return 0.0;
        }
        double heap = heap_bytes();
        auto t0 = Clock::now();
        auto session = std::make_unique<slowpath::Session>(bench_scenario(era, n));
        double recorded = std::chrono::duration<double>(Clock::now() - t0).count();
        if (n > 1) {
            bytes += heap_bytes() - heap;
            steps += static_cast<double>(session->last_step() + 1);
            step_bytes += static_cast<double>(session->trace().steps.bytes_held());
            slowpath::RecordingBytes b = session->recording_bytes();
            split.events += b.events;
            split.steps += b.steps;
            split.syscalls += b.syscalls;
            split.page_versions += b.page_versions;
            split.base_pages += b.base_pages;
            split.checkpoints += b.checkpoints;
            split.other += b.other;
        }
        double freed = seconds([&] { session.reset(); });
        if (n > 1) freeing += freed;
        return recorded;
    };
    for (auto _ : state) {
        const bool timed = traced || summary;  // run() times itself
        double base = timed ? run(1) : seconds([&] { run(1); });
        const unsigned calls = summary ? kSummaryCalls : traced ? kCalls : kUntracedCalls;
        double full = timed ? run(calls + 1) : seconds([&] { run(calls + 1); });
        state.SetIterationTime((full - base) / calls);
    }
    if (traced) {
        state.counters["free_us"] = freeing / state.iterations() / kCalls * 1e6;
        state.counters["bytes_per_insn"] = steps > 0 ? bytes / steps : 0;
        // Of those, the per-step records (the rest: checkpoints, page versions, events).
        state.counters["step_bytes_per_insn"] = steps > 0 ? step_bytes / steps : 0;
        // The whole recording by part (Session::recording_bytes), per instruction.
        auto per = [&](size_t part) { return steps > 0 ? static_cast<double>(part) / steps : 0; };
        state.counters["events_B"] = per(split.events);
        state.counters["syscalls_B"] = per(split.syscalls);
        state.counters["versions_B"] = per(split.page_versions);
        state.counters["base_B"] = per(split.base_pages);
        state.counters["checkpoints_B"] = per(split.checkpoints);
        state.counters["other_B"] = per(split.other);
        state.counters["split_B"] = per(split.total());
    }
}

void BM_GuestGetpid_v3_13_Untraced(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::V3_13, false);
}
void BM_GuestGetpid_v3_13_Recorded(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::V3_13, true);
}
void BM_GuestGetpid_Rfc_Untraced(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::Rfc, false);
}
void BM_GuestGetpid_Rfc_Recorded(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::Rfc, true);
}
void BM_GuestGetpid_Modern_Untraced(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::Modern, false);
}
void BM_GuestGetpid_Modern_Recorded(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::Modern, true);
}
void BM_GuestGetpid_v3_13_Summary(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::V3_13, false, true);
}
void BM_GuestGetpid_Rfc_Summary(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::Rfc, false, true);
}
void BM_GuestGetpid_Modern_Summary(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::Modern, false, true);
}
#define GUEST_BENCHMARK(f) \
    BENCHMARK(f)->UseManualTime()->Iterations(1)->Repetitions(5)->Unit(benchmark::kNanosecond)
GUEST_BENCHMARK(BM_GuestGetpid_v3_13_Untraced);
GUEST_BENCHMARK(BM_GuestGetpid_v3_13_Recorded);
GUEST_BENCHMARK(BM_GuestGetpid_Rfc_Untraced);
GUEST_BENCHMARK(BM_GuestGetpid_Rfc_Recorded);
GUEST_BENCHMARK(BM_GuestGetpid_Modern_Untraced);
GUEST_BENCHMARK(BM_GuestGetpid_Modern_Recorded);
GUEST_BENCHMARK(BM_GuestGetpid_v3_13_Summary);
GUEST_BENCHMARK(BM_GuestGetpid_Rfc_Summary);
GUEST_BENCHMARK(BM_GuestGetpid_Modern_Summary);

// Time travel: from the last step of a long run back to its first, and to
// a step in the middle (restore a checkpoint, replay). The argument is the
// number of getpids: 1500 is about 100k steps, 14000 about 1M.
void BM_SeekLastToFirst(benchmark::State& state) {
    slowpath::Session session(
        bench_scenario(slowpath::Era::V3_13, static_cast<unsigned>(state.range(0))));
    state.counters["steps"] = static_cast<double>(session.last_step());
    for (auto _ : state) {
        session.seek(session.last_step());
        auto t0 = Clock::now();
        session.seek(0);
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
    }
}
BENCHMARK(BM_SeekLastToFirst)
    ->Arg(1500)
    ->Arg(14000)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

void BM_SeekBackOneStep(benchmark::State& state) {
    slowpath::Session session(
        bench_scenario(slowpath::Era::V3_13, static_cast<unsigned>(state.range(0))));
    state.counters["steps"] = static_cast<double>(session.last_step());
    uint64_t mid = session.last_step() / 2;
    for (auto _ : state) {
        session.seek(mid);
        auto t0 = Clock::now();
        session.step_back();
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
    }
}
BENCHMARK(BM_SeekBackOneStep)
    ->Arg(1500)
    ->Arg(14000)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

// The console's rows as usual, and every repetition kept for the table.
class FigureReporter : public benchmark::ConsoleReporter {
 public:
    std::map<std::string, std::vector<double>> ns;     // per run name: ns per call
    std::map<std::string, std::vector<double>> bytes;  // bytes per recorded instruction
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& r : runs) {
            if (r.run_type != Run::RT_Iteration) continue;
            std::string name = r.run_name.function_name;
            ns[name].push_back(r.GetAdjustedRealTime() *
                               (r.time_unit == benchmark::kMicrosecond ? 1e3 : 1));
            auto b = r.counters.find("bytes_per_insn");
            if (b != r.counters.end()) bytes[name].push_back(b->second.value);
        }
    }
};

double min_of(std::vector<double> v) {
    return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
}
double median_of(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

void print_figures(FigureReporter& r) {
    auto has = [&](const std::string& n) { return r.ns.count(n) && !r.ns[n].empty(); };
    const std::string native = "BM_NativeGetpid";
    std::printf("\n%-10s %12s %12s %12s %12s %10s %10s %10s %10s %8s\n", "era", "untraced ns",
                "(median)", "recorded ns", "(median)", "untr/nat", "(median)", "rec/untr",
                "(median)", "B/insn");
    if (has(native))
        std::printf("%-10s %12.1f %12.1f\n", "native", min_of(r.ns[native]),
                    median_of(r.ns[native]));
    for (const char* era : {"v3_13", "Rfc", "Modern"}) {
        std::string u = std::string("BM_GuestGetpid_") + era + "_Untraced",
                    t = std::string("BM_GuestGetpid_") + era + "_Recorded";
        if (!has(u) || !has(t)) continue;
        double nat_min = has(native) ? min_of(r.ns[native]) : 0,
               nat_med = has(native) ? median_of(r.ns[native]) : 0;
        double u_min = min_of(r.ns[u]), u_med = median_of(r.ns[u]);
        double t_min = min_of(r.ns[t]), t_med = median_of(r.ns[t]);
        std::printf("%-10s %12.1f %12.1f %12.1f %12.1f %10.2f %10.2f %10.1f %10.1f %8.1f\n", era,
                    u_min, u_med, t_min, t_med, nat_min > 0 ? u_min / nat_min : 0,
                    nat_med > 0 ? u_med / nat_med : 0, t_min / u_min, t_med / u_med,
                    median_of(r.bytes[t]));
    }
    // `run --summary`'s run against native and against the recorded run.
    std::printf("\n%-10s %12s %12s %10s %10s %10s %10s\n", "era", "summary ns", "(median)",
                "sum/nat", "(median)", "rec/sum", "(median)");
    for (const char* era : {"v3_13", "Rfc", "Modern"}) {
        std::string m = std::string("BM_GuestGetpid_") + era + "_Summary",
                    t = std::string("BM_GuestGetpid_") + era + "_Recorded";
        if (!has(m)) continue;
        double nat_min = has(native) ? min_of(r.ns[native]) : 0,
               nat_med = has(native) ? median_of(r.ns[native]) : 0;
        double m_min = min_of(r.ns[m]), m_med = median_of(r.ns[m]);
        double t_min = has(t) ? min_of(r.ns[t]) : 0, t_med = has(t) ? median_of(r.ns[t]) : 0;
        std::printf("%-10s %12.1f %12.1f %10.1f %10.1f %10.2f %10.2f\n", era, m_min, m_med,
                    nat_min > 0 ? m_min / nat_min : 0, nat_med > 0 ? m_med / nat_med : 0,
                    m_min > 0 ? t_min / m_min : 0, m_med > 0 ? t_med / m_med : 0);
    }
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    FigureReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_figures(reporter);
    benchmark::Shutdown();
    return 0;
}
