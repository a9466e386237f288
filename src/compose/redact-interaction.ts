import type { InteractionRecord } from '../core/interaction.js';
import type { Redactor } from '../core/redaction/redactor.js';

/**
 * Every free-text field of an interaction goes through the redactor before it is stored. The end-user id is kept
 * as given: it is the key that filters and erasure work by, so apps should send a pseudonymous id.
 */
export function redactInteraction(redactor: Redactor, record: InteractionRecord): InteractionRecord {
  return {
    ...record,
    request: redactor.redactValue(record.request).value,
    response: redactor.redactValue(record.response).value,
    retrievedDocuments: redactor.redactValue(record.retrievedDocuments).value,
    errorMessage: record.errorMessage === null ? null : redactor.redactText(record.errorMessage).text,
    attempts: record.attempts.map((attempt) =>
      attempt.errorMessage === null
        ? attempt
        : { ...attempt, errorMessage: redactor.redactText(attempt.errorMessage).text },
    ),
  };
}
