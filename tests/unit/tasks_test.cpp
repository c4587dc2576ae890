// The task list decoder on a real run of a program that forks: the child
// appears in the guest's task table with the pid fork returned, and the
// system calls it makes are attributed to it.
#include "slowpath/tasks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "../trace_queries.h"
#include "slowpath/session.h"

namespace slowpath {
namespace {

using test_queries::first_fork;
using test_queries::first_wait4_for;

Scenario program_run(const char* program) {
    Scenario sc;
    sc.user_program = program;
    sc.max_steps = 50'000'000;
    return sc;
}

TEST(Tasks, ForkAddsAChildWithThePidForkReturned) {
    Session s(program_run(SLOWPATH_FORK_PROGRAM));
    const Trace& t = s.trace();
    ASSERT_EQ(t.outcome, Outcome::Exited) << t.outcome_detail;
    int fork = first_fork(t);
    ASSERT_GE(fork, 0);
    const SyscallRecord& r = t.syscalls[static_cast<size_t>(fork)];
    const int child = static_cast<int>(r.ret);

    // Before the fork: init and the kworker only.
    s.seek(r.entry_step);
    TaskListView before = decode_tasks(s.machine());
    ASSERT_TRUE(before.present);
    ASSERT_EQ(before.tasks.size(), 2u);
    EXPECT_EQ(before.tasks[0].pid, 1);
    EXPECT_EQ(before.tasks[0].comm, "proc_fork");
    EXPECT_EQ(before.tasks[0].state, TaskState::Running);
    EXPECT_TRUE(before.tasks[1].kernel_thread);
    EXPECT_EQ(before.current_pid, 1);

    // Back in the parent after it: the child is there, a process of its own.
    s.seek(r.return_step);
    TaskListView after = decode_tasks(s.machine());
    auto it = std::find_if(after.tasks.begin(), after.tasks.end(),
                           [&](const TaskView& v) { return v.pid == child; });
    ASSERT_NE(it, after.tasks.end());
    EXPECT_EQ(it->tgid, child);
    EXPECT_EQ(it->parent_pid, 1);
    EXPECT_EQ(it->comm, "proc_fork");
    EXPECT_FALSE(it->kernel_thread);
    EXPECT_FALSE(it->current);
    EXPECT_EQ(after.current_pid, 1);
    int running = 0;
    for (const TaskView& v : after.tasks) running += v.state == TaskState::Running;
    EXPECT_EQ(running, 1);

    // The child's own calls (its exit_group) are its, the fork is the parent's.
    std::vector<int> pids = syscall_task_pids(t, s.machine());
    ASSERT_EQ(pids.size(), t.syscalls.size());
    EXPECT_EQ(pids[static_cast<size_t>(fork)], 1);
    EXPECT_EQ(pids[0], 1);
    bool child_exits = false;
    for (size_t k = 0; k < t.syscalls.size(); k++)
        if (pids[k] == child && t.syscalls[k].name == "exit_group") child_exits = true;
    EXPECT_TRUE(child_exits);
}

// A tracer's wait4 that reports a stop: at its return the child is in
// TASK_TRACED, and the list says so.
TEST(Tasks, ATraceeInAPtraceStopIsTraced) {
    if (std::string(SLOWPATH_PTRACE_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Session s(program_run(SLOWPATH_PTRACE_PROGRAM));
    const Trace& t = s.trace();
    ASSERT_EQ(t.outcome, Outcome::Exited) << t.outcome_detail;
    const int fork = first_fork(t);
    ASSERT_GE(fork, 0);
    const int child = static_cast<int>(t.syscalls[static_cast<size_t>(fork)].ret);
    const int wait = first_wait4_for(t, fork, child);
    ASSERT_GE(wait, 0);
    s.seek(t.syscalls[static_cast<size_t>(wait)].return_step);
    TaskListView v = decode_tasks(s.machine());
    auto it = std::find_if(v.tasks.begin(), v.tasks.end(),
                           [&](const TaskView& x) { return x.pid == child; });
    ASSERT_NE(it, v.tasks.end());
    EXPECT_EQ(it->state, TaskState::Traced);
    EXPECT_EQ(task_state_name(it->state), "traced");
    EXPECT_EQ(v.current_pid, 1);
}

// A parent's wait4 (WUNTRACED) that reports a SIGSTOP: at its return every
// thread of the child, its leader and the thread it started, is in
// TASK_STOPPED, the group stop, and the list says so.
TEST(Tasks, EveryThreadOfAStoppedProcessIsStopped) {
    if (std::string(SLOWPATH_JOBCTL_PROGRAM).empty()) GTEST_SKIP() << "no musl-gcc";
    Session s(program_run(SLOWPATH_JOBCTL_PROGRAM));
    const Trace& t = s.trace();
    const int fork = first_fork(t);
    ASSERT_GE(fork, 0) << t.outcome_detail;
    const int child = static_cast<int>(t.syscalls[static_cast<size_t>(fork)].ret);
    const int wait = first_wait4_for(t, fork, child);
    ASSERT_GE(wait, 0);
    s.seek(t.syscalls[static_cast<size_t>(wait)].return_step);
    TaskListView v = decode_tasks(s.machine());
    int stopped = 0, others = 0;
    for (const TaskView& x : v.tasks) {
        if (x.tgid != child) continue;
        if (x.state == TaskState::Stopped)
            stopped++;
        else
            others++;
    }
    EXPECT_EQ(stopped, 2);
    EXPECT_EQ(others, 0);
    auto it = std::find_if(v.tasks.begin(), v.tasks.end(),
                           [&](const TaskView& x) { return x.pid == child; });
    ASSERT_NE(it, v.tasks.end());
    EXPECT_EQ(task_state_name(it->state), "stopped");
    EXPECT_EQ(v.current_pid, 1);
}

}  // namespace
}  // namespace slowpath
