// The packed event and its interned names: an event reads back what it was
// given (the wide fields at their limits too), names compare and convert as
// the strings they stand for, and a call's text is made from its arguments
// and the parameter names it keeps.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "slowpath/trace.h"

namespace slowpath {
namespace {

TEST(Name, SameTextSameHandle) {
    std::string a = "syscall_exit_to_user_mode", b = a;
    Name x(a), y(b), z("do_syscall_64");
    EXPECT_EQ(x.id(), y.id());
    EXPECT_NE(x.id(), z.id());
    EXPECT_EQ(x, "syscall_exit_to_user_mode");
    EXPECT_EQ(std::string("do_syscall_64"), z);
    EXPECT_NE(x, z);
    const std::string& s = x;
    EXPECT_EQ(s, a);
    EXPECT_EQ(x + "()", a + "()");
    EXPECT_TRUE(Name().empty());
    EXPECT_EQ(Name("").id(), 0u);
    EXPECT_EQ(Name::from_id(z.id()), "do_syscall_64");
}

// A buffer reused for another text gets that text's name, not the one the
// per-thread cache remembers for the buffer.
TEST(Name, ReusedBufferIsReadAgain) {
    char buf[32] = "first_name";
    Name first(buf);
    std::strcpy(buf, "other_name");
    Name other(buf);
    EXPECT_EQ(first, "first_name");
    EXPECT_EQ(other, "other_name");
}

TEST(Name, ThreadsAgreeOnHandles) {
    std::vector<uint32_t> ids(4);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < ids.size(); t++)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; i++) Name("thread_name_" + std::to_string(i));
            ids[t] = Name("thread_name_1234").id();
        });
    for (auto& t : threads) t.join();
    for (uint32_t id : ids) EXPECT_EQ(id, ids[0]);
    EXPECT_EQ(Name::from_id(ids[0]), "thread_name_1234");
}

TEST(Event, FieldsReadBack) {
    Event e;
    EXPECT_EQ(e.syscall, -1);
    EXPECT_EQ(e.kind, EventKind::Label);
    EXPECT_EQ(e.text(), "");
    e.step = (uint64_t(1) << 38) - 1;
    e.syscall = Event::kMaxSyscalls;
    e.kind = EventKind::StepLimit;
    e.by_cpu = true;
    e.from_entry = true;
    e.name = "sysret_check";
    e.set_text("why it went so");
    EXPECT_EQ(e.step, (uint64_t(1) << 38) - 1);
    EXPECT_EQ(e.syscall, Event::kMaxSyscalls);
    EXPECT_EQ(e.kind, EventKind::StepLimit);
    EXPECT_TRUE(e.by_cpu);
    EXPECT_TRUE(e.from_entry);
    EXPECT_EQ(e.name, "sysret_check");
    EXPECT_EQ(e.text(), "why it went so");
    e.syscall = -1;
    EXPECT_EQ(e.syscall, -1);
}

TEST(Event, CallTextHoldsTheArguments) {
    Event e;
    e.kind = EventKind::Call;
    e.name = "do_syscall_64";
    e.a = {0x27, 0xffff0000, 3, 4};
    e.set_text("(nr,regs");
    EXPECT_EQ(e.text(), "do_syscall_64(nr=0x27, regs=0xffff0000)");
    EXPECT_EQ(describe_event(e), e.text());
    e.set_text("(");
    EXPECT_EQ(e.text(), "do_syscall_64()");
    e.set_text("(a,b,c,d,...");
    EXPECT_EQ(e.text(), "do_syscall_64(a=0x27, b=0xffff0000, c=0x3, d=0x4, ...)");
}

}  // namespace
}  // namespace slowpath
