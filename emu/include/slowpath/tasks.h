// The guest's tasks as its scheduler sees them: every slot of task_table
// that holds a task at a step, and which one the CPU runs.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "slowpath/trace.h"

namespace slowpath {

class Machine;

enum class TaskState : uint8_t {
    Running,   // the task the CPU runs now (current)
    Runnable,  // TASK_RUNNING, waiting for the CPU
    Sleeping,  // TASK_INTERRUPTIBLE: in futex, wait4, a pipe, or a kthread with no work
    Traced,    // TASK_TRACED: stopped for its tracer (ptrace), which alone resumes it
    Stopped,   // TASK_STOPPED: in its process's group stop (SIGSTOP) until SIGCONT
    Zombie,    // exited, its parent has not waited for it yet
    Dead,      // exited and reaped (the slot may be reused)
};
std::string_view task_state_name(TaskState state);  // "running", "runnable", ...

struct TaskView {
    int slot = 0;  // index in task_table: 0 init, 1 the kworker, 2.. the pool
    uint64_t addr = 0;
    int pid = 0;         // the thread's id (tid)
    int tgid = 0;        // its process
    int parent_pid = 0;  // 0 when it has no parent
    std::string comm;
    TaskState state = TaskState::Runnable;
    bool kernel_thread = false;
    bool current = false;
    bool timed_sleep = false;  // asleep until a time (nanosleep): the clock will wake it
};

struct TaskListView {
    bool present = false;         // the kernel has a task table
    std::vector<TaskView> tasks;  // the slots in use, in task_table order
    int current_pid = -1;
};

// Reads task_table and the per-CPU current pointer at the machine's step.
TaskListView decode_tasks(const Machine& m);

// The pid (tid) of the task that made each system call of the trace: the
// kernel stack the call ran on names the task slot, and the scheduler's
// switches onto that stack (or, for a slot never switched to, the task
// table of `m` now) name its pid. 1 (init) when nothing says otherwise.
std::vector<int> syscall_task_pids(const Trace& trace, const Machine& m);

}  // namespace slowpath
