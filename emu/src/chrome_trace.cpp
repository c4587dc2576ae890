#include "slowpath/chrome_trace.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

namespace slowpath {

namespace {

constexpr int kPid = 1;
constexpr int kKernelTid = 1;  // syscalls > labels > C functions, nested
constexpr int kUserTid = 2;    // ring 3 between system calls

class Writer {
 public:
    explicit Writer(std::ostream& out) : out_(out) { out_ << "{\"traceEvents\":[\n"; }
    ~Writer() { out_ << "\n],\"displayTimeUnit\":\"ns\"}\n"; }

    void event(nlohmann::json e) {
        e["pid"] = kPid;
        if (!first_) out_ << ",\n";
        first_ = false;
        // Guest-chosen names may hold any bytes: replace what is not UTF-8.
        out_ << e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    void slice(int tid, const std::string& name, const char* category, uint64_t from, uint64_t to,
               nlohmann::json args = nlohmann::json::object()) {
        event({{"ph", "X"},
               {"tid", tid},
               {"name", name},
               {"cat", category},
               {"ts", from},
               {"dur", to > from ? to - from : 0},
               {"args", std::move(args)}});
    }
    void instant(int tid, const std::string& name, const char* category, uint64_t at,
                 nlohmann::json args) {
        event({{"ph", "i"},
               {"s", "t"},
               {"tid", tid},
               {"name", name},
               {"cat", category},
               {"ts", at},
               {"args", std::move(args)}});
    }

 private:
    std::ostream& out_;
    bool first_ = true;
};

bool is_instant(EventKind kind) {
    switch (kind) {
        case EventKind::TifCheck:
        case EventKind::SysretCheck:
        case EventKind::Decision:
        case EventKind::Sysret:
        case EventKind::Iret:
        case EventKind::Swapgs:
        case EventKind::SignalDelivered:
        case EventKind::SignalReturn:
        case EventKind::Audit:
        case EventKind::TracerStop:
        case EventKind::TaskWork:
        case EventKind::Notifier:
        case EventKind::Tracepoint:
        case EventKind::Inject:
        case EventKind::Edit:
        case EventKind::Schedule:
        case EventKind::Fault:
        case EventKind::Oops:
        case EventKind::Livelock:
        case EventKind::Exit:
            return true;
        default:
            return false;
    }
}

// The slices of one system call: its labels, each lasting until the next,
// and the C functions the entry code called, from call to return.
void write_syscall(Writer& w, const Trace& trace, const SyscallRecord& sc, uint64_t end) {
    nlohmann::json args = {{"nr", sc.nr},
                           {"exit", exit_kind_name(sc.exit)},
                           {"focus", sc.is_focus},
                           {"path", sc.path()}};
    if (sc.has_ret) args["ret"] = sc.ret;
    w.slice(kKernelTid, sc.name.empty() ? "syscall " + std::to_string(sc.nr) : sc.name.str(),
            "syscall", sc.entry_step, end, std::move(args));

    struct OpenLabel {
        bool open = false;
        std::string name;
        uint64_t step = 0;
    } label;  // the label the entry code is in now
    struct OpenCall {
        std::string name;
        uint64_t step;
    };
    std::vector<OpenCall> calls;
    auto close_label = [&](uint64_t at) {
        if (label.open) w.slice(kKernelTid, label.name, "label", label.step, at);
        label.open = false;
    };
    size_t last = std::min(sc.end_event, trace.events.size());
    for (size_t i = sc.first_event; i < last; i++) {
        const Event& e = trace.events[i];
        if (e.kind == EventKind::Label) {
            // A label is entry code: any C call made under the previous one has returned.
            close_label(e.step);
            label = {true, e.name, e.step};
        } else if (e.kind == EventKind::Call && e.from_entry) {
            calls.push_back({e.name, e.step});
        } else if (e.kind == EventKind::Return && e.from_entry) {
            auto it = std::find_if(calls.rbegin(), calls.rend(),
                                   [&](const OpenCall& c) { return c.name == e.name; });
            if (it != calls.rend()) {
                w.slice(kKernelTid, it->name, "function", it->step, e.step);
                calls.erase(std::next(it).base(), calls.end());
            }
        } else if (e.kind == EventKind::Call) {
            w.instant(kKernelTid, e.name, "call", e.step, {{"call", describe_event(e)}});
        } else if (is_instant(e.kind)) {
            w.instant(kKernelTid,
                      std::string(event_kind_name(e.kind)) + (e.name.empty() ? "" : ": " + e.name),
                      "event", e.step, {{"what", describe_event(e)}});
        }
    }
    // A call that never returned (the task died in it) ends with the syscall.
    for (const OpenCall& c : calls) w.slice(kKernelTid, c.name, "function", c.step, end);
    close_label(end);
}

}  // namespace

void write_chrome_trace(const Trace& trace, const std::string& title, std::ostream& out) {
    Writer w(out);
    w.event({{"ph", "M"}, {"name", "process_name"}, {"tid", 0}, {"args", {{"name", title}}}});
    w.event({{"ph", "M"},
             {"name", "thread_name"},
             {"tid", kKernelTid},
             {"args", {{"name", "kernel: syscalls, labels, C functions"}}}});
    w.event({{"ph", "M"},
             {"name", "thread_name"},
             {"tid", kUserTid},
             {"args", {{"name", "user mode"}}}});

    uint64_t user_from = 0;
    for (const SyscallRecord& sc : trace.syscalls) {
        uint64_t end = sc.return_step ? sc.return_step : trace.last_step();
        if (sc.entry_step > user_from)
            w.slice(kUserTid, "ring 3", "user", user_from, sc.entry_step);
        write_syscall(w, trace, sc, end);
        user_from = end;
    }
    if (trace.last_step() > user_from && user_from > 0)
        w.slice(kUserTid, "ring 3", "user", user_from, trace.last_step());
    w.instant(kKernelTid, std::string("outcome: ") + std::string(outcome_name(trace.outcome)),
              "outcome", trace.last_step(),
              {{"detail", trace.outcome_detail}, {"exit_code", trace.exit_code}});
}

}  // namespace slowpath
