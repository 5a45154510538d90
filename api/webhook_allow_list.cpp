#include "api/webhook_allow_list.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace perspectief::api {

namespace asio = boost::asio;
namespace urls = boost::urls;

namespace {

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid, std::move(message));
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A DNS host name: dot-separated labels of 1 to 63 letters, digits and hyphens, at most 253
// characters. Keeps wildcards, brackets and anything a resolver would read otherwise out.
bool is_host_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  for (const char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-') {
      if (++label > 63) return false;
    } else {
      return false;
    }
  }
  return label > 0;
}

// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it stands for.
asio::ip::address unmapped(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

std::array<unsigned char, 16> bytes_of(const asio::ip::address& a) {
  std::array<unsigned char, 16> out{};
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), out.begin());
  } else {
    out = a.to_v6().to_bytes();
  }
  return out;
}

// The first `prefix` bits of a and b agree.
bool same_prefix(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& b,
                 unsigned prefix) {
  for (unsigned i = 0; i < prefix / 8; ++i) {
    if (a[i] != b[i]) return false;
  }
  if (prefix % 8 == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFFU << (8 - prefix % 8));
  return (a[prefix / 8] & mask) == (b[prefix / 8] & mask);
}

// The port of `u` as a decimal string, the scheme's default if it has none; empty if the
// URL's port is not 1..65535.
std::string port_of(const urls::url_view& u, bool tls) {
  if (!u.has_port() || u.port().empty()) return tls ? "443" : "80";
  const std::string_view text = u.port();
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
    return {};
  }
  return std::to_string(value);
}

std::string target_of(const urls::url_view& u) {
  std::string target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) target.append("?").append(u.encoded_query());
  return target;
}

}  // namespace

bool WebhookAllowList::Network::contains(const asio::ip::address& address) const {
  const auto a = unmapped(address);
  return a.is_v6() == v6 && same_prefix(bytes_of(a), bytes, prefix);
}

Result<WebhookAllowList::Network> WebhookAllowList::parse_network(std::string_view entry) {
  const auto slash = entry.find('/');
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(entry.substr(0, slash), ec);
  const std::string quoted = "--webhook-allow entry \"" + std::string(entry) + "\"";
  if (ec) return invalid(quoted + " is not a host name, an IP address or a CIDR");
  const auto a = unmapped(address);
  Network net{a.is_v6(), bytes_of(a), a.is_v6() ? 128U : 32U};
  if (slash != std::string_view::npos) {
    const auto text = entry.substr(slash + 1);
    unsigned prefix = 0;
    const auto [end, perr] = std::from_chars(text.data(), text.data() + text.size(), prefix);
    if (perr != std::errc{} || end != text.data() + text.size() || text.empty() ||
        prefix > net.prefix) {
      return invalid(quoted + " has a prefix length outside 0-" + std::to_string(net.prefix));
    }
    // 10.0.0.1/8 is refused rather than read as 10.0.0.0/8: the operator may have meant
    // either the one host or the network.
    std::array<unsigned char, 16> masked{};
    for (unsigned bit = 0; bit < prefix; ++bit) {
      masked[bit / 8] |= net.bytes[bit / 8] & (0x80U >> (bit % 8));
    }
    if (masked != net.bytes) return invalid(quoted + " has bits set beyond its prefix");
    net.prefix = prefix;
  }
  return net;
}

Result<WebhookAllowList> WebhookAllowList::parse(std::string_view list, bool allow_http) {
  WebhookAllowList out;
  out.allow_http_ = allow_http;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (entry.empty()) continue;
    boost::system::error_code ec;
    (void)asio::ip::make_address(entry, ec);
    if (ec && entry.find('/') == std::string_view::npos && is_host_name(entry)) {
      out.names_.push_back(lower(entry));
      continue;
    }
    auto net = parse_network(entry);
    if (!net) return net.take_error();
    out.networks_.push_back(*net);
  }
  return out;
}

Result<WebhookTarget> WebhookAllowList::check(std::string_view url) const {
  if (empty()) {
    return invalid("no webhook targets are allowed: the operator sets --webhook-allow");
  }
  // A URI with a scheme, so absolute; its fragment is refused below with a message of its own.
  const auto parsed = urls::parse_uri(url);
  if (!parsed) return invalid("the webhook URL is not an absolute URL");
  const urls::url_view& u = *parsed;
  const bool tls = u.scheme_id() == urls::scheme::https;
  if (!tls && u.scheme_id() != urls::scheme::http) {
    return invalid("the webhook URL must be an https URL");
  }
  if (!tls && !allow_http_) {
    return invalid("the webhook URL must use https (http needs --webhook-allow-http)");
  }
  if (u.has_userinfo()) return invalid("the webhook URL must not contain user information");
  if (u.has_fragment()) return invalid("the webhook URL must not contain a fragment");
  WebhookTarget target{tls, {}, port_of(u, tls), target_of(u), std::string(url), false};
  if (target.port.empty()) return invalid("the webhook URL's port is not 1-65535");
  switch (u.host_type()) {
    case urls::host_type::ipv4:
      target.host = u.host_ipv4_address().to_string();
      break;
    case urls::host_type::ipv6:
      target.host = u.host_ipv6_address().to_string();
      break;
    case urls::host_type::name:
      target.host = lower(u.host_name());
      if (!is_host_name(target.host)) {
        return invalid("the webhook URL's host is not a host name or an IP address");
      }
      break;
    default:
      return invalid("the webhook URL's host is not a host name or an IP address");
  }
  target.host_named_in_list = std::find(names_.begin(), names_.end(), target.host) != names_.end();
  auto allowed = check_host(target, u.host_type() != urls::host_type::name);
  if (!allowed) return allowed.take_error();
  return target;
}

Status WebhookAllowList::check_host(const WebhookTarget& target, bool ip_literal) const {
  const std::string refused =
      "the webhook host " + target.host + " is not in the allow list (--webhook-allow)";
  if (ip_literal) {
    if (!allows_address(asio::ip::make_address(target.host))) return invalid(refused);
    return Ok{};
  }
  // A name not listed may still resolve into a listed network: its addresses are checked at
  // delivery.
  if (!target.host_named_in_list && networks_.empty()) return invalid(refused);
  return Ok{};
}

bool WebhookAllowList::allows_address(const asio::ip::address& address) const {
  return std::any_of(networks_.begin(), networks_.end(),
                     [&](const Network& n) { return n.contains(address); });
}

}  // namespace perspectief::api
