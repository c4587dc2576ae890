// GuestImage::load: the real guest images, and every kind of bad file.
#include "slowpath/guest_image.h"

#include <gtest/gtest.h>
#include <slowpath/abi.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "slowpath/era_symbols.h"
#include "slowpath/session.h"

namespace slowpath {
namespace {

std::vector<char> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

// A scratch file, removed when the test ends.
class TempFile {
 public:
    explicit TempFile(const std::vector<char>& bytes) {
        char tmpl[] = "/tmp/slowpath-unit-XXXXXX";
        int fd = mkstemp(tmpl);
        if (fd < 0) throw std::runtime_error("mkstemp failed");
        path_ = tmpl;
        size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
            if (n <= 0) break;
            done += static_cast<size_t>(n);
        }
        close(fd);
    }
    ~TempFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

 private:
    std::string path_;
};

// The error names the file first and fits on one line.
void expect_load_error(const std::string& path) {
    try {
        GuestImage::load(path);
        ADD_FAILURE() << "loaded " << path;
    } catch (const LoadError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind(path, 0), 0u) << what;
        EXPECT_GT(what.size(), path.size() + 2) << "no reason given: " << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not a LoadError: " << e.what();
    }
}

const std::string kKernelV313 = "kernel-v3.13.elf";
const std::string kKernelRfc = "kernel-rfc.elf";
const std::string kDemo = "demo.elf";

std::vector<char> real_kernel() {
    auto bytes = read_all(guest_path(kKernelV313));
    if (bytes.size() < 64)
        throw std::runtime_error("guest image missing: " + guest_path(kKernelV313));
    return bytes;
}

TEST(GuestImageBadInput, MissingFile) {
    expect_load_error("/nonexistent/slowpath/kernel.elf");
}

TEST(GuestImageBadInput, Directory) {
    expect_load_error("/tmp");
}

TEST(GuestImageBadInput, EmptyFile) {
    TempFile f({});
    expect_load_error(f.path());
}

TEST(GuestImageBadInput, TextFile) {
    const std::string text = "this is not an ELF file\njust some text\n";
    TempFile f(std::vector<char>(text.begin(), text.end()));
    expect_load_error(f.path());
}

TEST(GuestImageBadInput, ElfMagicOnly) {
    TempFile f({0x7f, 'E', 'L', 'F'});
    expect_load_error(f.path());
}

TEST(GuestImageBadInput, TruncatedKernel) {
    const auto bytes = real_kernel();
    for (size_t keep : {size_t(16), size_t(63), size_t(64), size_t(200), size_t(4096),
                        bytes.size() / 2, bytes.size() - 1}) {
        if (keep >= bytes.size()) continue;
        TempFile f(std::vector<char>(bytes.begin(), bytes.begin() + static_cast<long>(keep)));
        SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(bytes.size()));
        // Cutting the tail may leave every loadable segment whole (the
        // section and symbol tables sit after them); then loading may work,
        // but it must never crash or half-load.
        try {
            GuestImage img = GuestImage::load(f.path());
            EXPECT_GE(keep, bytes.size() / 2) << "a header-sized stub loaded";
            EXPECT_FALSE(img.segments().empty());
        } catch (const LoadError& e) {
            const std::string what = e.what();
            EXPECT_EQ(what.rfind(f.path(), 0), 0u) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        }
    }
    // Too short for the program headers: always an error.
    TempFile stub(std::vector<char>(bytes.begin(), bytes.begin() + 64));
    expect_load_error(stub.path());
}

TEST(GuestImageBadInput, NotX86_64) {
    auto bytes = real_kernel();
    const uint16_t aarch64 = 183;  // EM_AARCH64, at e_machine (offset 18)
    std::memcpy(bytes.data() + 18, &aarch64, 2);
    TempFile f(bytes);
    expect_load_error(f.path());
}

TEST(GuestImageBadInput, I386Machine) {
    auto bytes = real_kernel();
    const uint16_t i386 = 3;  // EM_386
    std::memcpy(bytes.data() + 18, &i386, 2);
    TempFile f(bytes);
    expect_load_error(f.path());
}

