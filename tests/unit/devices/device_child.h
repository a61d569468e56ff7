// Runs part of a test in a forked child (device cgroups and capability drops
// change the process for good) and collects what it reports.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace confine::testing {

struct ChildReport {
  int status = -1;                           // exit status, or 128+signal
  std::string text;                          // everything the child reported
  std::map<std::string, std::string> facts;  // its "key=value" lines
};

// Forks; the child calls body(fd) (report lines with report()) and exits 0
// unless body exits itself.
ChildReport in_child(const std::function<void(int fd)>& body);
void report(int fd, const std::string& key, const std::string& value);
// "OK" when open(path, flags) succeeds, else the errno name ("EPERM").
std::string try_open(const std::string& path, int flags);

}  // namespace confine::testing
