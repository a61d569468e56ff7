#include "policy/library.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/safe_io.h"

namespace confine::policy {
namespace {

constexpr size_t kMaxPolicyFile = 1 << 20;

// The administrator's flags are read by `confine install`, as root: a file
// or directory there that someone else may write would let them add rules
// to any app that names the flag.
void check_admin_owned(const struct stat& st, const std::string& path) {
  if (st.st_uid != 0 && st.st_uid != ::geteuid())
    throw ConfineError(path + ": owned by uid " + std::to_string(st.st_uid) +
                       ", not by root or the caller");
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    throw ConfineError(path + ": writable by group or others (chmod go-w)");
}

std::string read_policy_file(const std::string& path, bool administrator) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) throw ConfineError("cannot open " + path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw ConfineError("cannot stat " + path, errno);
  if (!S_ISREG(st.st_mode)) throw ConfineError(path + ": not a regular file");
  if (administrator) check_admin_owned(st, path);
  Result<std::string> text = read_fd(fd.get(), kMaxPolicyFile);
  if (!text) throw ConfineError(text.error().context("cannot read " + path));
  return std::move(text).value();
}

// "*.json" entries of `dir`, sorted. ENOENT gives an empty list when
// `missing_ok`.
std::vector<std::string> json_files(const std::string& dir, bool missing_ok, bool administrator) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT && missing_ok) return out;
    throw ConfineError("cannot open policy directory " + dir, errno);
  }
  if (administrator) {
    struct stat st {};
    if (::fstat(::dirfd(d), &st) != 0) {
      int e = errno;
      ::closedir(d);
      throw ConfineError("cannot stat " + dir, e);
    }
    try {
      check_admin_owned(st, dir);
    } catch (...) {
      ::closedir(d);
      throw;
    }
  }
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 5 && n.ends_with(".json") && n.front() != '.') out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

PolicyLibrary PolicyLibrary::load(const std::string& templates_dir, const std::string& flags_dir) {
  std::vector<PolicyItem> items;
  const std::pair<const char*, PolicyKind> kDirs[] = {{"templates", PolicyKind::Template},
                                                      {"groups", PolicyKind::Group},
                                                      {"flags", PolicyKind::Flag}};
  auto load_dir = [&](const std::string& dir, PolicyKind kind, bool admin) {
    for (const auto& f : json_files(dir, admin, admin)) {
      const std::string path = dir + "/" + f;
      items.push_back(parse_policy_item(read_policy_file(path, admin), path, kind,
                                        f.substr(0, f.size() - 5), admin));
    }
  };
  for (const auto& [sub, kind] : kDirs) load_dir(templates_dir + "/" + sub, kind, false);
  if (!flags_dir.empty()) load_dir(flags_dir, PolicyKind::Flag, true);
  return from_items(std::move(items));
}

PolicyLibrary PolicyLibrary::from_items(std::vector<PolicyItem> items) {
  PolicyLibrary lib;
  // Shipped items first, so that an administrator's flag that reuses a
  // shipped name is reported against the administrator's file.
  std::stable_partition(items.begin(), items.end(),
                        [](const PolicyItem& i) { return !i.administrator; });
  for (auto& i : items) lib.add(std::move(i));
  lib.check_references();
  return lib;
}

void PolicyLibrary::add(PolicyItem item) {
  auto& map = item.kind == PolicyKind::Template ? templates_
              : item.kind == PolicyKind::Group  ? groups_
                                                : flags_;
  if (item.administrator) {
    // Caps may name a group or a flag: an administrator's flag may not
    // change what a shipped name means.
    for (const auto* m : {&groups_, &flags_})
      if (auto it = m->find(item.name); it != m->end())
        throw ConfineError(item.file + ": flag \"" + item.name + "\" shadows the shipped " +
                           std::string(to_string(it->second.kind)) + " " + it->second.file +
                           " (choose another name)");
  }
  if (auto it = map.find(item.name); it != map.end())
    throw ConfineError(item.file + ": " + std::string(to_string(item.kind)) + " \"" + item.name +
                       "\" is already defined by " + it->second.file);
  map.emplace(item.name, std::move(item));
}

void PolicyLibrary::check_references() const {
  // Every reference names a known flag of the section's category.
  for (const auto* m : {&templates_, &groups_, &flags_})
    for (const auto& [name, item] : *m)
      for (const auto& ref : item.flags) {
        auto it = flags_.find(ref.name);
        if (it == flags_.end())
          throw ConfineError(item.file + ": " + ref.field + ": unknown flag \"" + ref.name + "\"");
        if (!ref.category.empty() && it->second.category != ref.category)
          throw ConfineError(item.file + ": " + ref.field + ": \"" + ref.name + "\" is a " +
                             it->second.category + " flag, not a " + ref.category +
                             " flag (list it under " + it->second.category + " or include)");
      }

  // Include cycles: depth-first search over flags; a flag met again while it
  // is on the stack closes a cycle.
  enum class Mark { None, Active, Done };
  std::map<std::string, Mark> mark;
  std::vector<std::string> stack;
  auto visit = [&](auto&& self, const PolicyItem& f) -> void {
    mark[f.name] = Mark::Active;
    stack.push_back(f.name);
    for (const auto& ref : f.flags) {
      Mark m = mark[ref.name];
      if (m == Mark::Active) {
        std::string chain;
        auto start = std::find(stack.begin(), stack.end(), ref.name);
        for (auto it = start; it != stack.end(); ++it) chain += *it + " -> ";
        throw ConfineError(f.file + ": " + ref.field + ": include cycle: " + chain + ref.name);
      }
      if (m == Mark::None) self(self, flags_.at(ref.name));
    }
    stack.pop_back();
    mark[f.name] = Mark::Done;
  };
  for (const auto& [name, f] : flags_)
    if (mark[name] == Mark::None) visit(visit, f);
}

const PolicyItem* PolicyLibrary::find(PolicyKind kind, const std::string& name) const {
  const auto& map = kind == PolicyKind::Template ? templates_
                    : kind == PolicyKind::Group  ? groups_
                                                 : flags_;
  auto it = map.find(name);
  return it == map.end() ? nullptr : &it->second;
}

std::vector<const PolicyItem*> PolicyLibrary::items(PolicyKind kind) const {
  const auto& map = kind == PolicyKind::Template ? templates_
                    : kind == PolicyKind::Group  ? groups_
                                                 : flags_;
  std::vector<const PolicyItem*> out;
  out.reserve(map.size());
  for (const auto& [name, item] : map) out.push_back(&item);
  return out;  // std::map: sorted by name
}

void PolicyLibrary::expand_into(const PolicyItem& item, Policy& out,
                                std::vector<std::string>& seen) const {
  out.merge(item.rules);
  for (const auto& ref : item.flags) {
    if (std::find(seen.begin(), seen.end(), ref.name) != seen.end()) continue;
    seen.push_back(ref.name);
    expand_into(flags_.at(ref.name), out, seen);
  }
}

Policy PolicyLibrary::expand(const PolicyItem& item) const {
  Policy out;
  std::vector<std::string> seen;
  if (item.kind == PolicyKind::Flag) seen.push_back(item.name);
  expand_into(item, out, seen);
  return out;
}

}  // namespace confine::policy
