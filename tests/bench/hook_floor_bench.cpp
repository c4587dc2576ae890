// What Unicorn's hooks cost by themselves, with callbacks that do nothing,
// on straight-line code shaped like the entry path's (short blocks ending
// in a jump, one store and one load in each). It is the floor under any
// recording made through Unicorn's API: a recording that counts
// instructions exactly needs at least a block hook; one that keeps a
// record per instruction, a code hook; page versions, a write hook. Each
// figure is nanoseconds per guest instruction and the ratio to the same
// code run with no hook.
//
//   hook_floor_bench [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>
#include <unicorn/unicorn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr uint64_t kCode = 0x100000, kData = 0x200000;
constexpr int kBlocks = 16;                      // blocks in the loop body, 5 instructions each
constexpr int kInsnsPerRound = kBlocks * 5 + 2;  // and the loop's dec + jnz
constexpr uint64_t kRounds = 200000;

// add rax,1; mov [rdi+8i],rax; mov rcx,[rdi]; xor rcx,rax; jmp to the next
// instruction (which ends the block), kBlocks times; then dec rsi; jnz to
// the top; hlt.
std::vector<uint8_t> loop_code() {
    std::vector<uint8_t> c;
    for (int i = 0; i < kBlocks; i++) {
        uint8_t block[] = {0x48, 0x83, 0xc0, 0x01,  //
                           0x48, 0x89, 0x47, static_cast<uint8_t>(8 * i),
                           0x48, 0x8b, 0x0f,  //
                           0x48, 0x31, 0xc1,  //
                           0xeb, 0x00};
        c.insert(c.end(), block, block + sizeof block);
    }
    c.insert(c.end(), {0x48, 0xff, 0xce});  // dec rsi
    int32_t back = -static_cast<int32_t>(c.size() + 6);
    c.insert(c.end(), {0x0f, 0x85});
    for (int k = 0; k < 4; k++) c.push_back(static_cast<uint8_t>(back >> (8 * k)));
    c.push_back(0xf4);  // hlt: where the run ends
    return c;
}

void on_code(uc_engine*, uint64_t, uint32_t, void* count) {
    ++*static_cast<uint64_t*>(count);
}
void on_write(uc_engine*, uc_mem_type, uint64_t, int, int64_t, void* count) {
    ++*static_cast<uint64_t*>(count);
}

enum Hooks : unsigned { kNone = 0, kBlock = 1, kCodeHook = 2, kWrite = 4 };

void check(uc_err err, const char* what) {
    if (err == UC_ERR_OK) return;
    std::fprintf(stderr, "hook_floor_bench: %s: %s\n", what, uc_strerror(err));
    std::exit(2);
}

void BM_Loop(benchmark::State& state) {
    const unsigned hooks = static_cast<unsigned>(state.range(0));
    uc_engine* uc = nullptr;
    check(uc_open(UC_ARCH_X86, UC_MODE_64, &uc), "uc_open");
    check(uc_mem_map(uc, kCode, 0x10000, UC_PROT_ALL), "map code");
    check(uc_mem_map(uc, kData, 0x10000, UC_PROT_ALL), "map data");
    std::vector<uint8_t> code = loop_code();
    check(uc_mem_write(uc, kCode, code.data(), code.size()), "write code");
    uint64_t count = 0;
    uc_hook h;
    if (hooks & kBlock)
        check(uc_hook_add(uc, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(&on_code), &count, 1, 0),
              "block hook");
    if (hooks & kCodeHook)
        check(uc_hook_add(uc, &h, UC_HOOK_CODE, reinterpret_cast<void*>(&on_code), &count, 1, 0),
              "code hook");
    if (hooks & kWrite)
        check(uc_hook_add(uc, &h, UC_HOOK_MEM_WRITE, reinterpret_cast<void*>(&on_write), &count, 1,
                          0),
              "write hook");
    const uint64_t end = kCode + code.size() - 1;
    for (auto _ : state) {
        uint64_t rip = kCode, rdi = kData, rsi = kRounds;
        uc_reg_write(uc, UC_X86_REG_RDI, &rdi);
        uc_reg_write(uc, UC_X86_REG_RSI, &rsi);
        check(uc_emu_start(uc, rip, end, 0, 0), "run");
    }
    benchmark::DoNotOptimize(count);
    state.counters["ns_per_insn"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * kRounds * kInsnsPerRound,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    uc_close(uc);
}
BENCHMARK(BM_Loop)
    ->ArgName("hooks")
    ->Arg(kNone)
    ->Arg(kBlock)
    ->Arg(kWrite)
    ->Arg(kBlock | kWrite)
    ->Arg(kCodeHook)
    ->Arg(kCodeHook | kWrite)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
