#pragma once
// config_file::error: an invalid configuration, as one line per problem in the form of SPEC §2:
//   config.yaml:14:5: clusters[1].instance_no: required
// The file is named as the caller gave it; line and column are 1-based. Messages never
// contain a secret value (webhook URLs are shown by origin only, secret files by path).
#include <stdexcept>
#include <string>
#include <vector>

namespace sesmon::config_file {

// One problem. line == 0 means "no position" (e.g. the file cannot be read); an empty
// path means the problem is not about one key.
struct issue {
    int line = 0;
    int column = 0;
    std::string path;  // key path: "clusters[1].instance_no"
    std::string message;

    friend bool operator==(const issue&, const issue&) = default;
};

class error : public std::runtime_error {
  public:
    // `issues` must not be empty. what() is every issue formatted, joined by '\n'.
    error(std::string file, std::vector<issue> issues);

    const std::string& file() const { return file_; }
    const std::vector<issue>& issues() const { return issues_; }
    // The formatted lines, one per issue, in the order found.
    std::vector<std::string> lines() const;

    static std::string format(const std::string& file, const issue& problem);

  private:
    std::string file_;
    std::vector<issue> issues_;
};

}  // namespace sesmon::config_file
