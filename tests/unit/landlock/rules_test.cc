// Landlock rules: what the policy's globs become (never less than the
// policy grants), and the artifact the launcher trusts.
#include "landlock/rules.h"

#include <linux/landlock.h>

#include "landlock/compute.h"
#include "policy/glob.h"
#include "test_support.h"

namespace confine::landlock {
namespace {

policy::Policy files(std::vector<std::pair<std::string, std::string>> rules) {
  policy::Policy p;
  for (auto& [path, access] : rules) p.allow.files.push_back({path, access, false, ""});
  return p;
}

std::string rights_of(const std::vector<Rule>& rules, const std::string& path) {
  for (const auto& r : rules)
    if (r.path == path) return r.rights;
  return "(none)";
}

TEST(LandlockCompute, GlobsBecomeTheDirectoryBeforeTheFirstWildcard) {
  auto r = compute_rules(files({{"/usr/lib/**", "mr"},
                                {"/dev/pts/[0-9]*", "rwk"},
                                {"/etc/hosts", "r"},
                                {"/usr/share/{,**}", "r"},
                                {"@{CONFINE_APP_DATA_PATH}/{,**}", "rwk"},
                                {"@{CONFINE_APP_PATH}/**", "mrix"},
                                {"/proc/@{pid}/stat", "r"},
                                {"/usr/lib/{,@{multiarch}/}gconv/**", "mr"}}));
  EXPECT_EQ(rights_of(r, "/usr/lib/"), "rx");  // m maps to execute (libraries)
  // Terminals by name are never granted: Landlock leaves inherited fds
  // alone, and a rule would open every other session's pty.
  EXPECT_EQ(rights_of(r, "/dev/pts/"), "(none)");
  EXPECT_EQ(rights_of(r, "/dev/"), "(none)");
  EXPECT_EQ(rights_of(r, "/etc/hosts"), "r");
  EXPECT_EQ(rights_of(r, "/usr/share/"), "lr");  // the dir itself and beneath
  EXPECT_EQ(rights_of(r, "@{CONFINE_APP_DATA_PATH}/"), "lrw");
  EXPECT_EQ(rights_of(r, "@{CONFINE_APP_PATH}/"), "rx");
  // @{pid} is any process in AppArmor (the app's children too): a wildcard.
  EXPECT_EQ(rights_of(r, "/proc/"), "r");
  // Granted by "/usr/lib/" already: left out, one open less per launch.
  EXPECT_EQ(rights_of(r, "/usr/lib/gconv/"), "(none)");
  // @{multiarch} is not substituted at launch: cut there, at "/usr/lib/".
  EXPECT_EQ(
      rights_of(compute_rules(files({{"/usr/lib/{,@{multiarch}/}gconv/**", "mr"}})), "/usr/lib/"),
      "rx");
  EXPECT_EQ(rights_of(r, "/"), "(none)");  // nothing was widened to the root
}

// The home group's "@{HOME}/[^.]**": cut at the bracket it would grant all
// of HOME, dotfiles (~/.ssh) included. It becomes a per-entry rule that
// confine-run expands at launch, and HOME itself is only listed.
TEST(LandlockCompute, NonDotEntriesAreNotWidenedToTheDirectory) {
  policy::Policy p;
  p.apparmor_raw = {"owner @{HOME}/ r,", "owner @{HOME}/[^.]** r,"};
  auto r = compute_rules(p);
  EXPECT_EQ(rights_of(r, "@{HOME}/[^.]*"), "r");
  EXPECT_EQ(rights_of(r, "@{HOME}/"), "l");
  EXPECT_EQ(r.size(), 2u);
  // Not a pattern we can expand exactly: still cut (and never less).
  EXPECT_EQ(rights_of(compute_rules(files({{"/srv/[^.]*/x", "r"}})), "/srv/"), "r");
}

TEST(LandlockCompute, BracesExpandBeforeCutting) {
  // Cutting at the '{' would grant "/" beneath: /etc/shadow readable.
  auto r = compute_rules(files({{"/{usr/,}lib{,32,64}/**", "mr"}}));
  ASSERT_EQ(r.size(), 6u);
  for (const char* p : {"/lib/", "/lib32/", "/lib64/", "/usr/lib/", "/usr/lib32/", "/usr/lib64/"})
    EXPECT_EQ(rights_of(r, p), "rx") << p;
}

TEST(LandlockCompute, LiteralDirectoryIsListedOnlyAndDeniesStayOut) {
  policy::Policy p = files({{"/", "r"}, {"/srv/", "w"}});
  p.deny.files.push_back({"/etc/**", "r", false, ""});
  p.apparmor_raw = {"owner @{PROC}/@{pid}/{,**} r,", "deny /x r,", "dbus send,"};
  auto r = compute_rules(p);
  EXPECT_EQ(rights_of(r, "/"), "l");
  EXPECT_EQ(rights_of(r, "/srv/"), "(none)");  // 'w' on a dir path grants nothing beneath
  EXPECT_EQ(rights_of(r, "/etc/"), "(none)");
  EXPECT_EQ(rights_of(r, "@{PROC}/"), "r");  // plain raw file rules count
  EXPECT_EQ(rights_of(r, "/x"), "(none)");
}

TEST(LandlockCompute, AccessLettersMapToRights) {
  auto r =
      compute_rules(files({{"/a", "a"}, {"/b", "ix"}, {"/c", "px"}, {"/d", "k"}, {"/e", "m"}}));
  EXPECT_EQ(rights_of(r, "/a"), "w");  // append is a write
  EXPECT_EQ(rights_of(r, "/b"), "x");
  EXPECT_EQ(rights_of(r, "/c"), "x");
  EXPECT_EQ(rights_of(r, "/d"), "(none)");  // lock: no Landlock right
  EXPECT_EQ(rights_of(r, "/e"), "x");       // mmap PROT_EXEC: over-approximated by execute
}

// Where the app may write, a map rule grants no execute: the data dirs'
// "mr" next to their "rwk" would otherwise let the app execve what it wrote
// (Landlock does not check mmap, so nothing mapped is lost).
TEST(LandlockCompute, MapGrantsNoExecuteWhereTheAppWrites) {
  auto r = compute_rules(files({{"/data/**", "mr"},
                                {"/data/{,**}", "rwk"},
                                {"/tmp/app/{,**}", "rwk"},
                                {"/tmp/app/lib/**", "mr"},
                                {"/usr/lib/**", "mr"},
                                {"/opt/tool/**", "mrix"},
                                {"/opt/tool/{,**}", "rw"}}));
  EXPECT_EQ(rights_of(r, "/data/"), "lrw");  // "{,**}": the directory itself is listed too
  EXPECT_EQ(rights_of(r, "/tmp/app/"), "lrw");
  EXPECT_EQ(rights_of(r, "/tmp/app/lib/"), "(none)");  // beneath a writable dir: r is covered
  EXPECT_EQ(rights_of(r, "/usr/lib/"), "rx");           // ld.so is opened for execute
  EXPECT_EQ(rights_of(r, "/opt/tool/"), "lrwx");        // an explicit ix stays the policy's

  // A writable directory below a map-only one: the execute right would
  // hold in it too (Landlock rights cover the subtree), so the map-only
  // directory gets none.
  r = compute_rules(files({{"/srv/**", "mr"}, {"/srv/app/data/{,**}", "rwk"}}));
  EXPECT_EQ(rights_of(r, "/srv/"), "r");
  EXPECT_EQ(rights_of(r, "/srv/app/data/"), "lrw");
  // The same with the paths written without their trailing slash (a
  // literal directory, whose rights hold below it too).
  r = compute_rules(files({{"/srv", "mr"}, {"/srv/app/data/{,**}", "rwk"}}));
  EXPECT_EQ(rights_of(r, "/srv"), "r");
  r = compute_rules(files({{"/srv/data/lib/**", "mr"}, {"/srv/data", "rw"}}));
  EXPECT_EQ(rights_of(r, "/srv/data/lib/").find('x'), std::string::npos);
  EXPECT_NE(rights_of(r, "/srv/data").find('w'), std::string::npos);
  EXPECT_EQ(rights_of(r, "/srv/data").find('x'), std::string::npos);
}

// The direction that matters: every path a glob matches is at or beneath a
// computed rule whose rights include the glob's (globs from the shipped
// templates, matched by AppArmor's own matcher). The one exception is
// /dev/pts (see GlobsBecomeTheDirectoryBeforeTheFirstWildcard).
TEST(LandlockCompute, NeverGrantsLessThanThePolicy) {
  const std::vector<std::pair<std::string, std::string>> globs = {
      {"/{usr/,}lib{,32,64}/**", "mr"},     {"/dev/tty", "rw"},
      {"/etc/ld.so.conf.d/{,*}", "r"},      {"/usr/lib/{,@{multiarch}/}gconv/**", "mr"},
      {"/proc/[0-9]*/{cmdline,stat}", "r"}, {"@{CONFINE_APP_TMPDIR}/{,**}", "rw"},
      {"/dev/video[0-9]*", "rw"},           {"/{usr/,}{bin,sbin}/*", "ix"}};
  const std::vector<std::string> paths = {"/usr/lib/x86_64-linux-gnu/libc.so.6",
                                          "/lib64/ld-linux-x86-64.so.2",
                                          "/dev/tty",
                                          "/etc/ld.so.conf.d/x.conf",
                                          "/etc/ld.so.conf.d/",
                                          "/usr/lib/x86_64-linux-gnu/gconv/a.so",
                                          "/proc/42/stat",
                                          "@{CONFINE_APP_TMPDIR}/",
                                          "@{CONFINE_APP_TMPDIR}/a/b",
                                          "/dev/video0",
                                          "/usr/bin/ls",
                                          "/sbin/ip"};
  policy::Policy p;
  for (const auto& [g, a] : globs) p.allow.files.push_back({g, a, false, ""});
  const auto rules = compute_rules(p);
  for (const auto& [g, a] : globs)
    for (const auto& path : paths) {
      if (!policy::glob_matches(g, path)) continue;
      const char need = a.find('w') != std::string::npos   ? 'w'
                        : a.find('x') != std::string::npos ? 'x'
                                                           : 'r';
      bool covered = false;
      for (const auto& r : rules) {
        const bool beneath = r.path.ends_with("/") ? path.starts_with(r.path) : path == r.path;
        const bool dir_itself = path == r.path && path.ends_with("/");
        covered =
            covered ||
            (beneath && (r.rights.find(need) != std::string::npos ||
                         (dir_itself && need == 'r' && r.rights.find('l') != std::string::npos)));
      }
      EXPECT_TRUE(covered) << g << " matches " << path << " but no rule grants '" << need << "'";
    }
}

TEST(LandlockRules, RoundTripAndStrictParsing) {
  std::vector<Rule> rules = {{"lr", "/usr/share/"}, {"rwx", "@{CONFINE_APP_DATA_PATH}/"}};
  auto back = parse(serialize(rules), "f");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, rules);
  struct Case {
    std::string text, error;
  } bad[] = {
      {"", "f:1: not a confine-landlock 1 file"},
      {"confine-landlock 2\n", "f:1: not a confine-landlock 1 file"},
      {"confine-landlock 1\nr\n", "f:2: expected \"RIGHTS PATH\""},
      {"confine-landlock 1\nrz /x\n", "f:2: bad rights \"rz\""},
      {"confine-landlock 1\nwr /x\n", "f:2: bad rights \"wr\""},
      {"confine-landlock 1\nr x/y\n", "f:2: path not absolute"},
      {"confine-landlock 1\nr @{EVIL}/y\n", "f:2: path not absolute"},
      {"confine-landlock 1\nr @{pid}/y\n", "f:2: path not absolute"},
      {"confine-landlock 1\nr /a/../etc\n", "f:2: \"..\" in the path"},
      {"confine-landlock 1\nr /a\x01\n", "f:2: control character in the path"},
  };
  for (const auto& c : bad) {
    auto r = parse(c.text, "f");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().message, c.error);
  }
}

