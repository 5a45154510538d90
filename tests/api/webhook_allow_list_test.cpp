// The operator's webhook allow list: parsing of --webhook-allow, the URL rules checked when a
// subscription is created, and the address check made at delivery.

#include "api/webhook_allow_list.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace perspectief::api {
namespace {

namespace ip = boost::asio::ip;

constexpr const char* kList = "Hooks.Partner.example, 10.0.0.0/8,127.0.0.1 ,::1/128,fd00::/8";

WebhookAllowList allow_list(std::string_view list, bool allow_http = false) {
  auto parsed = WebhookAllowList::parse(list, allow_http);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? *parsed : WebhookAllowList{};
}

struct ParseCase {
  const char* list;
  const char* error;  // "" when valid
};

TEST(WebhookAllowList, ParsesNamesAddressesAndCidrsAndNamesTheBadEntry) {
  const std::vector<ParseCase> cases{
      {"", ""},
      {" , ,", ""},
      {kList, ""},
      {"0.0.0.0/0,::/0", ""},
      {"localhost", ""},
      {"a.example,*.example.org",
       R"(--webhook-allow entry "*.example.org" is not a host name, an IP address or a CIDR)"},
      {"host name",
       R"(--webhook-allow entry "host name" is not a host name, an IP address or a CIDR)"},
      {"[::1]", R"(--webhook-allow entry "[::1]" is not a host name, an IP address or a CIDR)"},
      {"https://a.example",
       R"(--webhook-allow entry "https://a.example" is not a host name, an IP address or a CIDR)"},
      {"a.example/8",
       R"(--webhook-allow entry "a.example/8" is not a host name, an IP address or a CIDR)"},
      {"10.0.0.0/33", R"(--webhook-allow entry "10.0.0.0/33" has a prefix length outside 0-32)"},
      {"10.0.0.0/", R"(--webhook-allow entry "10.0.0.0/" has a prefix length outside 0-32)"},
      {"10.0.0.0/8x", R"(--webhook-allow entry "10.0.0.0/8x" has a prefix length outside 0-32)"},
      {"::1/129", R"(--webhook-allow entry "::1/129" has a prefix length outside 0-128)"},
      {"10.0.0.1/8", R"(--webhook-allow entry "10.0.0.1/8" has bits set beyond its prefix)"},
      {"fd00::1/8", R"(--webhook-allow entry "fd00::1/8" has bits set beyond its prefix)"},
  };
  for (const auto& c : cases) {
    const auto parsed = WebhookAllowList::parse(c.list, false);
    if (*c.error == '\0') {
      EXPECT_TRUE(parsed) << c.list << ": " << parsed.error().message;
    } else {
      ASSERT_FALSE(parsed) << c.list;
      EXPECT_EQ(parsed.error().code, ErrorCode::invalid);
      EXPECT_EQ(parsed.error().message, c.error);
    }
  }
}

struct AllowedCase {
  const char* url;
  bool tls;
  const char* host;
  const char* port;
  const char* target;
  bool named;
};

TEST(WebhookAllowList, AllowsListedNamesAndAddressesAndNamesThatMayResolveIntoANetwork) {
  const auto list = allow_list(kList);
  const std::vector<AllowedCase> cases{
      {"https://hooks.partner.example/in?x=1&y=2", true, "hooks.partner.example", "443",
       "/in?x=1&y=2", true},
      {"https://HOOKS.partner.EXAMPLE:8443", true, "hooks.partner.example", "8443", "/", true},
      {"HTTPS://hooks.partner.example:/a%20b", true, "hooks.partner.example", "443", "/a%20b",
       true},
      {"https://10.1.2.3/h", true, "10.1.2.3", "443", "/h", false},
      {"https://127.0.0.1:9000/", true, "127.0.0.1", "9000", "/", false},
      {"https://[::1]:9000/h", true, "::1", "9000", "/h", false},
      {"https://[::ffff:10.0.0.7]/", true, "::ffff:10.0.0.7", "443", "/", false},
      {"https://[fd00::5]/", true, "fd00::5", "443", "/", false},
      {"https://other.example/x", true, "other.example", "443", "/x", false},
  };
  for (const auto& c : cases) {
    const auto t = list.check(c.url);
    ASSERT_TRUE(t) << c.url << ": " << t.error().message;
    EXPECT_EQ(t->tls, c.tls) << c.url;
    EXPECT_EQ(t->host, c.host) << c.url;
    EXPECT_EQ(t->port, c.port) << c.url;
    EXPECT_EQ(t->target, c.target) << c.url;
    EXPECT_EQ(t->url, c.url);
    EXPECT_EQ(t->host_named_in_list, c.named) << c.url;
  }
}

TEST(WebhookAllowList, AllowsHttpOnlyWithTheOperatorsFlag) {
  const auto t = allow_list(kList, true).check("http://127.0.0.1:8080/x");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_FALSE(t->tls);
  EXPECT_EQ(t->port, "8080");
  const auto default_port = allow_list(kList, true).check("http://hooks.partner.example/x");
  ASSERT_TRUE(default_port) << default_port.error().message;
  EXPECT_EQ(default_port->port, "80");
}

struct RefusedCase {
  const char* list;
  bool allow_http;
  const char* url;
  std::string error;
};

TEST(WebhookAllowList, RefusesEachBrokenRuleWithItsMessage) {
  const char* not_listed = "the webhook host %s is not in the allow list (--webhook-allow)";
  auto refused = [&](const char* host) {
    std::string m = not_listed;
    return m.replace(m.find("%s"), 2, host);
  };
  const std::string not_host = "the webhook URL's host is not a host name or an IP address";
  const std::vector<RefusedCase> cases{
      {"", false, "https://hooks.partner.example/",
       "no webhook targets are allowed: the operator sets --webhook-allow"},
      {"", true, "http://127.0.0.1/",
       "no webhook targets are allowed: the operator sets --webhook-allow"},
      {kList, false, "/relative", "the webhook URL is not an absolute URL"},
      {kList, false, "hooks.partner.example/x", "the webhook URL is not an absolute URL"},
      {kList, false, "https://hooks partner/", "the webhook URL is not an absolute URL"},
      {kList, false, "ftp://hooks.partner.example/", "the webhook URL must be an https URL"},
      {kList, false, "mailto:a@hooks.partner.example", "the webhook URL must be an https URL"},
      {kList, false, "http://hooks.partner.example/",
       "the webhook URL must use https (http needs --webhook-allow-http)"},
      {kList, false, "https://user:pw@hooks.partner.example/",
       "the webhook URL must not contain user information"},
      {kList, false, "https://@hooks.partner.example/",
       "the webhook URL must not contain user information"},
      {kList, false, "https://hooks.partner.example/#f",
       "the webhook URL must not contain a fragment"},
      {kList, false, "https://hooks.partner.example:0/", "the webhook URL's port is not 1-65535"},
      {kList, false, "https://hooks.partner.example:65536/",
       "the webhook URL's port is not 1-65535"},
      {kList, false, "https:///path", not_host},
      {kList, false, "https:path", not_host},
      {kList, false, "https://[v1.x]/", not_host},
      {kList, false, "https://bad_host.example/", not_host},
      {kList, false, "https://11.0.0.1/", refused("11.0.0.1")},
      {kList, false, "https://127.0.0.2/", refused("127.0.0.2")},
      {kList, false, "https://[::2]/", refused("::2")},
      {kList, false, "https://[::ffff:11.0.0.1]/", refused("::ffff:11.0.0.1")},
      {"hooks.partner.example", false, "https://other.example/", refused("other.example")},
      {"hooks.partner.example", false, "https://10.0.0.1/", refused("10.0.0.1")},
  };
  for (const auto& c : cases) {
    const auto t = allow_list(c.list, c.allow_http).check(c.url);
    ASSERT_FALSE(t) << c.url;
    EXPECT_EQ(t.error().code, ErrorCode::invalid) << c.url;
    EXPECT_EQ(t.error().message, c.error) << c.url;
  }
}

struct AddressCase {
  const char* address;
  bool allowed;
};

TEST(WebhookAllowList, AllowsOnlyAddressesInsideListedNetworks) {
  const auto list = allow_list(kList);
  const std::vector<AddressCase> cases{
      {"10.0.0.0", true},
      {"10.255.255.255", true},
      {"11.0.0.0", false},
      {"9.255.255.255", false},
      {"127.0.0.1", true},
      {"127.0.0.2", false},
      {"::1", true},
      {"::2", false},
      {"::ffff:10.1.2.3", true},
      {"::ffff:11.1.2.3", false},
      {"::ffff:127.0.0.1", true},
      {"fd12::1", true},
      {"fe80::1", false},
      {"0.0.0.0", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(list.allows_address(ip::make_address(c.address)), c.allowed) << c.address;
  }
  const auto everything_v4 = allow_list("0.0.0.0/0");
  EXPECT_TRUE(everything_v4.allows_address(ip::make_address("203.0.113.9")));
  EXPECT_TRUE(everything_v4.allows_address(ip::make_address("::ffff:203.0.113.9")));
  EXPECT_FALSE(everything_v4.allows_address(ip::make_address("::1")));
  EXPECT_FALSE(allow_list("hooks.partner.example").allows_address(ip::make_address("10.0.0.1")));
}

}  // namespace
}  // namespace perspectief::api
