import type { InteractionRecord } from '../core/interaction.js';
import type { InteractionSink } from '../ports/interaction-sink.js';

/** What the log holds instead of an answer drawn from retrieved documents. */
export const WITHHELD_ANSWER =
  '[withheld: this answer was drawn from retrieved documents; the log keeps references to them, not their text]';

function withheldChoice(choice: unknown): unknown {
  if (typeof choice !== 'object' || choice === null) return WITHHELD_ANSWER;
  const {
    message: _message,
    delta: _delta,
    logprobs: _logprobs,
    ...rest
  } = choice as Record<string, unknown>;
  return { ...rest, message: { role: 'assistant', content: WITHHELD_ANSWER } };
}

function withheldResponse(response: unknown): unknown {
  if (typeof response !== 'object' || response === null) return response;
  const body = response as Record<string, unknown>;
  if (!Array.isArray(body.choices)) return WITHHELD_ANSWER;
  return { ...body, choices: body.choices.map(withheldChoice) };
}

/**
 * The record as the log and telemetry may keep it: for an interaction grounded by retrieval, the generated text
 * is replaced by a marker, because an answer quotes the documents it was grounded in and would otherwise be a
 * copy of them readable by anyone with log access, under no document's rule (and unchanged by later rule changes
 * or deletions). Usage, timing, status and the references in `retrievedDocuments` are kept.
 * @example sink.record(withholdGroundedAnswer(record));
 */
export function withholdGroundedAnswer(record: InteractionRecord): InteractionRecord {
  if (record.retrievedDocuments.length === 0) return record;
  return { ...record, response: withheldResponse(record.response) };
}

/** A sink that withholds grounded answers before `sink` sees the record. */
export function withholdingGroundedAnswers<Sink extends InteractionSink>(sink: Sink): Sink {
  return { ...sink, record: (record: InteractionRecord) => sink.record(withholdGroundedAnswer(record)) };
}
