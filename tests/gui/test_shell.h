// What the GUI tests share for starting the app from a shell command line.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace slowpath::gui_test {

// `s` as one shell word, whatever it holds.
inline std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The running test's full name, usable in a file name.
inline std::string test_name() {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char& c : name)
        if (c == '/') c = '_';
    return name;
}

}  // namespace slowpath::gui_test