TEST(GuestImageBadInput, ThirtyTwoBitClass) {
    auto bytes = real_kernel();
    bytes[4] = 1;  // EI_CLASS = ELFCLASS32: the rest no longer parses as intended
    TempFile f(bytes);
    expect_load_error(f.path());
}

TEST(GuestImageBadInput, BigEndianData) {
    auto bytes = real_kernel();
    bytes[5] = 2;  // EI_DATA = ELFDATA2MSB
    TempFile f(bytes);
    expect_load_error(f.path());
}

TEST(GuestImageBadInput, ProgramHeadersPointPastTheEnd) {
    auto bytes = real_kernel();
    const uint64_t far = 0x7fffffff00ull;  // e_phoff, offset 32
    std::memcpy(bytes.data() + 32, &far, 8);
    TempFile f(bytes);
    expect_load_error(f.path());
}

TEST(GuestImageBadInput, HostDynamicExecutable) {
    // A PIE, dynamically linked host program is no guest.
    for (const char* p : {"/bin/sh", "/bin/true", "/usr/bin/env"}) {
        if (access(p, R_OK) == 0) {
            expect_load_error(p);
            return;
        }
    }
    GTEST_SKIP() << "no readable host executable";
}

TEST(GuestImageBadInput, SessionWithBadUserProgramThrowsLoadError) {
    const std::string text = "#!/bin/sh\necho not a guest\n";
    TempFile f(std::vector<char>(text.begin(), text.end()));
    Scenario sc;
    sc.user_program = f.path();
    try {
        Session s(sc);
        ADD_FAILURE() << "a session started with a text file as its program";
    } catch (const LoadError& e) {
        EXPECT_EQ(std::string(e.what()).rfind(f.path(), 0), 0u) << e.what();
    }
}

// ---- hostile reproducers (tests/data/hostile/elf, made by make.py there) ------------

std::string hostile(const std::string& name) {
    return source_dir() + "/tests/data/hostile/elf/" + name;
}

TEST(GuestImageHostile, WellFormedReproducerLoads) {
    // The control: the same bytes with a sane program header load.
    const GuestImage img = GuestImage::load(hostile("prints-ff.elf"));
    ASSERT_EQ(img.segments().size(), 1u);
    EXPECT_EQ(img.segments()[0].vaddr, 0x400000u);
    EXPECT_EQ(img.segments()[0].bytes.size(), 156u);
    EXPECT_EQ(img.brk(), 0x401000u);
}

TEST(GuestImageHostile, SegmentOffsetThatWrapsIsRefused) {
    // p_offset + p_filesz wraps to 0x70: the copy would read before the file's buffer.
    expect_load_error(hostile("offset-wraps.elf"));
}

TEST(GuestImageHostile, SegmentSizeThatWrapsIsRefused) {
    // p_vaddr + p_memsz wraps to 0x1000: the break would start in the kernel's pages.
    expect_load_error(hostile("memsz-wraps.elf"));
}

TEST(GuestImageHostile, EveryWrappingOffsetAndSizeIsRefused) {
    auto bytes = read_all(hostile("prints-ff.elf"));
    ASSERT_EQ(bytes.size(), 156u);
    constexpr size_t kPhdr = 64, kOffset = kPhdr + 8, kVaddr = kPhdr + 16, kFilesz = kPhdr + 32,
                     kMemsz = kPhdr + 40;
    auto put = [](std::vector<char>& b, size_t at, uint64_t v) { std::memcpy(&b[at], &v, 8); };
    struct Case {
        size_t field;
        uint64_t value;
        size_t field2;
        uint64_t value2;
    };
    const Case cases[] = {
        {kOffset, ~uint64_t(0), kFilesz, 1},                 // offset + filesz = 0
        {kOffset, 157, kFilesz, 0},                          // offset past the end, nothing to copy
        {kFilesz, ~uint64_t(0) - 10, kMemsz, ~uint64_t(0)},  // a 2^64-byte copy
        {kVaddr, ~uint64_t(0) - 0xfff, kMemsz, 0x2000},      // vaddr + memsz wraps to 0x1000
        {kVaddr, SP_RAM_SIZE, kMemsz, 156},                  // starts at the end of RAM
        {kVaddr, 0x400000, kMemsz, SP_RAM_SIZE - 0x400000 + 1},  // one byte past RAM
    };
    for (const Case& c : cases) {
        auto b = bytes;
        put(b, c.field, c.value);
        put(b, c.field2, c.value2);
        SCOPED_TRACE("field " + std::to_string(c.field) + " = " + std::to_string(c.value));
        TempFile f(b);
        expect_load_error(f.path());
    }
    // The last byte of RAM is still RAM.
    auto b = bytes;
    put(b, kMemsz, SP_RAM_SIZE - 0x400000);
    TempFile f(b);
    EXPECT_EQ(GuestImage::load(f.path()).brk(), uint64_t(SP_RAM_SIZE));
}

