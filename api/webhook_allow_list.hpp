#pragma once

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace perspectief::api {

// Where one webhook goes, as WebhookAllowList::check found it in an allowed URL.
struct WebhookTarget {
  bool tls = true;                  // https
  std::string host;                 // lower-case name, or IP literal (IPv6 without brackets)
  std::string port;                 // decimal, the scheme's default when the URL has none
  std::string target;               // path and query, "/" at least: the request target
  std::string url;                  // the URL as given
  bool host_named_in_list = false;  // the host is a name the operator listed: its addresses
                                    // are trusted; otherwise each must be in a listed CIDR
};

// The operator's `--webhook-allow` list and `--webhook-allow-http`: the only places the
// server sends webhooks to. The check runs twice: when a subscription is created (its URL)
// and at delivery (every address a host name resolves to, against server-side request
// forgery through DNS).
class WebhookAllowList {
 public:
  WebhookAllowList() = default;

  // `list`: comma-separated entries, blanks around them ignored: host names (matched exactly,
  // case-insensitive), IPv4 or IPv6 CIDRs ("10.0.0.0/8", "::1/128"), bare IPs (/32 or /128).
  // An empty list is valid and allows nothing. `allow_http`: plain-http URLs are allowed too.
  // Error invalid, naming the entry, for an entry that is neither a host name nor an address
  // nor a CIDR, or a CIDR with bits set beyond its prefix.
  static Result<WebhookAllowList> parse(std::string_view list, bool allow_http);

  // The target of `url` if the server may POST to it. Error invalid (a 400 for the client;
  // the message names the rule) when the URL is not an absolute http(s) URL, carries user
  // information or a fragment, uses http without --webhook-allow-http, has a bad port, or
  // its host is not allowed: an IP literal must lie in a listed CIDR; a name must be listed,
  // or the list must have CIDRs (its addresses are then checked at delivery with
  // allows_address); an empty list allows no target at all.
  Result<WebhookTarget> check(std::string_view url) const;

  // True if `address` lies in a listed CIDR (an IPv4-mapped IPv6 address as its IPv4 one).
  // For the addresses of a host that is not itself named in the list.
  bool allows_address(const boost::asio::ip::address& address) const;

  bool empty() const { return names_.empty() && networks_.empty(); }

 private:
  struct Network {
    bool v6 = false;
    std::array<unsigned char, 16> bytes{};  // IPv4: the first 4
    unsigned prefix = 0;
    bool contains(const boost::asio::ip::address& address) const;
  };

  static Result<Network> parse_network(std::string_view entry);
  Status check_host(const WebhookTarget& target, bool ip_literal) const;

  std::vector<std::string> names_;  // lower case
  std::vector<Network> networks_;
  bool allow_http_ = false;
};

}  // namespace perspectief::api
