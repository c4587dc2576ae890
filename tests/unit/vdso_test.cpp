// The vDSO's functions named: the image the kernel carries, where exec mapped
// it in a real run, and Session::where() inside __vdso_clock_gettime, where a
// clock read runs with no system call.
#include "slowpath/vdso.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "slowpath/session.h"

namespace slowpath {
namespace {

Scenario vdso_program(bool vdso) {
    Scenario sc;
    sc.user_program = SLOWPATH_VDSO_PROGRAM;
    sc.user_args = {"libc"};
    sc.vdso = vdso;
    sc.max_steps = 50'000'000;
    return sc;
}

const VdsoFunction* named(const VdsoImage& image, const std::string& name) {
    for (const VdsoFunction& f : image.functions)
        if (f.name == name) return &f;
    return nullptr;
}

TEST(Vdso, TheKernelCarriesAnImageWithItsClockFunctions) {
    if (std::string(SLOWPATH_VDSO_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Session s(vdso_program(true));
    const VdsoImage& image = vdso_image(s.machine().kernel());
    ASSERT_GT(image.size, 0u);
    for (const char* f : {"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time",
                          "__vdso_getcpu", "__vdso_clock_getres"}) {
        const VdsoFunction* fn = named(image, f);
        ASSERT_NE(fn, nullptr) << f;
        EXPECT_GT(fn->size, 0u) << f;
        EXPECT_LT(fn->offset + fn->size, image.size + 1) << f;
    }
    // One name per address: the plain aliases (clock_gettime) give way.
    EXPECT_EQ(named(image, "clock_gettime"), nullptr);
    EXPECT_TRUE(std::is_sorted(
        image.functions.begin(), image.functions.end(),
        [](const VdsoFunction& a, const VdsoFunction& b) { return a.offset < b.offset; }));
}

TEST(Vdso, WhereNamesTheVdsoFunctionTheCpuIsIn) {
    if (std::string(SLOWPATH_VDSO_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Session s(vdso_program(true));
    ASSERT_EQ(s.trace().outcome, Outcome::Exited) << s.trace().outcome_detail;
    const uint64_t base = vdso_base_at(s.trace(), s.last_step());
    ASSERT_NE(base, 0u);
    EXPECT_EQ(base & 0xfff, 0u);
    EXPECT_EQ(vdso_base_at(s.trace(), 0), 0u);  // not mapped before exec
    const VdsoImage& image = vdso_image(s.machine().kernel());
    const VdsoFunction* fn = named(image, "__vdso_clock_gettime");
    ASSERT_NE(fn, nullptr);
    s.seek(0);
    auto at = s.run_to_address(base + fn->offset);
    ASSERT_TRUE(at.has_value()) << "the program never called __vdso_clock_gettime";
    EXPECT_EQ(s.machine().cpu().cpl, 3);
    EXPECT_EQ(s.where(), "__vdso_clock_gettime (vDSO)");
    EXPECT_EQ(s.current_syscall(), -1);  // in user mode: no syscall runs
    s.step_forward(1);
    EXPECT_EQ(s.where().rfind("__vdso_clock_gettime+0x", 0), 0u) << s.where();
    EXPECT_EQ(vdso_describe(image, base, base + fn->offset + 1), "__vdso_clock_gettime+0x1");
    EXPECT_EQ(vdso_describe(image, base, base - 1), "");
    EXPECT_EQ(vdso_describe(image, base, base + image.size), "");
    EXPECT_EQ(vdso_describe(image, 0, base), "");
}

TEST(Vdso, WithoutAVdsoNothingIsMapped) {
    if (std::string(SLOWPATH_VDSO_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Session s(vdso_program(false));
    EXPECT_EQ(vdso_base_at(s.trace(), s.last_step()), 0u);
}

}  // namespace
}  // namespace slowpath