TEST(GuestImageHostile, LoadBytesIsLoad) {
    const auto bytes = real_kernel();
    const GuestImage from_file = GuestImage::load(guest_path(kKernelV313));
    const GuestImage from_bytes = GuestImage::load_bytes(bytes.data(), bytes.size(), "kernel");
    EXPECT_EQ(from_bytes.path(), "kernel");
    EXPECT_EQ(from_bytes.entry(), from_file.entry());
    EXPECT_EQ(from_bytes.symbols().size(), from_file.symbols().size());
    EXPECT_EQ(from_bytes.lines().size(), from_file.lines().size());
    EXPECT_EQ(from_bytes.notes().size(), from_file.notes().size());
    ASSERT_EQ(from_bytes.segments().size(), from_file.segments().size());
    for (size_t i = 0; i < from_file.segments().size(); i++)
        EXPECT_EQ(from_bytes.segments()[i].bytes, from_file.segments()[i].bytes);
    try {
        GuestImage::load_bytes(
            "\x7f"
            "ELF",
            4, "four-bytes");
        ADD_FAILURE() << "four bytes loaded";
    } catch (const LoadError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("four-bytes: ", 0), 0u) << e.what();
    }
}

// Resident memory of this process, in bytes.
size_t resident_bytes() {
    std::ifstream in("/proc/self/statm");
    size_t pages = 0, resident = 0;
    in >> pages >> resident;
    return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// The engine's constructor throws after it opened Unicorn (arguments too
// long for the boot page): the Unicorn instance must be freed. (The sanitizer
// build's leak checker catches one lost instance; here, many would add up.)
TEST(GuestImageHostile, FailedEngineConstructionFreesUnicorn) {
#if defined(__SANITIZE_ADDRESS__)
    // ASan holds freed memory in quarantine, so resident memory grows anyway;
    // its leak checker reports a lost instance when the process exits.
    constexpr bool kMeasure = false;
#else
    constexpr bool kMeasure = true;
#endif
    Scenario sc;
    sc.user_program = guest_path(kDemo);
    sc.user_args = {std::string(64 * 1024, 'x')};
    auto attempt = [&] {
        try {
            Session s(sc);
            ADD_FAILURE() << "64 KiB of arguments fitted the boot page";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("too long"), std::string::npos) << e.what();
        }
    };
    attempt();  // warm up: libraries, caches
    const size_t before = resident_bytes();
    for (int i = 0; i < 40; i++) attempt();
    const size_t grown = resident_bytes() > before ? resident_bytes() - before : 0;
    if (kMeasure) {
        EXPECT_LT(grown, size_t(16) << 20) << "resident memory grew by " << (grown >> 20) << " MiB";
    }
}

// ---- the real images ---------------------------------------------------------------

void expect_common_kernel(const GuestImage& img) {
    EXPECT_NE(img.entry(), 0u);
    EXPECT_FALSE(img.segments().empty());
    EXPECT_FALSE(img.notes().empty()) << "the entry code is annotated";
    EXPECT_FALSE(img.lines().empty()) << "built with line tables";
    for (const char* sym : {"system_call", "schedule", "sp_state"})
        EXPECT_TRUE(img.symbol_addr(sym)) << sym << " missing";
    const auto sc = img.symbol_addr("system_call");
    ASSERT_TRUE(sc);
    ASSERT_NE(img.symbol_at(*sc), nullptr);
    EXPECT_EQ(img.symbol_at(*sc)->name, "system_call");
    EXPECT_EQ(img.describe(*sc), "system_call");
    EXPECT_EQ(img.describe(*sc + 1), "system_call+0x1");
    // Sorted by address, as promised.
    for (size_t i = 1; i < img.symbols().size(); i++)
        EXPECT_LE(img.symbols()[i - 1].addr, img.symbols()[i].addr);
    for (size_t i = 1; i < img.notes().size(); i++)
        EXPECT_LE(img.notes()[i - 1].addr, img.notes()[i].addr);
}

