// What one system call costs in slowpath, against a native getpid() on the
// same machine in the same run: the guest round trip untraced (the plain
// emulator) and traced (every instruction recorded for the app).
//
// Each guest figure is per syscall: a run of N getpids minus a run of none,
// divided by N, so boot and exit are not counted.
#include <benchmark/benchmark.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>

#include "slowpath/session.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr unsigned kCalls = 20000;

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

void BM_NativeGetpid(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(syscall(SYS_getpid));
}
BENCHMARK(BM_NativeGetpid);

// A traced run is timed up to the moment its trace is complete; freeing the
// trace afterwards is reported apart (free_us) as it is not part of a
// syscall's cost.
void guest_getpid(benchmark::State& state, slowpath::Era era, bool traced) {
    double freeing = 0;
    auto run = [&](unsigned n) {
        if (!traced) {
            slowpath::run_untraced(bench_scenario(era, n));
            return 0.0;
        }
        auto t0 = Clock::now();
        auto session = std::make_unique<slowpath::Session>(bench_scenario(era, n));
        double recorded = std::chrono::duration<double>(Clock::now() - t0).count();
        double freed = seconds([&] { session.reset(); });
        if (n > 1) freeing += freed;
        return recorded;
    };
    for (auto _ : state) {
        double base = traced ? run(1) : seconds([&] { run(1); });
        double full = traced ? run(kCalls + 1) : seconds([&] { run(kCalls + 1); });
        state.SetIterationTime((full - base) / kCalls);
    }
    if (traced) state.counters["free_us"] = freeing / state.iterations() / kCalls * 1e6;
}

void BM_GuestGetpid_v3_13_Untraced(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::V3_13, false);
}
void BM_GuestGetpid_v3_13_Traced(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::V3_13, true);
}
void BM_GuestGetpid_Rfc_Untraced(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::Rfc, false);
}
void BM_GuestGetpid_Rfc_Traced(benchmark::State& s) {
    guest_getpid(s, slowpath::Era::Rfc, true);
}
BENCHMARK(BM_GuestGetpid_v3_13_Untraced)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kNanosecond);
BENCHMARK(BM_GuestGetpid_v3_13_Traced)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kNanosecond);
BENCHMARK(BM_GuestGetpid_Rfc_Untraced)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kNanosecond);
BENCHMARK(BM_GuestGetpid_Rfc_Traced)->UseManualTime()->Iterations(5)->Unit(benchmark::kNanosecond);

// Time travel: from the last step of a long run back to its first, and to
// a step in the middle (restore a checkpoint, replay).
void BM_SeekLastToFirst(benchmark::State& state) {
    slowpath::Session session(bench_scenario(slowpath::Era::V3_13, 1500));
    state.counters["steps"] = static_cast<double>(session.last_step());
    for (auto _ : state) {
        session.seek(session.last_step());
        auto t0 = Clock::now();
        session.seek(0);
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
    }
}
BENCHMARK(BM_SeekLastToFirst)->UseManualTime()->Unit(benchmark::kMicrosecond);

void BM_SeekBackOneStep(benchmark::State& state) {
    slowpath::Session session(bench_scenario(slowpath::Era::V3_13, 1500));
    uint64_t mid = session.last_step() / 2;
    for (auto _ : state) {
        session.seek(mid);
        auto t0 = Clock::now();
        session.step_back();
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
    }
}
BENCHMARK(BM_SeekBackOneStep)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
