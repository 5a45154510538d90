#pragma once

#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <string>

namespace perspectief::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  boost::json::value json() const;  // parsed body (null if not JSON)
  std::string header(const std::string& lower_name) const;
};

// A blocking HTTP/1.1 client over one keep-alive connection to 127.0.0.1:port; reconnects
// when the server closed the connection.
class HttpClient {
 public:
  explicit HttpClient(unsigned short port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& token = {}, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});
  HttpResult get(const std::string& target, const std::string& token) {
    return request("GET", target, token);
  }
  HttpResult post(const std::string& target, const std::string& token, const std::string& body,
                  const std::map<std::string, std::string>& headers = {}) {
    return request("POST", target, token, body, headers);
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends raw bytes on a fresh connection and returns everything the server sends back until it
// closes (or `timeout_ms` passes).
std::string raw_exchange(unsigned short port, const std::string& bytes, int timeout_ms = 5000);

}  // namespace perspectief::testing
