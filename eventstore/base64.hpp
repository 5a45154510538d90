#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace perspectief {

// Standard base64 with padding (RFC 4648, section 4).
std::string base64_encode(std::string_view bytes);
// nullopt if `text` is not well-formed base64.
std::optional<std::string> base64_decode(std::string_view text);
// The same into `out`, reusing its buffer; false (and `out` unspecified) if not well-formed.
bool base64_decode_into(std::string_view text, std::string& out);

}  // namespace perspectief
