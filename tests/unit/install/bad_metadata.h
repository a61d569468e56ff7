// The table of bad meta/package.json files shared by the parser tests and the
// pipeline tests (which also check that nothing was written).
#pragma once

#include <string>
#include <vector>

namespace confine::install {

inline std::string with_binary(const std::string& fields) {
  return R"({"name":"foo","version":"1.0","binaries":[{)" + fields + "}]}";
}
inline std::string with_service(const std::string& fields) {
  return R"({"name":"foo","version":"1.0","services":[{)" + fields + "}]}";
}

struct BadCase {
  const char* what;
  std::string text;
  std::string origin;
  std::string expected;  // exact fragment of the message, after "pkg/meta/package.json: "
};

inline std::vector<BadCase> bad_cases() {
  const std::string ok_bin = R"("name":"cli","exec":"bin/cli")";
  return {
      {"not json", "{", "example", "invalid JSON: parse error at line 1, column 2"},
      {"top level array", "[]", "example", "(top level): must be an object, not array"},
      {"missing name", R"({"version":"1.0"})", "example", "name: required key is missing"},
      {"name not string", R"({"name":3,"version":"1.0"})", "example",
       "name: must be a string, not number"},
      {"upper case name", R"({"name":"Foo","version":"1.0"})", "example",
       R"(name: invalid package name "Foo": must match ^[a-z0-9](-?[a-z0-9])*$)"},
      {"short name", R"({"name":"f","version":"1.0"})", "example",
       R"(name: invalid package name "f": must be 2 to 40 characters long)"},
      {"name without letter", R"({"name":"123","version":"1.0"})", "example",
       R"(name: invalid package name "123": must contain at least one letter)"},
      {"empty name", R"({"name":"","version":"1.0"})", "example",
       R"(name: invalid package name "": must be 2 to 40 characters long)"},
      {"missing version", R"({"name":"foo"})", "example", "version: required key is missing"},
      {"version starts with _", R"({"name":"foo","version":"_1"})", "example",
       R"(version: invalid version "_1": must start with a letter or digit)"},
      {"version with slash", R"({"name":"foo","version":"1/2"})", "example",
       R"(version: invalid version "1/2": may only contain [A-Za-z0-9.+~:-])"},
      {"reserved version", R"({"name":"foo","version":"current"})", "example",
       R"(version: "current" is reserved for the link to the active version)"},
      {"bad type", R"({"name":"foo","version":"1","type":"daemon"})", "example",
       R"(type: invalid type "daemon": must be app, framework or oem)"},
      {"app without origin", R"({"name":"foo","version":"1"})", "",
       "type: a package of type app needs --origin ORIGIN"},
      {"framework with origin", R"({"name":"foo","version":"1","type":"framework"})", "example",
       "type: --origin is only for packages of type app, not framework"},
      {"oem with origin", R"({"name":"foo","version":"1","type":"oem"})", "example",
       "type: --origin is only for packages of type app, not oem"},
      {"bad origin", R"({"name":"foo","version":"1"})", "Ex_ample",
       R"(--origin: invalid origin "Ex_ample": must match)"},
      {"origin key in file", R"({"name":"foo","version":"1","origin":"x"})", "example",
       "origin: unknown key (expected one of: name, version, type, description, services, "
       "binaries)"},
      {"typo in security field", with_binary(ok_bin + R"(,"secuirty-template":"default")"),
       "example", "binaries[0].secuirty-template: unknown key (expected one of: name, exec, "},
      {"binary run as root", with_binary(ok_bin + R"(,"user":"root")"), "example",
       R"(binaries[0].user: invalid user "root": must be "package" (a package cannot name another user))"},
      {"service run as another user", with_service(R"("name":"d","start":"bin/d","user":"www-data")"),
       "example",
       R"(services[0].user: invalid user "www-data": must be "package" or "root" (a package cannot name another user))"},
      {"user not string", with_service(R"("name":"d","start":"bin/d","user":0)"), "example",
       "services[0].user: must be a string, not number"},
      {"groups of a root service",
       with_service(R"("name":"d","start":"bin/d","user":"root","groups":["audio"])"), "example",
       R"(services[0].groups: only an app that runs as its package's user has groups ("user": "package"))"},
      {"groups of a caller binary", with_binary(ok_bin + R"(,"groups":["audio"])"), "example",
       "binaries[0].groups: only an app that runs as its package's user has groups"},
      {"groups not array", with_service(R"("name":"d","start":"bin/d","groups":"audio")"), "example",
       "services[0].groups: must be an array, not string"},
      {"bad group name", with_service(R"("name":"d","start":"bin/d","groups":["Audio"])"), "example",
       R"(services[0].groups[0]: invalid group "Audio": must match ^[a-z_][a-z0-9_-]*$)"},
      {"root group", with_service(R"("name":"d","start":"bin/d","groups":["root"])"), "example",
       R"(services[0].groups[0]: invalid group "root": the root group is not)"},
      {"duplicate group", with_service(R"("name":"d","start":"bin/d","groups":["audio","audio"])"),
       "example", R"(services[0].groups[1]: duplicate group "audio")"},
      {"service with exec", with_service(R"("name":"d","exec":"bin/d")"), "example",
       "services[0].exec: unknown key (expected one of: name, start, "},
      {"service without start", with_service(R"("name":"d")"), "example",
       "services[0].start: required key is missing"},
      {"binary without name", with_binary(R"("exec":"bin/cli")"), "example",
       "binaries[0].name: required key is missing"},
      {"bad app name", with_binary(R"("name":"a_b","exec":"bin/cli")"), "example",
       R"(binaries[0].name: invalid app name "a_b": must match ^[a-zA-Z0-9](-?[a-zA-Z0-9])*$)"},
      {"absolute exec", with_binary(R"("name":"cli","exec":"/bin/sh")"), "example",
       R"(binaries[0].exec: path "/bin/sh" must be relative to the package directory and stay inside it)"},
      {"exec with ..", with_binary(R"("name":"cli","exec":"../x")"), "example",
       R"(binaries[0].exec: path "../x" must be relative)"},
      {"exec with inner ..", with_binary(R"("name":"cli","exec":"bin/../../x")"), "example",
       R"(binaries[0].exec: path "bin/../../x" must be relative)"},
      {"exec with .", with_binary(R"("name":"cli","exec":"./bin/cli")"), "example",
       R"(binaries[0].exec: path "./bin/cli" must be relative)"},
      {"exec empty", with_binary(R"("name":"cli","exec":"")"), "example",
       R"(binaries[0].exec: path "" must be relative)"},
      {"exec not string", with_binary(R"("name":"cli","exec":["bin/cli"])"), "example",
       "binaries[0].exec: must be a string, not array"},
      {"caps not array", with_binary(ok_bin + R"(,"caps":"network-client")"), "example",
       "binaries[0].caps: must be an array, not string"},
      {"cap not string", with_binary(ok_bin + R"(,"caps":["network-client",7])"), "example",
       "binaries[0].caps[1]: must be a string, not number"},
      {"cap with path", with_binary(ok_bin + R"(,"caps":["../../etc/x"])"), "example",
       R"(binaries[0].caps[0]: invalid policy group "../../etc/x": must match)"},
      {"duplicate cap", with_binary(ok_bin + R"(,"caps":["network-client","network-client"])"),
       "example", R"(binaries[0].caps[1]: duplicate policy group "network-client")"},
      {"bad template", with_binary(ok_bin + R"(,"security-template":"Default")"), "example",
       R"(binaries[0].security-template: invalid template "Default": must match)"},
      {"template not string", with_binary(ok_bin + R"(,"security-template":null)"), "example",
       "binaries[0].security-template: must be a string, not null"},
      {"override with caps",
       with_binary(ok_bin + R"(,"caps":[],"security-override":{"apparmor":"a"})"), "example",
       "binaries[0].security-override: cannot be combined with caps"},
      {"override with template",
       with_binary(ok_bin +
                   R"(,"security-template":"default","security-override":{"apparmor":"a"})"),
       "example", "binaries[0].security-override: cannot be combined with security-template"},
      {"override with policy",
       with_binary(
           ok_bin +
           R"(,"security-override":{"apparmor":"a"},"security-policy":{"apparmor":"a","seccomp":"s"})"),
       "example", "binaries[0].security-override: cannot be combined with security-policy"},
      {"policy with caps",
       with_binary(
           ok_bin +
           R"(,"caps":["network-client"],"security-policy":{"apparmor":"a","seccomp":"s"})"),
       "example", "binaries[0].security-policy: cannot be combined with caps"},
      {"policy with template",
       with_binary(ok_bin +
                   R"(,"security-template":"x","security-policy":{"apparmor":"a","seccomp":"s"})"),
       "example", "binaries[0].security-policy: cannot be combined with security-template"},
      {"policy without seccomp", with_binary(ok_bin + R"(,"security-policy":{"apparmor":"a"})"),
       "example", "binaries[0].security-policy.seccomp: required key is missing"},
      {"policy without apparmor", with_binary(ok_bin + R"(,"security-policy":{"seccomp":"s"})"),
       "example", "binaries[0].security-policy.apparmor: required key is missing"},
      {"empty override", with_binary(ok_bin + R"(,"security-override":{})"), "example",
       "binaries[0].security-override: must name apparmor, seccomp or both"},
      {"override unknown key", with_binary(ok_bin + R"(,"security-override":{"selinux":"x"})"),
       "example",
       "binaries[0].security-override.selinux: unknown key (expected one of: apparmor, seccomp)"},
      {"override absolute file",
       with_binary(ok_bin + R"(,"security-override":{"apparmor":"/etc/shadow"})"), "example",
       R"(binaries[0].security-override.apparmor: path "/etc/shadow" must be relative)"},
      {"override not object", with_binary(ok_bin + R"(,"security-override":"x")"), "example",
       "binaries[0].security-override: must be an object, not string"},
      {"policy file escapes",
       with_binary(ok_bin + R"(,"security-policy":{"apparmor":"a","seccomp":"../s"})"), "example",
       R"(binaries[0].security-policy.seccomp: path "../s" must be relative)"},
      {"app name used twice",
       R"({"name":"foo","version":"1","services":[{"name":"x","start":"a"}],"binaries":[{"name":"x","exec":"b"}]})",
       "example", R"(binaries[0].name: app name "x" is already used by services[0])"},
      {"duplicate top-level key", R"({"name":"foo","name":"bar","version":"1"})", "example",
       "name: duplicate key"},
      {"duplicate caps key", with_binary(ok_bin + R"(,"caps":["network-client"],"caps":[])"),
       "example", "binaries[0].caps: duplicate key"},
      {"duplicate key in second entry",
       R"({"name":"foo","version":"1","binaries":[{"name":"a","exec":"a"},{"name":"b","exec":"b","exec":"c"}]})",
       "example", "binaries[1].exec: duplicate key"},
      {"services not array", R"({"name":"foo","version":"1","services":{}})", "example",
       "services: must be an array, not object"},
      {"service not object", R"({"name":"foo","version":"1","services":["x"]})", "example",
       "services[0]: must be an object, not string"},
      {"control char in description",
       with_binary(ok_bin + R"(,"description":"a\nExecStartPre=/x")"), "example",
       "binaries[0].description: must not contain control characters"},
      {"description not string", R"({"name":"foo","version":"1","description":1})", "example",
       "description: must be a string, not number"},
  };
}

}  // namespace confine::install
