#include "core/json.h"

#include <set>
#include <vector>

namespace confine {

using json = nlohmann::json;

Result<json> parse_json_strict(const std::string& text) {
  struct Frame {
    bool array;
    size_t count = 0;  // elements finished (arrays)
    std::string key;   // current key (objects)
    std::set<std::string> keys;
  };
  std::vector<Frame> stack;
  std::string duplicate;
  // "services" + "[0]" -> "services[0]"; "services[0]" + "caps" -> "services[0].caps".
  auto path_to = [&](const std::string& key) {
    std::string p;
    for (size_t i = 0; i + 1 < stack.size(); ++i) {
      if (stack[i].array) p += "[" + std::to_string(stack[i].count) + "]";
      else p += (p.empty() ? "" : ".") + stack[i].key;
    }
    return p + (p.empty() ? "" : ".") + key;
  };
  auto finished_value = [&]() {
    if (!stack.empty() && stack.back().array) ++stack.back().count;
  };
  json::parser_callback_t cb = [&](int, json::parse_event_t ev, json& parsed) {
    switch (ev) {
      case json::parse_event_t::object_start:
        stack.push_back(Frame{false, 0, {}, {}});
        break;
      case json::parse_event_t::array_start:
        stack.push_back(Frame{true, 0, {}, {}});
        break;
      case json::parse_event_t::key: {
        auto& f = stack.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second && duplicate.empty()) duplicate = path_to(f.key);
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack.pop_back();
        finished_value();
        break;
      case json::parse_event_t::value:
        finished_value();
        break;
    }
    return true;
  };
  json doc;
  try {
    doc = json::parse(text, cb);
  } catch (const json::exception& e) {
    // Not only parse_error: a number beyond double's range throws
    // out_of_range. e.what() is "[json.exception.parse_error.101] parse
    // error at line 1, ...": the bracket is nlohmann's, not the user's.
    std::string what = e.what();
    auto sp = what.find("] ");
    return Error{0, "invalid JSON: " + (sp == std::string::npos ? what : what.substr(sp + 2)), 0};
  }
  if (!duplicate.empty()) return Error{0, duplicate + ": duplicate key", 0};
  return doc;
}

}  // namespace confine
