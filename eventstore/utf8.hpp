#pragma once

#include <string_view>

namespace perspectief {

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), as
// Boost.JSON requires of JSON text. ASCII is checked eight bytes at a time.
[[nodiscard]] bool valid_utf8(std::string_view s);

}  // namespace perspectief
