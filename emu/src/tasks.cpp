#include "slowpath/tasks.h"

#include <slowpath/abi.h>

#include <map>
#include <utility>

#include "slowpath/machine.h"

namespace slowpath {

std::string_view task_state_name(TaskState state) {
    switch (state) {
        case TaskState::Running:
            return "running";
        case TaskState::Runnable:
            return "runnable";
        case TaskState::Sleeping:
            return "sleeping";
        case TaskState::Traced:
            return "traced";
        case TaskState::Stopped:
            return "stopped";
        case TaskState::Zombie:
            return "zombie";
        case TaskState::Dead:
            return "dead";
    }
    return "?";
}

namespace {

// The guest's values (sched.h).
constexpr long kTaskRunning = 0;
constexpr long kTaskStopped = 4;
constexpr long kTaskTraced = 8;
constexpr long kTaskDead = 64;
constexpr int kExitZombie = 16;

TaskState state_of(long state, int exit_state, bool current) {
    if (exit_state == kExitZombie) return TaskState::Zombie;
    if (exit_state != 0 || state == kTaskDead) return TaskState::Dead;
    if (current) return TaskState::Running;
    if (state == kTaskTraced) return TaskState::Traced;
    if (state == kTaskStopped) return TaskState::Stopped;
    return state == kTaskRunning ? TaskState::Runnable : TaskState::Sleeping;
}

}  // namespace

TaskListView decode_tasks(const Machine& m) {
    TaskListView v;
    const Symbol* table = m.kernel().symbol_named("task_table");
    const Symbol* percpu = m.kernel().symbol_named("sp_percpu");
    if (!table || !percpu || table->size < 8) return v;
    v.present = true;
    const uint64_t current = m.read_u64(percpu->addr + SP_PERCPU_current_task);
    for (uint64_t i = 0; i < table->size / 8; i++) {
        const uint64_t t = m.read_u64(table->addr + 8 * i);
        if (!t) continue;
        uint8_t in_use = 0;
        if (!m.read(t + SP_TASK_in_use, &in_use, 1) || !in_use) continue;
        TaskView task;
        task.slot = static_cast<int>(i);
        task.addr = t;
        task.pid = static_cast<int>(m.read_u32(t + SP_TASK_pid));
        task.tgid = static_cast<int>(m.read_u32(t + SP_TASK_tgid));
        char comm[SP_TASK_COMM_LEN + 1] = {};
        m.read(t + SP_TASK_comm, comm, SP_TASK_COMM_LEN);
        task.comm = comm;
        task.kernel_thread = m.read_u64(t + SP_TASK_kthread_fn) != 0;
        task.current = t == current;
        if (uint64_t parent = m.read_u64(t + SP_TASK_parent))
            task.parent_pid = static_cast<int>(m.read_u32(parent + SP_TASK_pid));
        task.state = state_of(static_cast<long>(m.read_u64(t + SP_TASK_state)),
                              static_cast<int>(m.read_u32(t + SP_TASK_exit_state)), task.current);
        task.timed_sleep =
            task.state == TaskState::Sleeping && m.read_u64(t + SP_TASK_sleep_until) != 0;
        if (task.current) v.current_pid = task.pid;
        v.tasks.push_back(std::move(task));
    }
    return v;
}

namespace {

// task_stacks[0] is the kworker's, [1] init's, [2..] the pool's; task_table
// lists init first, then the kworker, then the pool.
int table_slot_of_stack(uint64_t rsp, const Symbol& stacks) {
    if (rsp <= stacks.addr || rsp > stacks.addr + stacks.size) return -1;
    int s = static_cast<int>((rsp - 1 - stacks.addr) / SP_THREAD_SIZE);
    return s == 0 ? 1 : s == 1 ? 0 : s;
}

}  // namespace

std::vector<int> syscall_task_pids(const Trace& trace, const Machine& m) {
    std::vector<int> pids(trace.syscalls.size(), 1);
    const Symbol* stacks = m.kernel().symbol_named("task_stacks");
    if (!stacks) return pids;
    // Which pid each table slot held: a switch lands on the next task's
    // stack (the Schedule event is seen there), and the slots in use now.
    std::map<int, int> pid_of_slot;
    for (const TaskView& t : decode_tasks(m).tasks) pid_of_slot[t.slot] = t.pid;
    std::map<int, std::vector<std::pair<uint64_t, int>>> switches_into;  // slot -> (step, pid)
    for (const Event& e : trace.events)
        if (e.kind == EventKind::Schedule && e.step < trace.steps.size()) {
            int slot = table_slot_of_stack(trace.steps[e.step].rsp, *stacks);
            if (slot >= 0) switches_into[slot].push_back({e.step, static_cast<int>(e.a[1])});
        }
    for (size_t k = 0; k < trace.syscalls.size(); k++) {
        const SyscallRecord& r = trace.syscalls[k];
        uint64_t end = r.return_step ? r.return_step : trace.steps.size();
        int slot = -1;
        for (uint64_t s = r.entry_step + 1; s < end && s < trace.steps.size() && slot < 0; s++)
            if (trace.steps[s].cpl == 0) slot = table_slot_of_stack(trace.steps[s].rsp, *stacks);
        if (slot < 0) continue;
        auto seen = switches_into.find(slot);
        if (seen != switches_into.end()) {
            // The latest switch into the slot before the call, else the first after.
            int pid = seen->second.front().second;
            for (const auto& [step, to] : seen->second)
                if (step <= r.entry_step) pid = to;
            pids[k] = pid;
        } else if (auto now = pid_of_slot.find(slot); now != pid_of_slot.end()) {
            pids[k] = now->second;
        }
    }
    return pids;
}

}  // namespace slowpath
