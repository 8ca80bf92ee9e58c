#pragma once
// read_fixture: the content of tests/fixtures/<name> (e.g. "seed_response.json", the seed's
// example getRollingUpgradeProgress response, verbatim). Header-only because it uses
// SESMON_SOURCE_DIR, which sesmon_add_test defines for test binaries only. Throws
// std::runtime_error when the file cannot be read.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace sesmon::test {

inline std::string read_fixture(const std::string& name) {
    const std::string path = std::string(SESMON_SOURCE_DIR) + "/tests/fixtures/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read fixture " + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace sesmon::test