TEST(LandlockRules, AccessBitsRespectTheAbiAndFiles) {
  const uint64_t abi1 = handled_for_abi(1);
  EXPECT_EQ(abi1 & LANDLOCK_ACCESS_FS_REFER, 0u);
  EXPECT_NE(handled_for_abi(2) & LANDLOCK_ACCESS_FS_REFER, 0u);
  EXPECT_EQ(handled_for_abi(0), 0u);
  const uint64_t dir = access_bits("rw", true, handled_for_abi(5));
  EXPECT_NE(dir & LANDLOCK_ACCESS_FS_MAKE_REG, 0u);
  EXPECT_EQ(dir & LANDLOCK_ACCESS_FS_MAKE_CHAR, 0u);  // never device nodes
  EXPECT_EQ(dir & LANDLOCK_ACCESS_FS_EXECUTE, 0u);
  const uint64_t file = access_bits("rw", false, handled_for_abi(5));
  EXPECT_EQ(file & LANDLOCK_ACCESS_FS_MAKE_REG, 0u);  // the kernel refuses dir rights on files
  EXPECT_NE(file & LANDLOCK_ACCESS_FS_WRITE_FILE, 0u);
  EXPECT_EQ(access_bits("l", true, abi1), uint64_t{LANDLOCK_ACCESS_FS_READ_DIR});
}

}  // namespace
}  // namespace confine::landlock
