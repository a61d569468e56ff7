// A set of policy files checked together (PolicyLibrary): references between
// flags, categories, include cycles, and expanding every item. The input is
// several files, each starting with a line "<t|g|f|a> <name>" (template,
// group, flag, administrator's flag) and separated by lines "---".
// Only ConfineError may come out.
#include <vector>

#include "core/error.h"
#include "fuzz_support.h"
#include "policy/library.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confine::policy;
  const std::string in = confine::fuzz::as_string(data, size);
  std::vector<PolicyItem> items;
  size_t start = 0;
  while (start < in.size() && items.size() < 16) {
    size_t sep = in.find("\n---\n", start);
    const std::string part = in.substr(start, sep == std::string::npos ? sep : sep - start);
    start = sep == std::string::npos ? in.size() : sep + 5;
    const size_t nl = part.find('\n');
    if (part.size() < 3 || nl == std::string::npos || part[1] != ' ') continue;
    PolicyKind kind = part[0] == 't' ? PolicyKind::Template
                      : part[0] == 'g' ? PolicyKind::Group
                                       : PolicyKind::Flag;
    const std::string name = part.substr(2, nl - 2);
    if (!policy_name_valid(name)) continue;
    try {
      items.push_back(parse_policy_item(part.substr(nl + 1), name + ".json", kind, name,
                                        part[0] == 'a'));
    } catch (const confine::ConfineError&) {
    }
  }
  try {
    PolicyLibrary lib = PolicyLibrary::from_items(std::move(items));
    for (PolicyKind k : {PolicyKind::Template, PolicyKind::Group, PolicyKind::Flag})
      for (const PolicyItem* item : lib.items(k)) (void)lib.expand(*item).effective();
  } catch (const confine::ConfineError&) {
  }
  return 0;
}
