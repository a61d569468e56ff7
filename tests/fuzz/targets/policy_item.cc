// One policy-language file: a template, policy group, shipped flag or an
// administrator's flag (flags_dir). The first byte picks which; the rest is
// the file. Only ConfineError may come out.
#include "core/error.h"
#include "fuzz_support.h"
#include "policy/language.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confine::policy;
  if (size == 0) return 0;
  const PolicyKind kinds[] = {PolicyKind::Template, PolicyKind::Group, PolicyKind::Flag,
                              PolicyKind::Flag};
  const uint8_t pick = data[0] & 3;
  const std::string text = confine::fuzz::as_string(data + 1, size - 1);
  try {
    PolicyItem item = parse_policy_item(text, "item.json", kinds[pick], "item", pick == 3);
    (void)item.source();
    (void)item.rules.effective();
  } catch (const confine::ConfineError&) {
  }
  return 0;
}
