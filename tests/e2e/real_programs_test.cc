// Debian's own programs, packaged as confine apps with the caps a packager
// would honestly pick, doing a real job under every layer this kernel has
// (issue "Real programs work confined"). Each asserts the job's real output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

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

// The fitness suite: everyday jobs of Debian's own programs, each packaged
// as an app of one package with the caps a packager would honestly pick,
// run root-run under every layer this kernel has, each asserting the job's
// real output. Prints "N/M jobs work confined". A root-run app changes the
// mode, owner or times of no file (confine-policy(5), SHIPPED POLICY), so
// the jobs here leave metadata alone (tar lists and extracts to stdout;
// gzip -c; git reads a repository made beforehand).
struct Job {
  const char* name;    // the app name
  const char* caps;    // the app's security members ("" = the default caps)
  const char* needs;   // the program it runs (must be installed)
  std::string script;  // the job, in sh, run in <data dir>/<name>
  std::string want;    // its exact output
  // Run unconfined in <data dir>/<name> before the job ("" = nothing): what
  // the job reads and a root-run app could not make itself.
  const char* prepare = "";
};

const std::vector<Job>& fitness_jobs() {
  static const std::vector<Job> jobs = {
      {"sort", "", "/usr/bin/sort", "printf 'pear\\napple\\nfig\\n' | sort", "apple\nfig\npear\n"},
      {"uniq", "", "/usr/bin/uniq", "printf 'a\\na\\nb\\n' | uniq -c | tr -s ' '", " 2 a\n 1 b\n"},
      {"wc", "", "/usr/bin/wc", "printf 'one two\\nthree\\n' | wc -w", "3\n"},
      {"sha256", "", "/usr/bin/sha256sum", "printf abc >f && sha256sum f | cut -c1-16",
       "ba7816bf8f01cfea\n"},
      {"sha256check", "", "/usr/bin/sha256sum",
       "echo data >f && sha256sum f >sums && sha256sum -c sums", "f: OK\n"},
      {"pycsv", "", "/usr/bin/python3",
       "printf 'name,n\\nfig,2\\npear,3\\n' >t.csv && python3 -c 'import csv; "
       "print(sum(int(r[\"n\"]) for r in csv.DictReader(open(\"t.csv\"))))'",
       "5\n"},
      {"base64", "", "/usr/bin/base64", "printf hello | base64 | base64 -d; echo", "hello\n"},
      {"sed", "", "/usr/bin/sed", "echo 'hello world' | sed 's/world/there/'", "hello there\n"},
      {"awk", "", "/usr/bin/awk", "printf '1 2\\n3 4\\n' | awk '{s += $1 * $2} END {print s}'",
       "14\n"},
      {"find", "", "/usr/bin/find", "mkdir -p t/u && : >t/u/x && find t -type f", "t/u/x\n"},
      {"diff", "", "/usr/bin/diff", "echo a >x; echo b >y; diff x y | head -1", "1c1\n"},
      {"split", "", "/usr/bin/split", "seq 10 >n && split -l 4 n part && cat partac", "9\n10\n"},
      {"xargs", "", "/usr/bin/xargs", "printf '1\\n2\\n3\\n' | xargs echo", "1 2 3\n"},
      {"date", "", "/usr/bin/date", "TZ=Europe/Paris date -d @0 +%H:%M", "01:00\n"},
      {"nproc", "", "/usr/bin/nproc", "test \"$(nproc)\" -ge 1 && echo ok", "ok\n"},
      {"id", "", "/usr/bin/id", "id -un", "root\n"},
      {"getent", "", "/usr/bin/getent", "getent passwd root | cut -d: -f1,6", "root:/root\n"},
      {"tar", "", "/usr/bin/tar",
       "mkdir -p src && echo data >src/a && tar -cf a.tar src && tar -tf a.tar && "
       "tar -xOf a.tar src/a",
       "src/\nsrc/a\ndata\n"},
      {"gzip", "", "/usr/bin/gzip", "echo zipped >z && gzip -c z >z.gz && gzip -dc z.gz",
       "zipped\n"},
      {"xz", "", "/usr/bin/xz", "echo packed | xz | xz -d", "packed\n"},
      {"zstd", "", "/usr/bin/zstd", "echo squeezed | zstd -q | zstd -dq", "squeezed\n"},
      {"tarxz", "", "/usr/bin/xz",
       "mkdir -p d && echo x >d/f && tar -cJf d.txz d && tar -tJf d.txz | sort", "d/\nd/f\n"},
      {"sqlite", "", "/usr/bin/sqlite3",
       "sqlite3 db 'create table t(a, b); insert into t values (1, \"one\"); select * from t;'",
       "1|one\n"},
      {"jq", "", "/usr/bin/jq", "echo '{\"a\": [1, 2, 3]}' | jq -c '.a | map(. * 2)'", "[2,4,6]\n"},
      {"file", "", "/usr/bin/file", "file -b --mime-type /bin/true",
       "application/x-pie-executable\n"},
      {"perljson", "", "/usr/bin/perl",
       "perl -MJSON::PP -e 'print JSON::PP->new->canonical->encode({b => 1, a => [2]}), \"\\n\"'",
       "{\"a\":[2],\"b\":1}\n"},
      {"pyjson", "", "/usr/bin/python3",
       "python3 -c 'import json; print(json.dumps(json.loads(\"[1, {\\\"a\\\": null}]\")))'",
       "[1, {\"a\": null}]\n"},
      {"pysqlite", "", "/usr/bin/python3",
       "python3 -c 'import sqlite3; c = sqlite3.connect(\"p.db\"); c.execute(\"create table t(x)\"); "
       "c.execute(\"insert into t values (42)\"); print(c.execute(\"select x from t\").fetchone()[0])'",
       "42\n"},
      {"pyhash", "", "/usr/bin/python3",
       "python3 -c 'import hashlib; print(hashlib.sha1(b\"abc\").hexdigest()[:8])'", "a9993e36\n"},
      {"pythreads", "", "/usr/bin/python3",
       "python3 -c 'import threading, queue; q = queue.Queue(); "
       "ts = [threading.Thread(target=q.put, args=(i,)) for i in range(4)]; "
       "[t.start() for t in ts]; [t.join() for t in ts]; print(sum(q.get() for _ in ts))'",
       "6\n"},
      {"pytemp", "", "/usr/bin/python3",
       "python3 -c 'import tempfile, os; f = tempfile.NamedTemporaryFile(); "
       "print(os.path.dirname(f.name) == os.environ[\"TMPDIR\"])'",
       "True\n"},
      {"pyzip", "", "/usr/bin/python3",
       "python3 -c 'import zipfile; z = zipfile.ZipFile(\"a.zip\", \"w\"); "
       "z.writestr(\"in.txt\", \"zip\"); z.close(); print(zipfile.ZipFile(\"a.zip\").read(\"in.txt\").decode())'",
       "zip\n"},
      {"pyspawn", "", "/usr/bin/python3",
       "python3 -c 'import subprocess; print(subprocess.run([\"/usr/bin/echo\", \"child\"], "
       "capture_output=True, text=True).stdout, end=\"\")'",
       "child\n"},
      {"pyhttp", "\"caps\": [\"network-service\"]", "/usr/bin/python3",
       "python3 -c '\n"
       "import http.server, threading, urllib.request\n"
       "class H(http.server.BaseHTTPRequestHandler):\n"
       "    def do_GET(self):\n"
       "        self.send_response(200); self.end_headers(); self.wfile.write(b\"served\")\n"
       "    def log_message(self, *a): pass\n"
       "s = http.server.HTTPServer((\"127.0.0.1\", 0), H)\n"
       "s.timeout = 20\n"
       "threading.Thread(target=s.handle_request, daemon=True).start()\n"
       "print(urllib.request.urlopen(\"http://127.0.0.1:%d/\" % s.server_port, timeout=20)"
       ".read().decode())\n"
       "'",
       "served\n"},
      {"curl", "\"caps\": [\"network-service\"]", "/usr/bin/curl",
       "python3 -c '\n"
       "import http.server, sys\n"
       "class H(http.server.BaseHTTPRequestHandler):\n"
       "    def do_GET(self):\n"
       "        self.send_response(200); self.end_headers(); self.wfile.write(b\"fetched\")\n"
       "    def log_message(self, *a): pass\n"
       "s = http.server.HTTPServer((\"127.0.0.1\", 0), H)\n"
       "s.timeout = 20\n"
       "print(s.server_port, flush=True)\n"
       "s.handle_request()\n"
       "' >port &\n"
       // At most 20 s for the server to start, 20 s for the request.
       "i=0; until [ -s port ] || [ $i -ge 400 ]; do sleep 0.05; i=$((i + 1)); done\n"
       "curl -s --max-time 20 http://127.0.0.1:$(cat port)/; echo; wait",
       "fetched\n"},
      {"ossldgst", "", "/usr/bin/openssl", "printf abc | openssl dgst -sha256 -r | cut -c1-16",
       "ba7816bf8f01cfea\n"},
      {"osslkey", "", "/usr/bin/openssl",
       "openssl genpkey -algorithm ed25519 -out k.pem 2>/dev/null && openssl pkey -in k.pem "
       "-noout -text | head -1",
       "ED25519 Private-Key:\n"},
      {"osslx509", "", "/usr/bin/openssl",
       "openssl req -x509 -newkey ed25519 -nodes -keyout k -out c -subj /CN=fit -days 1 "
       "2>/dev/null && openssl x509 -in c -noout -subject",
       "subject=CN = fit\n"},
      {"sshkeygen", "", "/usr/bin/ssh-keygen",
       "ssh-keygen -q -t ed25519 -N '' -C fit -f k && cut -d' ' -f1,3 k.pub", "ssh-ed25519 fit\n"},
      {"git", "", "/usr/bin/git",
       "export HOME=$PWD; git -C r log --format=%s && git -C r show HEAD:f && "
       "git -C r cat-file -t HEAD",
       "one\nhi\ncommit\n",
       "git init -q r && cd r && echo hi >f && git add f && "
       "git -c user.name=f -c user.email=f@x commit -qm one"},
      {"iproute", "\"caps\": [\"network-service\"]", "/usr/bin/ip", "ip -o link show lo | cut -d' ' -f2",
       "lo:\n"},
  };
  return jobs;
}

