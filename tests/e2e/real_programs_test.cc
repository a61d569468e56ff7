// Debian's own programs, packaged as confine apps with the caps a packager
// would honestly pick, doing a real job under every layer this kernel has
// (issue "Real programs work confined"). Each asserts the job's real output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "sample_install.h"
#include "test_support.h"

namespace confine::testing {
namespace {

bool have(const char* path) { return ::access(path, X_OK) == 0; }

class RealPrograms : public ::testing::Test {
 protected:
  void SetUp() override {
    CONFINE_REQUIRE(is_root(), "installs packages");
    CONFINE_REQUIRE(have("/usr/bin/python3") && have("/usr/bin/openssl"),
                    "python3 and openssl (packaging/install-deps)");
  }
  RunResult launch(const std::string& app) {
    return run({build_path("launcher/confine-run"), "--config", s_.config_path(),
                s_.key() + "_" + app},
               {"PATH=/usr/bin:/bin"});
  }
  SampleInstall s_;
};

// TLS clients under the default cap (network-client) trust the system's
// CAs: Python's default context loads the bundle, openssl reads it.
TEST_F(RealPrograms, TlsClientsTrustTheSystemCertificateAuthorities) {
  ASSERT_TRUE(s_.install(
      "1.0", {{"py", "bin/py",
               "#!/bin/sh\nexec /usr/bin/python3 -c 'import ssl; "
               "print(\"ca\", len(ssl.create_default_context().get_ca_certs()) > 0)'\n"},
              {"ossl", "bin/ossl",
               "#!/bin/sh\nexec /usr/bin/openssl x509 -noout -subject -in "
               "/usr/lib/ssl/cert.pem\n"}}));
  RunResult py = launch("py");
  EXPECT_EQ(py.status, 0) << py.err;
  EXPECT_EQ(py.out, "ca True\n") << py.err;
  RunResult ossl = launch("ossl");
  EXPECT_EQ(ossl.status, 0) << ossl.err;
  EXPECT_TRUE(ossl.out.starts_with("subject=")) << ossl.out << ossl.err;
  // The CA store, not the keys beside it (their names may be listed: the
  // system-data flag's "/ r").
  ASSERT_TRUE(s_.install("1.1", {{"key", "bin/key",
                                  "#!/bin/sh\ncat /etc/ssl/private/* >/dev/null 2>&1 && echo read; "
                                  "cat /etc/ssl/openssl.cnf >/dev/null && echo done\n"}}));
  RunResult key = launch("key");
  EXPECT_EQ(key.out, "done\n") << key.err;
}

// Programs that identify the machine (systemd's sd_id128_get_machine, D-Bus
// clients) read its machine ID under the default template.
TEST_F(RealPrograms, MachineIdIsReadable) {
  ASSERT_TRUE(s_.install("1.0", {{"id", "bin/id",
                                  "#!/bin/sh\nexec /usr/bin/python3 -c 'print(open("
                                  "\"/etc/machine-id\").read().strip())'\n"}}));
  const std::string expected = read_file("/etc/machine-id");
  CONFINE_REQUIRE(!expected.empty(), "this machine has no /etc/machine-id");
  RunResult id = launch("id");
  EXPECT_EQ(id.status, 0) << id.err;
  EXPECT_EQ(id.out, expected) << id.err;
}

// Flushing the file system of a file the app writes (coreutils' sync -f:
// syncfs(2) on an fd it holds) works with the default template.
TEST_F(RealPrograms, SyncfsOfAFileInTheDataDir) {
  ASSERT_TRUE(s_.install("1.0", {{"flush", "bin/flush",
                                  "#!/bin/sh\necho x >\"$CONFINE_APP_DATA_PATH/f\" && "
                                  "exec /bin/sync -f \"$CONFINE_APP_DATA_PATH/f\"\n"}}));
  RunResult r = launch("flush");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("sync:"), std::string::npos) << r.err;
}

// A server lists the machine's interfaces (glibc's getifaddrs and
// if_nameindex: a bound NETLINK_ROUTE socket) with network-service; a
// client, which may not bind, cannot.
TEST_F(RealPrograms, ServersListTheNetworkInterfaces) {
  const std::string script =
      "#!/bin/sh\nexec /usr/bin/python3 -c 'import socket; "
      "print(\"lo\" in [n for _, n in socket.if_nameindex()])'\n";
  SampleApp server{"server", "bin/server", script};
  server.security = "\"caps\": [\"network-service\"]";
  SampleApp client{"client", "bin/client", script};
  ASSERT_TRUE(s_.install("1.0", {server, client}));
  RunResult r = launch("server");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "True\n") << r.err;
  RunResult c = launch("client");
  EXPECT_NE(c.status, 0) << c.out;
  EXPECT_NE(c.err.find("PermissionError"), std::string::npos) << c.err;
}

