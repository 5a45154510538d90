#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace perspectief {

// The small canonical error set of the service. The mapping to HTTP lives in api/problem.cpp.
enum class ErrorCode {
  invalid,              // the input is malformed or breaks a schema (400)
  not_found,            // the stream, case or route does not exist (404)
  conflict,             // a rule of the programme or an eventId reuse (409)
  precondition_failed,  // the expected stream version does not hold (412)
  forbidden,            // the actor's role or scope does not allow it (403)
  unavailable,          // the store cannot serve now; retrying may help (503)
  corrupt,              // a stored record or index entry is damaged; retrying cannot help (500)
};

struct FieldError {
  std::string field;    // JSON path, e.g. "data.beds"
  std::string message;  // never contains the submitted value
  bool operator==(const FieldError&) const = default;
};

// An error as clients see it. `message` goes into the problem detail: it names rules and
// fields, never personal data. `rule` names the broken domain rule where there is one.
struct Error {
  ErrorCode code{ErrorCode::invalid};
  std::string message;
  std::vector<FieldError> fields;
  std::string rule;
  std::string internal;  // for the operator's log only (file names, library messages); never sent
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message), {}, {}, {}};
}

// A value or an Error (std::expected is not in GCC 12).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }
  Error&& take_error() { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};

using Status = Result<Ok>;

}  // namespace perspectief
