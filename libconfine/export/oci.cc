#include "export/oci.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <seccomp.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>

#include "apparmor/label.h"
#include "apparmor/profile.h"
#include "core/error.h"
#include "core/layout.h"
#include "core/launch_record.h"
#include "core/safe_io.h"
#include "devices/assignments.h"
#include "devices/rules.h"
#include "launch/environment.h"
#include "policy/resolve.h"
#include "seccomp/compile.h"
#include "seccomp/file.h"

namespace confine::exporter {
namespace {

using nlohmann::json;
using policy::ArgCondition;
using policy::SyscallRule;

// The syscalls i386 can also reach through a multiplexer (socketcall(2),
// ipc(2)) whose real arguments are in memory seccomp cannot read.
const std::set<std::string> kSocketcall = {
    "socket",   "bind",     "connect",  "listen",     "accept",     "getsockname", "getpeername",
    "socketpair", "send",   "recv",     "sendto",     "recvfrom",   "shutdown",    "setsockopt",
    "getsockopt", "sendmsg", "recvmsg", "accept4",    "recvmmsg",   "sendmmsg"};
const std::set<std::string> kIpc = {"semop",  "semget", "semctl", "semtimedop", "msgsnd", "msgrcv",
                                    "msgget", "msgctl", "shmat",  "shmdt",      "shmget", "shmctl"};

const char* op_name(ArgCondition::Op op) {
  using Op = ArgCondition::Op;
  switch (op) {
    case Op::Eq:
      return "SCMP_CMP_EQ";
    case Op::Ne:
      return "SCMP_CMP_NE";
    case Op::Lt:
      return "SCMP_CMP_LT";
    case Op::Le:
      return "SCMP_CMP_LE";
    case Op::Gt:
      return "SCMP_CMP_GT";
    case Op::Ge:
      return "SCMP_CMP_GE";
    case Op::MaskedEq:
      return "SCMP_CMP_MASKED_EQ";
  }
  return "SCMP_CMP_EQ";
}

// One OCI argument comparison. A deny compares only the low 32 bits of an
// int-sized value, as confine's compiler does (seccomp/compile.h).
json arg_json(const ArgCondition& c, bool for_deny) {
  uint64_t value = c.value, mask = c.mask;
  ArgCondition::Op op = c.op;
  if (for_deny && op == ArgCondition::Op::Eq && value <= 0xffffffffULL) {
    op = ArgCondition::Op::MaskedEq;
    mask = 0xffffffffULL;
  } else if (for_deny && op == ArgCondition::Op::MaskedEq && value <= 0xffffffffULL) {
    mask &= 0xffffffffULL;
  }
  // OCI: for SCMP_CMP_MASKED_EQ, `value` is the mask and `valueTwo` the datum.
  if (op == ArgCondition::Op::MaskedEq)
    return {{"index", c.index}, {"value", mask}, {"valueTwo", value}, {"op", op_name(op)}};
  return {{"index", c.index}, {"value", value}, {"valueTwo", 0}, {"op", op_name(op)}};
}

json rule_json(const std::string& name, const std::vector<ArgCondition>& conds, int errno_ret,
               bool for_deny) {
  json e = {{"names", {name}}};
  if (errno_ret == 0) {
    e["action"] = "SCMP_ACT_ALLOW";
  } else {
    e["action"] = "SCMP_ACT_ERRNO";
    e["errnoRet"] = errno_ret;
  }
  if (!conds.empty()) {
    e["args"] = json::array();
    for (const auto& c : conds) e["args"].push_back(arg_json(c, for_deny));
  }
  return e;
}

const char* arch_name(uint32_t token) {
  switch (token) {
    case AUDIT_ARCH_X86_64:
      return "SCMP_ARCH_X86_64";
    case AUDIT_ARCH_I386:
      return "SCMP_ARCH_X86";
    case AUDIT_ARCH_AARCH64:
      return "SCMP_ARCH_AARCH64";
    case AUDIT_ARCH_ARM:
      return "SCMP_ARCH_ARM";
  }
  throw ConfineError("export: no OCI name for architecture token " + std::to_string(token));
}

// What the compiled filter does with one syscall, from the effective policy.
struct SyscallPlan {
  std::vector<const SyscallRule*> allows;
  std::vector<const SyscallRule*> cond_denies;
  bool full_deny = false;
  bool unconditional_allow() const {
    return std::any_of(allows.begin(), allows.end(),
                       [](const SyscallRule* r) { return r->conditions.empty(); });
  }
};

bool known(const std::string& name) {
  return seccomp_syscall_resolve_name(name.c_str()) != __NR_SCMP_ERROR;
}

// Every syscall name libseccomp knows on the native architecture whose
// denial the compiler answers with ENOSYS (seccomp::denial_errno).
std::vector<std::string> probed_syscalls() {
  std::vector<std::string> out;
  for (int nr = 0; nr < 1024; ++nr) {
    char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (!name) continue;
    if (seccomp::denial_errno(name, EPERM) == ENOSYS) out.emplace_back(name);
    free(name);
  }
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A DNS-1123 label from an APP_ID or app name ("hello.example_cli_1.0" ->
// "hello-example-cli-1-0").
std::string k8s_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    out += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  while (!out.empty() && out.front() == '-') out.erase(0, 1);
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "app" : out;
}

json device_json(const devices::DeviceRule& r) {
  json d = {{"allow", true}, {"type", std::string(1, r.type)}};
  if (r.major != devices::kAny) d["major"] = r.major;
  if (r.minor != devices::kAny) d["minor"] = r.minor;
  d["access"] = devices::format_access(r.access);
  return d;
}


// Runs the classic BPF program `prog` on `data` the way the kernel's seccomp
// does and returns its action. Throws for an instruction libseccomp does not
// emit, so a change in what the compiler generates cannot go unnoticed.
uint32_t run_bpf(const std::vector<sock_filter>& prog, const seccomp_data& data) {
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  const auto* bytes = reinterpret_cast<const unsigned char*>(&data);
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& f = prog[pc];
    const uint32_t src = BPF_SRC(f.code) == BPF_X ? x : f.k;
    switch (BPF_CLASS(f.code)) {
      case BPF_LD:
        if (f.code == (BPF_LD | BPF_W | BPF_ABS) && f.k + 4 <= sizeof data && f.k % 4 == 0)
          std::memcpy(&a, bytes + f.k, 4);
        else if (f.code == (BPF_LD | BPF_IMM))
          a = f.k;
        else if (f.code == (BPF_LD | BPF_MEM) && f.k < BPF_MEMWORDS)
          a = mem[f.k];
        else
          throw ConfineError("export: unexpected BPF load in the compiled filter");
        break;
      case BPF_LDX:
        if (f.code == (BPF_LDX | BPF_IMM))
          x = f.k;
        else if (f.code == (BPF_LDX | BPF_MEM) && f.k < BPF_MEMWORDS)
          x = mem[f.k];
        else
          throw ConfineError("export: unexpected BPF load in the compiled filter");
        break;
      case BPF_ST:
      case BPF_STX:
        if (f.k >= BPF_MEMWORDS) throw ConfineError("export: BPF store out of range");
        mem[f.k] = BPF_CLASS(f.code) == BPF_ST ? a : x;
        break;
      case BPF_ALU:
        switch (BPF_OP(f.code)) {
          case BPF_AND: a &= src; break;
          case BPF_OR: a |= src; break;
          case BPF_ADD: a += src; break;
          case BPF_SUB: a -= src; break;
          case BPF_LSH: a = src < 32 ? a << src : 0; break;
          case BPF_RSH: a = src < 32 ? a >> src : 0; break;
          default: throw ConfineError("export: unexpected BPF operation in the compiled filter");
        }
        break;
      case BPF_JMP: {
        bool t = false;
        switch (BPF_OP(f.code)) {
          case BPF_JA: pc += f.k; continue;
          case BPF_JEQ: t = a == src; break;
          case BPF_JGT: t = a > src; break;
          case BPF_JGE: t = a >= src; break;
          case BPF_JSET: t = (a & src) != 0; break;
          default: throw ConfineError("export: unexpected BPF jump in the compiled filter");
        }
        pc += t ? f.jt : f.jf;
        break;
      }
      case BPF_RET:
        return BPF_RVAL(f.code) == BPF_A ? a : f.k;
      case BPF_MISC:
        if (BPF_MISCOP(f.code) == BPF_TAX) x = a; else a = x;
        break;
    }
  }
  throw ConfineError("export: the compiled filter runs off its end");
}

// The syscalls the compiled root program (stacked by confine-run for a uid-0
// app, seccomp/compile.h) refuses, with their errno, read from the program
// itself so that the export follows whatever the compiler puts there.
// A syscall it answers differently for different arguments is returned with
// errno -1.
std::map<std::string, int> root_denials(const seccomp::FilterImage& image) {
  std::map<std::string, int> out;
  if (image.root.empty()) return out;
  for (int nr = 0; nr < 1024; ++nr) {
    char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (!name) continue;
    std::string n = name;
    free(name);
    uint32_t ret[2];
    for (int v = 0; v < 2; ++v) {
      seccomp_data d{};
      d.nr = nr;
      d.arch = seccomp::host_arch_tokens()[0];
      for (auto& arg : d.args) arg = v ? ~0ULL : 0;
      ret[v] = run_bpf(image.root, d);
    }
    if ((ret[0] & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW && ret[0] == ret[1]) continue;
    const bool errno_both = (ret[0] & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO && ret[0] == ret[1];
    out[n] = errno_both ? static_cast<int>(ret[0] & SECCOMP_RET_DATA) : -1;
  }
  return out;
}

}  // namespace

bool parse_format(const std::string& text, Format& out) {
  if (text == "oci-seccomp")
    out = Format::OciSeccomp;
  else if (text == "oci-config")
    out = Format::OciConfig;
  else if (text == "kubernetes")
    out = Format::Kubernetes;
  else
    return false;
  return true;
}

json seccomp_profile(const policy::Policy& input, std::vector<std::string>& notes) {
  // The compiler validates the policy exactly as `confine install` did and
  // says which rules it compiled differently per architecture.
  seccomp::CompiledFilter compiled = seccomp::compile_policy(input);
  for (const auto& n : compiled.notes) notes.push_back("seccomp: confine's own filter: " + n);

  // The export runs the app as root, so it carries confine's root program too.
  const std::map<std::string, int> root = root_denials(compiled.image);
  if (!root.empty())
    notes.push_back("seccomp: the export is for uid 0, so it includes what confine-run adds for "
                    "a root-run app (" + std::to_string(root.size()) +
                    " metadata syscalls such as chmod and chown: EPERM); under another uid "
                    "confine allows those the policy allows");

  const policy::Policy p = input.effective();
  std::map<std::string, SyscallPlan> plan;
  for (const auto& r : p.deny.syscalls) {
    if (!known(r.name)) continue;  // optional and unknown to libseccomp: skipped by the compiler
    if (r.conditions.empty()) plan[r.name].full_deny = true;
  }
  for (const auto& r : p.deny.syscalls)
    if (known(r.name) && !r.conditions.empty() && !plan[r.name].full_deny)
      plan[r.name].cond_denies.push_back(&r);
  for (const auto& r : p.allow.syscalls)
    if (known(r.name) && !plan[r.name].full_deny) plan[r.name].allows.push_back(&r);

  json syscalls = json::array();
  std::vector<std::string> allowed, eacces, enosys;
  std::vector<json> conditional;
  bool need_socketcall = false, need_ipc = false;
  for (const auto& [name, s] : plan) {
    if (s.full_deny) {
      (seccomp::denial_errno(name, EACCES) == ENOSYS ? enosys : eacces).push_back(name);
      continue;
    }
    if (s.allows.empty()) continue;  // conditional denies only: the default EPERM answers first
    // Allowed, but the root program refuses it: the stacked answer is the
    // deny program's (EACCES) where a conditional deny matches, else the
    // root program's errno.
    if (auto it = root.find(name); it != root.end()) {
      if (it->second < 0 ||
          (!s.unconditional_allow() && (!s.cond_denies.empty() || it->second != EPERM))) {
        notes.push_back("seccomp: " + name +
                        ": confine's root program over an argument-filtered rule cannot be "
                        "expressed in one OCI filter; not allowed in the export");
        continue;
      }
      const int err = seccomp::denial_errno(name, EACCES);
      for (const auto* r : s.cond_denies)
        conditional.push_back(rule_json(name, r->conditions, err, true));
      if (it->second == EPERM) continue;  // the default answers everything else
      if (s.cond_denies.empty()) {
        conditional.push_back(rule_json(name, {}, it->second, false));
        continue;
      }
      ArgCondition always;
      always.op = ArgCondition::Op::Ge;
      conditional.push_back(rule_json(name, {always}, it->second, false));
      continue;
    }
    const bool muxed = kSocketcall.contains(name) || kIpc.contains(name);
    const bool filtered = !s.unconditional_allow() || !s.cond_denies.empty();
    if (muxed && filtered) (kSocketcall.contains(name) ? need_socketcall : need_ipc) = true;
    if (s.cond_denies.empty()) {
      if (!filtered) {
        allowed.push_back(name);
        continue;
      }
      for (const auto* r : s.allows) conditional.push_back(rule_json(name, r->conditions, 0, false));
      continue;
    }
    if (!s.unconditional_allow()) {
      // deny-wins over an argument-filtered allow needs the negation of the
      // deny's conditions, which one libseccomp filter cannot order safely.
      notes.push_back("seccomp: " + name +
                      ": an argument-filtered allow together with an argument-filtered deny "
                      "cannot be expressed in one OCI filter; not allowed in the export");
      continue;
    }
    // confine stacks a deny program over the allow program, so a
    // conditional deny wins over the allow. One OCI filter gets the same
    // result from libseccomp's tree: the deny comparisons come first (it
    // orders nodes by argument, then operator), and an allow whose only
    // comparison is always true (a0 >= 0) sorts after every one of them
    // and catches whatever no deny matched. A plain unconditional allow
    // would make libseccomp drop the conditional rules.
    const int err = seccomp::denial_errno(name, EACCES);
    for (const auto* r : s.cond_denies) conditional.push_back(rule_json(name, r->conditions, err, true));
    ArgCondition always;
    always.index = 0;
    always.op = ArgCondition::Op::Ge;
    always.value = 0;
    conditional.push_back(rule_json(name, {always}, 0, false));
  }
  // Syscalls libc and runtimes probe: ENOSYS unless the policy allows them.
  for (const auto& name : probed_syscalls()) {
    auto it = plan.find(name);
    if (it == plan.end() || (it->second.allows.empty() && !it->second.full_deny))
      enosys.push_back(name);
  }
  std::sort(enosys.begin(), enosys.end());
  enosys.erase(std::unique(enosys.begin(), enosys.end()), enosys.end());

  // i386 multiplexers first: libseccomp turns an argument-filtered socket or
  // ipc rule into an unfiltered socketcall/ipc rule on i386 when it is added
  // the way runtimes add rules; confine's compiler does not allow the call
  // there at all. An unconditional entry added first wins over those.
  for (const auto& [needed, mux] :
       {std::pair<bool, const char*>{need_socketcall, "socketcall"}, {need_ipc, "ipc"}}) {
    if (!needed) continue;
    syscalls.push_back({{"names", {mux}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", EACCES}});
    notes.push_back(std::string("seccomp: i386 ") + mux +
                    "(2) is denied with EACCES in the export (confine answers EPERM, or allows "
                    "the calls its policy allows without conditions); argument-filtered calls are "
                    "filtered on i386's direct syscalls, which confine denies");
  }
  if (!allowed.empty())
    syscalls.push_back({{"names", allowed}, {"action", "SCMP_ACT_ALLOW"}});
  for (auto& e : conditional) syscalls.push_back(std::move(e));
  if (!eacces.empty())
    syscalls.push_back({{"names", eacces}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", EACCES}});
  if (!enosys.empty())
    syscalls.push_back({{"names", enosys}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", ENOSYS}});

  json archs = json::array();
  for (uint32_t t : seccomp::host_arch_tokens()) archs.push_back(arch_name(t));
  if (seccomp::host_arch_tokens()[0] == AUDIT_ARCH_X86_64)
    notes.push_back(
        "seccomp: the x32 ABI: confine answers EPERM; an OCI runtime's filter kills the "
        "caller (libseccomp's bad-architecture action, which OCI has no field for)");
  notes.push_back(
      "seccomp: runc answers ENOSYS, not EPERM, for syscalls newer than its libseccomp knows "
      "(its -ENOSYS stub; 451 and up with libseccomp 2.5.4)");
  return {{"defaultAction", "SCMP_ACT_ERRNO"},
          {"defaultErrnoRet", EPERM},
          {"architectures", archs},
          {"syscalls", syscalls}};
}

Exported export_app(const Config& config, const AppId& id, Format format) {
  const policy::InstalledApp installed = policy::resolve_installed_app(config, id);
  const policy::Policy& pol = installed.resolved.policy;
  const Layout layout(config);
  Exported out;
  auto& notes = out.notes;

  json profile = seccomp_profile(pol, notes);
  if (format == Format::OciSeccomp) {
    out.files["seccomp.json"] = profile.dump(2) + "\n";
    return out;
  }

  // What confine-run gives the app when root starts it (the container's user).
  const std::string install_dir = layout.install_dir(id.key, id.version);
  const struct passwd* pw = ::getpwuid(0);
  const std::string home = pw && pw->pw_dir ? pw->pw_dir : "/root";
  launch::AppEnvironmentInput env_in{id,
                                     install_dir,
                                     layout.data_dir(id.key, id.version),
                                     Layout::user_data_dir(home, id.key, id.version),
                                     layout.tmp_dir(id, 0),
                                     install_dir};
  std::vector<std::string> env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  for (auto& v : launch::app_environment(env_in, nullptr)) env.push_back(std::move(v));
  notes.push_back(
      "process.env: confine-run passes the caller's environment through (minus LD_* and the "
      "like); the export has PATH and the CONFINE_* variables of a launch by root");
  notes.push_back("mounts: the app runs from " + install_dir +
                  " and writes its data and tmp dirs; bind-mount them into the container");

  std::string exec;
  if (auto text = read_trusted(layout.launch_record(id), size_t{64} * 1024)) {
    auto rec = LaunchRecord::parse(*text, layout.launch_record(id));
    if (!rec) throw ConfineError(rec.error().describe());
    exec = rec->exec;
  } else {
    exec = installed.app.exec;
  }

  std::vector<std::string> caps;
  for (const auto& c : pol.allow.capabilities) caps.push_back("CAP_" + upper(c));
  if (!caps.empty())
    notes.push_back("process.capabilities: granted as confine-run grants them to root; "
                    "confine gives other users none");

  // The device cgroup confine-run sets up: default rules, the devices the
  // policy grants, the package's hw-assign assignments.
  std::vector<devices::DeviceRule> dev_rules = devices::default_rules();
  for (const auto& d : pol.allow.devices) {
    devices::DeviceRule r;
    r.type = d.type;
    r.major = d.major;
    r.minor = d.minor;
    r.access = value_or_throw(devices::parse_access(d.access));
    dev_rules.push_back(r);
  }
  const auto assignments = devices::read_assignments(layout, id.key);
  for (const auto& a : assignments) dev_rules.push_back(a.rule);
  json devs = json::array({{{"allow", false}, {"access", "rwm"}}});
  for (const auto& r : dev_rules) devs.push_back(device_json(r));

  if (!pol.allow.files.empty() || !pol.deny.files.empty())
    notes.push_back("filesystem: " + std::to_string(pol.allow.files.size() + pol.deny.files.size()) +
                    " file rules are enforced by the AppArmor profile " + id.str() +
                    " (which the runtime names but does not load) or by Landlock, which OCI has "
                    "no field for: Landlock rules are not exported");
  if (!pol.allow.network.empty())
    notes.push_back("network: AppArmor network rules are part of the AppArmor profile only");

  const std::string profile_name = apparmor::profile_name(id, config);
  json process = {
      {"terminal", false},
      {"user", {{"uid", 0}, {"gid", 0}}},
      {"args", {install_dir + "/" + exec}},
      {"env", env},
      {"cwd", install_dir},
      {"capabilities",
       {{"bounding", caps},
        {"effective", caps},
        {"inheritable", json::array()},
        {"permitted", caps},
        {"ambient", json::array()}}},
      {"noNewPrivileges", true},
      {"apparmorProfile", profile_name},
  };
  if (format == Format::OciConfig) {
    json config_json = {{"ociVersion", "1.0.2"},
                        {"process", process},
                        {"linux", {{"seccomp", profile}, {"resources", {{"devices", devs}}}}}};
    out.files["config.json"] = config_json.dump(2) + "\n";
    return out;
  }

  // Kubernetes: the profile files a node needs and a Pod and a Deployment
  // that name them.
  const std::string seccomp_rel = "confine/" + id.str() + ".json";
  std::vector<apparmor::AssignedDevice> assigned;
  for (const auto& a : assignments)
    for (const auto& n : a.nodes) assigned.push_back({n, devices::format_access(a.rule.access)});
  const std::string apparmor_text =
      installed.resolved.raw_apparmor.empty()
          ? apparmor::emit_profile(id, pol, config, assigned)
          : apparmor::raw_profile_with_variables(id, installed.resolved.raw_apparmor, config);
  json k8s_env = json::array();
  for (const auto& v : env) {
    auto eq = v.find('=');
    k8s_env.push_back({{"name", v.substr(0, eq)}, {"value", v.substr(eq + 1)}});
  }
  json sc = {{"allowPrivilegeEscalation", false},
             {"capabilities", {{"drop", {"ALL"}}}},
             {"seccompProfile", {{"type", "Localhost"}, {"localhostProfile", seccomp_rel}}},
             {"appArmorProfile", {{"type", "Localhost"}, {"localhostProfile", profile_name}}}};
  if (!caps.empty()) {
    json add = json::array();
    for (const auto& c : caps) add.push_back(c.substr(4));
    sc["capabilities"]["add"] = add;
  }
  const std::string name = k8s_name(id.str());
  json container = {{"name", k8s_name(id.app)},
                    {"image", "IMAGE"},
                    {"command", {install_dir + "/" + exec}},
                    {"workingDir", install_dir},
                    {"env", k8s_env},
                    {"securityContext", sc}};
  json pod_spec = {
      {"securityContext",
       {{"seccompProfile", {{"type", "Localhost"}, {"localhostProfile", seccomp_rel}}},
        {"appArmorProfile", {{"type", "Localhost"}, {"localhostProfile", profile_name}}}}},
      {"containers", {container}}};
  json labels = {{"app.kubernetes.io/name", name}};
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"labels", labels}}},
              {"spec", pod_spec}};
  json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", name}, {"labels", labels}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", labels}}},
        {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod_spec}}}}}};
  notes.push_back("devices: Kubernetes has no per-pod device rules; the device cgroup "
                  "(linux.resources.devices) is in the oci-config format only");
  out.files["pod.json"] = pod.dump(2) + "\n";
  out.files["deployment.json"] = deployment.dump(2) + "\n";
  out.files["seccomp/" + seccomp_rel] = profile.dump(2) + "\n";
  out.files["apparmor/" + id.str()] = apparmor_text;
  out.files["README.md"] =
      "# " + id.str() + " on Kubernetes\n\n"
      "Made by `confine export " + id.str() + " --format kubernetes`.\n\n"
      "| file | what |\n| --- | --- |\n"
      "| `pod.json`, `deployment.json` | a Pod and a Deployment whose securityContext names the "
      "profiles below (replace `IMAGE`; `kubectl apply -f` takes JSON) |\n"
      "| `seccomp/" + seccomp_rel + "` | the seccomp profile (OCI JSON), resolved by the kubelet "
      "as `localhostProfile: " + seccomp_rel + "` under its seccomp dir, "
      "`/var/lib/kubelet/seccomp` |\n"
      "| `apparmor/" + id.str() + "` | the AppArmor profile `" + profile_name + "` |\n\n"
      "Every node that may run the pod needs both profiles before the pod starts:\n\n"
      "```sh\n"
      "install -D -m 0644 seccomp/" + seccomp_rel + " /var/lib/kubelet/seccomp/" + seccomp_rel + "\n"
      "apparmor_parser -r apparmor/" + id.str() + "\n"
      "```\n\n"
      "To distribute them, run those two commands from a DaemonSet that mounts "
      "`/var/lib/kubelet/seccomp` and the AppArmor filesystem, or feed the same files to the "
      "security-profiles-operator (its SeccompProfile spec takes the fields of the seccomp file; "
      "its AppArmorProfile takes the profile text). confine produces and tests the Pod and "
      "Deployment JSON (validated against the Kubernetes API schema) and the seccomp profile "
      "(run by runc against confine's own filter); it does not produce the operator's "
      "custom resources.\n\n"
      "The app's files must be in the image at `" + install_dir + "` (its working directory).\n";
  return out;
}

}  // namespace confine::exporter