// File jobs under the default caps, in the app's data dir: glibc's creat()
// (Perl's POSIX::creat, as tar -c uses it) and mkfifo (a FIFO by mknodat).
TEST_F(RealPrograms, CreatAndMkfifoInTheDataDir) {
  CONFINE_REQUIRE(have("/usr/bin/perl") && have("/usr/bin/mkfifo"), "perl and coreutils");
  ASSERT_TRUE(s_.install(
      "1.0", {{"files", "bin/files",
               "#!/bin/sh\nd=$CONFINE_APP_DATA_PATH\n"
               "/usr/bin/perl -MPOSIX -e 'POSIX::creat(\"$ENV{CONFINE_APP_DATA_PATH}/c\", 0644) "
               "or die \"creat: $!\\n\"; print \"created\\n\"'\n"
               "/usr/bin/mkfifo \"$d/fifo\" && test -p \"$d/fifo\" && echo fifo\n"}}));
  RunResult r = launch("files");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "created\nfifo\n") << r.err;
}

// make runs gcc on a C file in the app's data dir with the toolchain group
// (compilers, headers, libraries; make's posix_spawn resets ids, a no-op
// without CAP_SETUID). What it builds cannot be executed from there: a copy
// made executable when it is created (a root-run app cannot chmod) is
// refused (Landlock: no execute where the app writes).
TEST_F(RealPrograms, MakeBuildsACProgramWithTheToolchainGroup) {
  CONFINE_REQUIRE(have("/usr/bin/make") && have("/usr/bin/gcc") && have("/usr/bin/perl"),
                  "make, gcc (build-essential) and perl");
  const std::string script =
      "#!/bin/sh\ncd \"$CONFINE_APP_DATA_PATH\" || exit 1\n"
      "printf '#include <stdio.h>\\nint main(void) { puts(\"built\"); return 0; }\\n' >hi.c\n"
      "printf 'hi: hi.c\\n\\tgcc -O1 -o hi hi.c\\n' >Makefile\n"
      "/usr/bin/make -s || exit 1\n"
      "/usr/bin/od -An -c -N4 hi | tr -d ' '\n"
      "/usr/bin/perl -e 'use Fcntl; sysopen(my $o, \"hx\", O_WRONLY|O_CREAT|O_TRUNC, 0755) "
      "or die; open(my $i, \"<\", \"hi\") or die; local $/; print {$o} scalar <$i>;'\n"
      "test -x hx && echo executable\n"
      "exec ./hx\n";
  SampleApp tool{"tool", "bin/tool", script};
  tool.security = "\"caps\": [\"toolchain\"]";
  SampleApp plain{"plain", "bin/plain", script};
  ASSERT_TRUE(s_.install("1.0", {tool, plain}));
  RunResult r = launch("tool");
  EXPECT_EQ(r.out, "177ELF\nexecutable\n") << r.err;
  EXPECT_EQ(r.status, 126) << r.err;
  EXPECT_NE(r.err.find("./hx: Permission denied"), std::string::npos) << r.err;
  // The default caps: make's posix_spawn cannot reset ids (setresuid).
  RunResult p = launch("plain");
  EXPECT_NE(p.status, 0) << p.out;
  EXPECT_EQ(p.out, "") << p.err;
  EXPECT_NE(p.err.find("make: gcc: Operation not permitted"), std::string::npos) << p.err;
}

}  // namespace
}  // namespace confine::testing
