#include <gtest/gtest.h>

#include <cstdio>

#include "slowpath/session.h"
#include "slowpath/trace.h"

namespace slowpath {
namespace {

TEST(ControlsProbe, Sysret) {
    for (uint64_t v : {0x800000000000ull, 0x7ffffffff000ull}) {
        Scenario s;
        s.era = Era::V3_13;
        Session session(s);
        session.seek(*session.focus_entry_step());
        session.run_to_decision();
        std::printf("at %s\n", session.where().c_str());
        session.edit_now("rcx", v);
        const Trace& t = session.trace();
        std::printf("== sysret rcx=%llx: %s\n", (unsigned long long)v, t.outcome_detail.c_str());
        for (size_t i = t.first_event_at_or_after(session.step()); i < t.events.size(); i++) {
            const Event& e = t.events[i];
            if (e.kind == EventKind::Sysret || e.kind == EventKind::Fault ||
                e.kind == EventKind::Exit || e.kind == EventKind::Edit)
                std::printf("   %llu %s\n", (unsigned long long)e.step, describe_event(e).c_str());
        }
    }
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern})
        for (auto a : {SignalAction::Handler, SignalAction::Ignore, SignalAction::Block})
            for (long nr : {39L, 62L}) {
                Scenario s;
                s.era = era;
                s.syscall_nr = nr;
                s.signal_action = a;
                if (nr == 39) s.injections.push_back(parse_injection("SIGPENDING@exit"));
                Session session(s);
                const Trace& t = session.trace();
                std::printf("== %s %s %ld: %s\n", std::string(era_info(era).name).c_str(),
                            std::string(signal_action_name(a)).c_str(), nr,
                            t.outcome_detail.c_str());
                for (const auto& r : t.syscalls) {
                    std::printf("   %s %s", r.name.c_str(), std::string(exit_kind_name(r.exit)).c_str());
                    for (const auto& k : r.tif_checks) std::printf(" [%s %x]", k.where.c_str(), k.flags);
                    std::printf("\n");
                }
                std::printf("%s", t.console.c_str());
                auto ks = session.kernel_state();
                (void)ks;
            }
}

TEST(ControlsProbe, Print) {
    const char* cases[][2] = {{"rax=0x1234", ""},
                              {"rcx=0x800000000000", ""},
                              {"r11=0x10202", ""},
                              {"rip=0x800000000000", ""},
                              {"rip=0x800000000000", "rcx=0x800000000000"},
                              {"rip=0x7ffffffff000", "rcx=0x7ffffffff000"},
                              {"rsp=0x10000000", ""},
                              {"eflags=0x202", ""},
                              {"eflags=0x10202", "r11=0x10202"},
                              {"eflags=0x202", "r11=0x202"},
                              {"cs=0x33", ""},
                              {"cs=0x2b", ""},
                              {"cs=0x23", ""},
                              {"ss=0x2b", ""},
                              {"ss=0x33", ""}};
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern})
        for (auto& c : cases) {
            Scenario s;
            s.era = era;
            for (auto* t : c)
                if (*t) s.tampers.push_back(parse_tamper(t));
            Session session(s);
            const Trace& t = session.trace();
            std::printf("== %s %s %s: %s %s\n", std::string(era_info(era).name).c_str(), c[0],
                        c[1], std::string(outcome_name(t.outcome)).c_str(),
                        t.outcome_detail.c_str());
            const SyscallRecord& r = t.syscalls[t.focus];
            std::printf("   exit %s ret %lld\n", std::string(exit_kind_name(r.exit)).c_str(),
                        (long long)r.ret);
            for (size_t i = r.first_event; i < t.events.size(); i++) {
                const Event& e = t.events[i];
                if (e.kind == EventKind::Decision || e.kind == EventKind::Sysret ||
                    e.kind == EventKind::Iret || e.kind == EventKind::Fault ||
                    (e.kind == EventKind::SysretCheck && !e.a[3]) ||
                    e.kind == EventKind::SignalDelivered || e.kind == EventKind::Exit)
                    std::printf("   %llu %s\n", (unsigned long long)e.step,
                                describe_event(e).c_str());
            }
        }
}

}  // namespace
}  // namespace slowpath
