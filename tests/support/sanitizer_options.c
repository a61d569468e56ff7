/* Default options of the sanitizer runtimes, linked into every executable of
 * a CONFINE_SANITIZE build (CMakeLists.txt). They are compiled in rather than
 * set in ASAN_OPTIONS because the tests start confine and confine-run with a
 * clean environment, and confine-run gives its app a filtered one: every
 * process of the suite must stop at its first report, whoever started it.
 * A report also fails the test that ran the process (run() in
 * test_support.cc looks for it in the child's stderr), so a report in a
 * process that was expected to fail is not mistaken for the expected failure.
 * Plain C, so that the static C probes can link it too without a runtime. */
const char* __asan_default_options(void);
const char* __ubsan_default_options(void);

const char* __asan_default_options(void) {
  return "halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1";
}

const char* __ubsan_default_options(void) {
  return "halt_on_error=1:print_stacktrace=1";
}