// Every label and function era_symbols.h gives an era is in its image, as
// the kind the table says; a name the table gives only to other eras is not.
void expect_era_symbols(const GuestImage& img, Era era) {
    auto entry = img.section_range(".entry.text");
    ASSERT_TRUE(entry);
    size_t mine = 0;
    for (const EraSymbol& s : kEraSymbols) {
        const std::string name(s.name);
        if (!(s.eras & era_bit(era))) {
            if (!era_symbol(era, s.name)) {
                EXPECT_FALSE(img.symbol_addr(name))
                    << name << " belongs to another era, not to " << era_info(era).name;
            }
            continue;
        }
        mine++;
        auto addr = img.symbol_addr(name);
        EXPECT_TRUE(addr) << name << " missing from " << era_info(era).kernel_image;
        if (!addr) continue;
        bool in_entry = *addr >= entry->first && *addr < entry->second;
        if (s.kind == EraSymbolKind::Label)
            EXPECT_TRUE(in_entry) << name << " should be a label of .entry.text";
        else
            EXPECT_TRUE(!in_entry && img.symbol_named(name)->is_function)
                << name << " should be a C function";
    }
    EXPECT_GT(mine, 15u);
}

TEST(GuestImageReal, KernelV313) {
    const GuestImage img = GuestImage::load(guest_path(kKernelV313));
    expect_common_kernel(img);
    expect_era_symbols(img, Era::V3_13);
    EXPECT_FALSE(img.symbol_addr("syscall_exit_slowpath"));
    EXPECT_FALSE(img.symbol_addr("sysret_using_iret"));
}

TEST(GuestImageReal, KernelRfc) {
    const GuestImage img = GuestImage::load(guest_path(kKernelRfc));
    expect_common_kernel(img);
    expect_era_symbols(img, Era::Rfc);
    // The RFC deletes these labels.
    for (const char* sym : {"sysret_signal", "sysret_audit", "int_check_syscall_exit_work"})
        EXPECT_FALSE(img.symbol_addr(sym)) << sym << " should be gone in the RFC";
}

TEST(GuestImageReal, KernelModern) {
    const GuestImage img = GuestImage::load(guest_path("kernel-modern.elf"));
    EXPECT_FALSE(img.notes().empty()) << "the entry code and C are annotated";
    expect_era_symbols(img, Era::Modern);
    // The SYSCALL entry is entry_SYSCALL_64; system_call is only its alias.
    auto entry = img.symbol_addr("entry_SYSCALL_64");
    ASSERT_TRUE(entry);
    EXPECT_EQ(img.symbol_addr("system_call"), entry);
    EXPECT_EQ(img.describe(*entry), "entry_SYSCALL_64");
    // The v3.13 name traps.c uses is an absolute alias the host ignores.
    EXPECT_FALSE(img.symbol_addr("irq_return"));
    // Six SYSRET checks, each a note in do_syscall_64.
    const Symbol* fn = img.symbol_named("do_syscall_64");
    ASSERT_NE(fn, nullptr);
    std::vector<uint32_t> checks;
    for (const Note& n : img.notes())
        if (n.kind == SP_NOTE_SYSRET_CHECK && n.addr >= fn->addr && n.addr < fn->addr + fn->size)
            checks.push_back(n.arg);
    EXPECT_EQ(checks, (std::vector<uint32_t>{1, 2, 3, 4, 5, 6}));
}

TEST(GuestImageReal, Demo) {
    const GuestImage img = GuestImage::load(guest_path(kDemo));
    EXPECT_NE(img.entry(), 0u);
    EXPECT_FALSE(img.segments().empty());
    EXPECT_TRUE(img.symbol_addr("focus_syscall"));
    EXPECT_GE(img.segments().front().vaddr, 0x400000u) << "user code lives in user pages";
}

}  // namespace
}  // namespace slowpath
