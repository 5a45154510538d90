#include "projections/parsed_envelope.hpp"

#include "projections/case_table.hpp"

namespace perspectief {

namespace {

template <class Variant, class Data>
void parse_as(const Envelope& e, const Data& data, ParsedEnvelope& out) {
  if (auto typed = parse_event<Variant>(e.type, data)) out.event = std::move(*typed);
}

ParsedStream parse_stream_for_fold(std::string_view stream) {
  ParsedStream s{parse_stream_view(stream)};
  if (s.name && s.name->kind == StreamKind::case_file) s.case_hash = case_id_hash(s.name->id);
  return s;
}

template <class Data>
ParsedEnvelope parse_envelope_from(const Envelope& envelope, const Data& data) {
  ParsedEnvelope out{parse_stream_for_fold(envelope.stream), std::monostate{}};
  if (!out.stream.name || envelope.data_damaged) return out;
  switch (out.stream.name->kind) {
    case StreamKind::programme:
      parse_as<ProgrammeEvent>(envelope, data, out);
      break;
    case StreamKind::location:
      parse_as<LocationEvent>(envelope, data, out);
      break;
    case StreamKind::activity:
      parse_as<ActivityEvent>(envelope, data, out);
      break;
    case StreamKind::case_file:
      parse_as<CaseEvent>(envelope, data, out);
      break;
  }
  return out;
}

}  // namespace

ParsedEnvelope parse_envelope(const Envelope& envelope) {
  return parse_envelope_from(envelope, envelope.data);
}

ParsedEnvelope parse_envelope(const Envelope& envelope, FlatFields data) {
  return parse_envelope_from(envelope, data);
}

void parse_page(std::span<const Envelope> page, std::vector<ParsedEnvelope>& out) {
  out.clear();
  out.reserve(page.size());
  for (const auto& e : page) out.push_back(parse_envelope(e));
}

}  // namespace perspectief
