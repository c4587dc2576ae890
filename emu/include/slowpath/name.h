// Interned names: the labels, function names, flag lists and reasons a
// recording repeats at every system call, each kept once for the whole
// process and referred to by a 4-byte handle. A Name reads as the string it
// names (it converts to const std::string& and compares with strings), so
// code that held a std::string reads the same.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace slowpath {

class Name {
 public:
    Name() = default;  // the empty string
    Name(std::string_view text) : id_(intern(text)) {}
    Name(const std::string& text) : id_(intern(text)) {}
    Name(const char* text) : id_(intern(text)) {}

    const std::string& str() const { return lookup(id_); }
    operator const std::string&() const { return str(); }
    operator std::string_view() const { return str(); }
    const char* c_str() const { return str().c_str(); }
    bool empty() const { return id_ == 0; }
    size_t size() const { return str().size(); }
    uint32_t id() const { return id_; }  // 0 for the empty string
    static Name from_id(uint32_t id) {
        Name n;
        n.id_ = id;
        return n;
    }

    // The common string reads, for code that treats a name as a string.
    size_t find(std::string_view s, size_t pos = 0) const { return str().find(s, pos); }
    size_t find(char c, size_t pos = 0) const { return str().find(c, pos); }
    size_t rfind(std::string_view s, size_t pos = std::string::npos) const {
        return str().rfind(s, pos);
    }
    std::string substr(size_t pos, size_t n = std::string::npos) const {
        return str().substr(pos, n);
    }
    char operator[](size_t i) const { return str()[i]; }

    friend bool operator==(Name a, Name b) { return a.id_ == b.id_; }
    friend bool operator!=(Name a, Name b) { return a.id_ != b.id_; }
    friend bool operator==(Name a, std::string_view b) { return a.str() == b; }
    friend bool operator!=(Name a, std::string_view b) { return a.str() != b; }
    friend bool operator==(std::string_view a, Name b) { return a == b.str(); }
    friend bool operator!=(std::string_view a, Name b) { return a != b.str(); }
    friend bool operator==(Name a, const std::string& b) { return a.str() == b; }
    friend bool operator!=(Name a, const std::string& b) { return a.str() != b; }
    friend bool operator==(const std::string& a, Name b) { return a == b.str(); }
    friend bool operator!=(const std::string& a, Name b) { return a != b.str(); }
    friend bool operator==(Name a, const char* b) { return a.str() == b; }
    friend bool operator!=(Name a, const char* b) { return a.str() != b; }
    friend bool operator==(const char* a, Name b) { return b.str() == a; }
    friend bool operator!=(const char* a, Name b) { return b.str() != a; }
    // By text, so sorted names read alphabetically.
    friend bool operator<(Name a, Name b) { return a.str() < b.str(); }

    friend std::string operator+(Name a, const std::string& b) { return a.str() + b; }
    friend std::string operator+(const std::string& a, Name b) { return a + b.str(); }
    friend std::string operator+(Name a, const char* b) { return a.str() + b; }
    friend std::string operator+(const char* a, Name b) { return a + b.str(); }
    friend std::string operator+(Name a, char b) { return a.str() + b; }
    friend std::ostream& operator<<(std::ostream& out, Name n) { return out << n.str(); }

    // Heap the table of every name interned so far holds (shared by all recordings).
    static size_t table_bytes();

 private:
    static uint32_t intern(std::string_view text);
    static uint32_t intern_locked(std::string_view text);
    static const std::string& lookup(uint32_t id);
    uint32_t id_ = 0;
};

inline std::string& operator+=(std::string& a, Name b) {
    return a += b.str();
}

// A name in JSON (nlohmann::json finds this by argument-dependent lookup) is its string.
template <typename Json>
void to_json(Json& j, Name n) {
    j = n.str();
}

}  // namespace slowpath

template <>
struct std::hash<slowpath::Name> {
    size_t operator()(slowpath::Name n) const noexcept { return n.id(); }
};
