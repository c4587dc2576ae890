// libFuzzer harness: GuestImage::load_bytes on arbitrary bytes. Any ELF the
// loader accepts must fit the guest's RAM; everything else must be a LoadError.
#include <slowpath/abi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "slowpath/guest_image.h"

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_elf: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace slowpath;
    try {
        GuestImage img = GuestImage::load_bytes(data, size, "fuzz.elf");
        require(!img.segments().empty(), "loaded without segments");
        for (const Segment& s : img.segments()) {
            require(s.vaddr >= SP_KERNEL_BASE && s.vaddr < SP_RAM_SIZE, "segment outside RAM");
            require(s.memsz <= SP_RAM_SIZE - s.vaddr, "segment runs past RAM");
            require(s.bytes.size() <= s.memsz, "more file bytes than memory");
            require(s.bytes.size() <= size, "more file bytes than the file has");
        }
        require(img.brk() <= SP_RAM_SIZE && img.brk() >= SP_KERNEL_BASE, "brk outside RAM");
        // The lookups the app makes on every step.
        for (uint64_t a : {img.entry(), img.brk(), uint64_t(0), ~uint64_t(0)}) {
            (void)img.describe(a);
            (void)img.line_for(a);
            (void)img.symbol_containing(a);
        }
        for (const Symbol& s : img.symbols()) (void)img.symbol_named(s.name);
        (void)img.source_files();
    } catch (const LoadError&) {
    }
    return 0;
}
