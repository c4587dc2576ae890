#include "slowpath/name.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace slowpath {

namespace {

// The names live in fixed chunks that never move, so a name is read with
// no lock while another thread interns a new one: only interning locks.
constexpr unsigned kChunkBits = 12;
constexpr uint32_t kChunkSize = uint32_t(1) << kChunkBits, kChunkMask = kChunkSize - 1;
constexpr uint32_t kChunks = 1u << 16;  // room for 2^28 names

struct Table {
    std::mutex mutex;
    std::unordered_map<std::string_view, uint32_t> ids;  // views of the strings in the chunks
    std::atomic<std::string*> chunks[kChunks] = {};
    uint32_t count = 1;  // id 0 is the empty string
    size_t heap = 0;     // what the strings beyond their small buffers hold
};

// Never destroyed: a Name in a static object may be read at exit.
Table& table() {
    static Table* t = new Table;
    return *t;
}

// Most names come from the same few strings again and again (a symbol's
// name, a literal): a per-thread cache by where the text lives skips the
// lock and the hash. A hit is checked against the text itself, so a buffer
// reused for another text only misses.
struct CacheEntry {
    const char* data = nullptr;
    uint32_t id = 0;
};
constexpr size_t kCacheSize = 1024;
thread_local CacheEntry cache[kCacheSize];

}  // namespace

uint32_t Name::intern(std::string_view text) {
    if (text.empty()) return 0;
    CacheEntry& hit = cache[(reinterpret_cast<uintptr_t>(text.data()) >> 3) % kCacheSize];
    if (hit.data == text.data()) {
        const std::string& known = lookup(hit.id);
        if (known.size() == text.size() && std::memcmp(known.data(), text.data(), text.size()) == 0)
            return hit.id;
    }
    const uint32_t id = intern_locked(text);
    hit = {text.data(), id};
    return id;
}

uint32_t Name::intern_locked(std::string_view text) {
    Table& t = table();
    std::lock_guard<std::mutex> lock(t.mutex);
    auto it = t.ids.find(text);
    if (it != t.ids.end()) return it->second;
    const uint32_t id = t.count;
    std::string* chunk = t.chunks[id >> kChunkBits].load(std::memory_order_relaxed);
    if (!chunk) {
        chunk = new std::string[kChunkSize];
        t.chunks[id >> kChunkBits].store(chunk, std::memory_order_release);
    }
    std::string& slot = chunk[id & kChunkMask];
    slot.assign(text.data(), text.size());
    if (slot.capacity() > 15) t.heap += slot.capacity() + 1;
    t.ids.emplace(std::string_view(slot), id);
    t.count++;
    return id;
}

const std::string& Name::lookup(uint32_t id) {
    static const std::string empty;
    if (id == 0) return empty;
    return table().chunks[id >> kChunkBits].load(std::memory_order_acquire)[id & kChunkMask];
}

size_t Name::table_bytes() {
    Table& t = table();
    std::lock_guard<std::mutex> lock(t.mutex);
    const size_t chunks = (t.count + kChunkMask) >> kChunkBits;
    return chunks * kChunkSize * sizeof(std::string) + t.heap +
           t.ids.bucket_count() * sizeof(void*) + t.ids.size() * 48;
}

}  // namespace slowpath