TEST_F(RealPrograms, FitnessSuiteOfDebianPrograms) {
  std::vector<SampleApp> apps;
  for (const Job& j : fitness_jobs()) {
    CONFINE_REQUIRE(have(j.needs), std::string(j.needs) + " (packaging/install-deps)");
    SampleApp a{j.name, std::string("bin/") + j.name,
                "#!/bin/sh\nmkdir -p \"$CONFINE_APP_DATA_PATH/" + std::string(j.name) +
                    "\" && cd \"$CONFINE_APP_DATA_PATH/" + j.name + "\" || exit 1\n" + j.script +
                    "\n"};
    a.security = j.caps;
    apps.push_back(a);
  }
  ASSERT_TRUE(s_.install("1.0", apps));
  const std::string data = s_.config().data_dir + "/" + s_.key() + "/1.0/";
  for (const Job& j : fitness_jobs())
    if (*j.prepare) {
      RunResult p = run({"/bin/sh", "-c", "mkdir -p '" + data + j.name + "' && cd '" + data +
                                              j.name + "' && " + j.prepare});
      ASSERT_EQ(p.status, 0) << j.name << ": " << p.err;
    }
  int works = 0;
  for (const Job& j : fitness_jobs()) {
    RunResult r = launch(j.name);
    const bool ok = r.status == 0 && r.out == j.want;
    works += ok;
    EXPECT_TRUE(ok) << j.name << ": status " << r.status << ", output \"" << r.out
                    << "\", stderr: " << r.err;
  }
  std::cout << works << "/" << fitness_jobs().size() << " jobs work confined\n";
}

}  // namespace
}  // namespace confine::testing
