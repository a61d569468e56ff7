// File-tree operations of the install path: copying an untrusted package into
// apps_dir, carrying app data across an upgrade, comparing and removing trees,
// swapping the `current` symlink. All walks go through directory fds with
// O_NOFOLLOW, so a symlink in a tree is never followed by root.
#pragma once

#include <string>

namespace confine::install {

// Copies the package at `src` into `dst`, which must not exist (created 0700,
// given the source's sanitized mode once complete). Refuses device nodes,
// fifos and sockets, absolute symlinks and symlinks that resolve outside the
// tree or nowhere; strips setuid/setgid/sticky and group/other write bits;
// the copy is owned by root (by the caller when not run as root). Holes in
// sparse files stay holes. A tree whose files add up to more than `max_size`
// bytes (apparent sizes, holes included) or that holds more than
// kMaxPackageEntries names is refused as soon as the copy gets there. Throws
// ConfineError naming the offending source path; `dst` may then hold a partial
// copy, which the caller removes.
constexpr size_t kMaxPackageEntries = 200000;
void copy_package_tree(const std::string& src, const std::string& dst,
                       unsigned long long max_size);

// Copies an app's data dir for a new version: owners and permission bits are
// kept (minus setuid/setgid), symlinks are copied as links and never
// followed; sockets, fifos and device nodes are skipped (a daemon recreates
// its sockets). `dst` must not exist.
void copy_data_tree(const std::string& src, const std::string& dst);

// True when both trees hold the same names, file types, permission bits,
// file contents and symlink targets (owners and times are not compared).
bool trees_equal(const std::string& a, const std::string& b);

// Removes `path` recursively without following symlinks. ENOENT is fine.
// Returns false (and leaves what it could not remove) on other errors.
bool remove_tree(const std::string& path) noexcept;

// Makes `link` a symlink to `target` atomically: a new link beside it, then
// rename(2) over the old one, so readers see the old or the new target.
void replace_symlink(const std::string& target, const std::string& link);

}  // namespace confine::install
