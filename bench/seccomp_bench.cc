// bench/seccomp: what our seccomp filter costs per syscall (see README.md).
//
// Measures, in one run, the cost of
//   - a cheap allowed syscall, getppid(), and
//   - a cheap syscall the policy filters by argument,
// with no filter, with the default template's compiled filter (binary tree,
// as installed), and with the same rules compiled as libseccomp's linear
// filter (no SCMP_FLTATR_CTL_OPTIMIZE), plus a one-instruction "return
// ALLOW" filter as the floor (what having any filter costs). Every
// measurement runs in a fresh forked child (a filter cannot be removed) and
// counts the child's own CPU time (CLOCK_THREAD_CPUTIME_ID), so time spent
// preempted by other work on a shared machine does not count. Each round
// measures every configuration back to back; the ratio to the no-filter run
// of the same round is taken per round, and the median over rounds is shown.
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "policy/library.h"
#include "seccomp/compile.h"
#include "seccomp/launch_step.h"

namespace {

using confine::seccomp::FilterImage;

struct Options {
  std::string templates_dir = CONFINE_SOURCE_DIR "/policy-templates";
  std::string template_name = "default";
  std::vector<std::string> groups;
  long iterations = 300000;
  int rounds = 21;
};

// A syscall to time: `call` makes one call; it must succeed under the filter.
struct Probe {
  std::string label;
  std::string syscall;  // policy name, to check it is argument-filtered
  std::function<long()> call;
};

double now_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// In a forked child: load `filter` (if any), check one call succeeds, then
// time `iterations` calls. Returns ns per call, or a negative value on error.
double measure(const FilterImage* filter, const Probe& probe, long iterations) {
  int p[2];
  if (pipe(p) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    double result = -2;
    if (!filter || confine::seccomp::load_filter(*filter, true).ok()) {
      result = -3;
      if (probe.call() >= 0) {
        for (long i = 0; i < iterations / 10; ++i) probe.call();  // warm up
        double t0 = now_ns();
        for (long i = 0; i < iterations; ++i) probe.call();
        result = (now_ns() - t0) / static_cast<double>(iterations);
      }
    }
    (void)!write(p[1], &result, sizeof result);
    _exit(0);
  }
  close(p[1]);
  double result = -4;
  if (read(p[0], &result, sizeof result) != sizeof result) result = -4;
  close(p[0]);
  waitpid(pid, nullptr, 0);
  return result;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

bool filters_arguments(const confine::policy::Policy& p, const std::string& name) {
  for (const auto* list : {&p.allow.syscalls, &p.deny.syscalls})
    for (const auto& r : *list)
      if (r.name == name && !r.conditions.empty()) return true;
  return false;
}

int usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--templates DIR] [--template NAME] [--group NAME]... "
               "[--iterations N] [--rounds N]\n",
               argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return usage(argv[0]);
    std::string v = argv[++i];
    if (a == "--templates")
      opt.templates_dir = v;
    else if (a == "--template")
      opt.template_name = v;
    else if (a == "--group")
      opt.groups.push_back(v);
    else if (a == "--iterations")
      opt.iterations = std::atol(v.c_str());
    else if (a == "--rounds")
      opt.rounds = std::atoi(v.c_str());
    else
      return usage(argv[0]);
  }
  if (opt.iterations <= 0 || opt.rounds <= 0) return usage(argv[0]);

  using namespace confine;
  policy::Policy pol;
  FilterImage tree, linear;
  try {
    auto lib = policy::PolicyLibrary::load(opt.templates_dir, "/nonexistent");
    const auto* t = lib.find(policy::PolicyKind::Template, opt.template_name);
    if (!t) throw ConfineError("no template " + opt.template_name + " in " + opt.templates_dir);
    pol = lib.expand(*t);
    for (const auto& g : opt.groups) {
      const auto* item = lib.find(policy::PolicyKind::Group, g);
      if (!item) throw ConfineError("no group " + g);
      pol.merge(lib.expand(*item));
    }
    pol = pol.effective();
    tree = seccomp::compile_policy(pol).image;
    linear = seccomp::compile_policy(pol, {.binary_tree = false}).image;
  } catch (const ConfineError& e) {
    std::fprintf(stderr, "bench/seccomp: %s\n", e.what());
    return 1;
  }
  if (!seccomp::kernel_supports_filters().ok()) {
    std::fprintf(stderr, "bench/seccomp: this kernel cannot load seccomp filters\n");
    return 1;
  }

  // The argument-filtered probe: the first of these cheap calls that the
  // policy filters by argument (and allows with these arguments).
  static int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return 1;
  std::vector<Probe> candidates = {
      {"personality(0xffffffff)", "personality",
       [] { return syscall(SYS_personality, 0xffffffffUL); }},
      {"ioctl(pipe, FIONREAD)", "ioctl",
       [] {
         int n;
         return syscall(SYS_ioctl, pipe_fds[0], FIONREAD, &n);
       }},
      {"fcntl(pipe, F_GETFD)", "fcntl", [] { return syscall(SYS_fcntl, pipe_fds[0], F_GETFD); }},
  };
  std::vector<Probe> probes = {{"getppid()", "getppid", [] { return syscall(SYS_getppid); }}};
  for (const auto& c : candidates)
    if (filters_arguments(pol, c.syscall)) {
      probes.push_back(c);
      break;
    }
  if (probes.size() < 2)
    std::fprintf(stderr,
                 "bench/seccomp: note: the policy filters none of personality, ioctl, "
                 "fcntl by argument; measuring getppid only\n");

  const FilterImage allow_all{{BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)}, {}, 0, {}};
  struct Variant {
    const char* name;
    const FilterImage* filter;
  } configs[] = {{"no filter", nullptr},
                 {"return-ALLOW", &allow_all},
                 {"default (tree)", &tree},
                 {"linear", &linear}};

  std::printf("seccomp cost per syscall: template %s%s, %ld iterations x %d rounds, median\n",
              opt.template_name.c_str(), opt.groups.empty() ? "" : " + groups", opt.iterations,
              opt.rounds);
  std::printf("programs: tree %zu+%zu instructions, linear %zu+%zu (allow+deny)\n",
              tree.allow.size(), tree.deny.size(), linear.allow.size(), linear.deny.size());
  bool all_pass = true;
  for (size_t pi = 0; pi < probes.size(); ++pi) {
    const Probe& probe = probes[pi];
    std::vector<std::vector<double>> ns(std::size(configs)), ratio(std::size(configs));
    for (int r = 0; r < opt.rounds; ++r) {
      double base = 0;
      for (size_t c = 0; c < std::size(configs); ++c) {
        double t = measure(configs[c].filter, probe, opt.iterations);
        if (t <= 0) {
          std::fprintf(stderr, "bench/seccomp: %s under %s failed (%g)\n", probe.label.c_str(),
                       configs[c].name, t);
          return 1;
        }
        if (c == 0) base = t;
        ns[c].push_back(t);
        ratio[c].push_back(t / base);
      }
    }
    const double target = pi == 0 ? 1.1 : 2.0;
    std::printf("\n%s%s\n", probe.label.c_str(), pi == 0 ? " (allowed)" : " (argument-filtered)");
    // "vs floor": against the return-ALLOW filter of the same round, i.e.
    // what our rules add on top of the kernel's cost of having any filter.
    for (size_t c = 0; c < std::size(configs); ++c) {
      double m = median(ratio[c]);
      std::vector<double> vs_floor;
      for (int r = 0; r < opt.rounds; ++r) vs_floor.push_back(ratio[c][r] / ratio[1][r]);
      std::printf("  %-16s %8.1f ns  %5.2fx  (%4.2fx vs floor)", configs[c].name, median(ns[c]), m,
                  median(vs_floor));
      if (configs[c].filter == &tree) {
        bool pass = m <= target;
        all_pass = all_pass && pass;
        std::printf("  target <= %.1fx  %s", target, pass ? "PASS" : "MISS");
      }
      std::printf("\n");
    }
  }
  return all_pass ? 0 : 3;
}
