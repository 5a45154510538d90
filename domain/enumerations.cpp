#include "domain/enumerations.hpp"

namespace perspectief {

OutcomeClass outcome_class(Outcome outcome) {
  switch (outcome) {
    case Outcome::residence_permit:
    case Outcome::independent_return:
    case Outcome::onward_migration:
      return OutcomeClass::durable;
    case Outcome::new_asylum_application:
    case Outcome::medical_postponement:
      return OutcomeClass::semi_durable;
    case Outcome::forced_departure:
    case Outcome::detention:
    case Outcome::left_unknown:
    case Outcome::removed_non_cooperation:
      return OutcomeClass::no_solution;
    case Outcome::transferred_other_shelter:
    case Outcome::deceased:
    case Outcome::other:
      return OutcomeClass::other;
  }
  return OutcomeClass::other;
}

EscalationEnd escalation_end(Resolution resolution) {
  switch (resolution) {
    case Resolution::resolved:
      return EscalationEnd::resolved;
    case Resolution::stay_terminated:
      return EscalationEnd::stay_terminated;
  }
  return EscalationEnd::resolved;
}

}  // namespace perspectief
