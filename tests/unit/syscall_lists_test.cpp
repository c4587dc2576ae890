// The interned syscall paths and TIF check lists read back what was
// interned: the same list gives the same handle, distinct lists distinct
// handles, and a record's checks come back with absolute steps.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "slowpath/trace.h"

namespace slowpath {
namespace {

std::vector<TifCheckRecord> checks_for(uint32_t i) {
    std::vector<TifCheckRecord> l;
    for (uint32_t k = 0; k <= i % 4; k++)
        l.push_back({Name("check_" + std::to_string(k)), 0x1u << k, i, i & (0x1u << k),
                     uint64_t(10) * k + i, k % 3});
    return l;
}

TEST(SyscallLists, EmptyListsAreHandleZero) {
    EXPECT_EQ(intern_tif_checks({}), 0u);
    EXPECT_EQ(intern_syscall_path({}), 0u);
    EXPECT_TRUE(tif_check_list(0).empty());
    EXPECT_TRUE(syscall_path(0).empty());
    SyscallRecord r;
    r.entry_step = 1234;
    EXPECT_TRUE(r.tif_checks().empty());
    EXPECT_EQ(r.tif_checks().size(), 0u);
    EXPECT_TRUE(r.tif_checks().begin() == r.tif_checks().end());
    EXPECT_TRUE(r.path().empty());
    EXPECT_EQ(tif_check_list_bytes(0), 0u);
}

TEST(SyscallLists, TifChecksRoundTripWithAbsoluteSteps) {
    const std::vector<TifCheckRecord> rel = checks_for(7);  // 4 checks
    SyscallRecord r;
    r.entry_step = 1000000;
    r.tif_checks_id = intern_tif_checks(rel);
    ASSERT_NE(r.tif_checks_id, 0u);
    EXPECT_EQ(intern_tif_checks(rel), r.tif_checks_id);  // the same list, the same handle
    ASSERT_EQ(r.tif_checks().size(), rel.size());
    size_t i = 0;
    for (const TifCheckRecord& c : r.tif_checks()) {
        EXPECT_EQ(c.where, rel[i].where);
        EXPECT_EQ(c.mask, rel[i].mask);
        EXPECT_EQ(c.flags, rel[i].flags);
        EXPECT_EQ(c.result, rel[i].result);
        EXPECT_EQ(c.kind, rel[i].kind);
        EXPECT_EQ(c.step, rel[i].step + 1000000);
        EXPECT_EQ(r.tif_checks()[i].step, c.step);
        i++;
    }
    EXPECT_EQ(i, rel.size());
    EXPECT_EQ(r.tif_checks().front().step, rel.front().step + 1000000);
    EXPECT_EQ(r.tif_checks().back().step, rel.back().step + 1000000);
    EXPECT_EQ(r.tif_checks().end() - r.tif_checks().begin(), 4);
    EXPECT_GE(tif_check_list_bytes(r.tif_checks_id), 4 * sizeof(TifCheckRecord));
}

TEST(SyscallLists, ManyDistinctListsKeepTheirOwnHandles) {
    // More than one chunk of the table (4096 lists a chunk).
    std::vector<uint32_t> ids;
    for (uint32_t i = 0; i < 10000; i++) ids.push_back(intern_tif_checks(checks_for(i + 100)));
    for (uint32_t i = 0; i < 10000; i++) {
        for (uint32_t j = i + 1; j < i + 5 && j < 10000; j++) EXPECT_NE(ids[i], ids[j]);
        const std::vector<TifCheckRecord>& l = tif_check_list(ids[i]);
        const std::vector<TifCheckRecord> want = checks_for(i + 100);
        ASSERT_EQ(l.size(), want.size());
        EXPECT_EQ(l.back().flags, want.back().flags);
        EXPECT_EQ(l.back().step, want.back().step);
        EXPECT_EQ(intern_tif_checks(want), ids[i]);
    }
    // Lists differing in one field only are distinct.
    std::vector<TifCheckRecord> a = checks_for(3), b = a;
    b[1].result ^= 1;
    EXPECT_NE(intern_tif_checks(a), intern_tif_checks(b));
    b = a;
    b[0].where = Name("elsewhere");
    EXPECT_NE(intern_tif_checks(a), intern_tif_checks(b));
}

TEST(SyscallLists, PathsRoundTrip) {
    const std::vector<Name> p = {Name("entry_SYSCALL_64"), Name("do_syscall_64"),
                                 Name("__x64_sys_getpid")};
    SyscallRecord r;
    r.path_id = intern_syscall_path(p);
    ASSERT_NE(r.path_id, 0u);
    EXPECT_EQ(intern_syscall_path(p), r.path_id);
    EXPECT_EQ(r.path(),
              (std::vector<std::string>{"entry_SYSCALL_64", "do_syscall_64", "__x64_sys_getpid"}));
    const std::vector<Name> q = {Name("entry_SYSCALL_64"), Name("do_syscall_64")};
    EXPECT_NE(intern_syscall_path(q), r.path_id);
    EXPECT_EQ(syscall_path(intern_syscall_path(q)).size(), 2u);
}

}  // namespace
}  // namespace slowpath
