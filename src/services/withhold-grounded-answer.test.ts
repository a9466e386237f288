import { describe, expect, it } from 'vitest';
import type { InteractionRecord } from '../core/interaction.js';
import {
  WITHHELD_ANSWER,
  withholdGroundedAnswer,
  withholdingGroundedAnswers,
} from './withhold-grounded-answer.js';

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [
    { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Revenue grew 12%.' } },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
};
const grounded = {
  id: 'int_1',
  response: completion,
  retrievedDocuments: [{ collection: 'reports', documentId: 'q3.md', chunkIndex: 0, score: 0.9 }],
} as unknown as InteractionRecord;

describe('withhold grounded answers', () => {
  it('replaces the generated text of a grounded interaction and keeps usage and references', () => {
    const logged = withholdGroundedAnswer(grounded);
    expect(JSON.stringify(logged)).not.toContain('12%');
    expect(logged.response).toMatchObject({
      usage: completion.usage,
      choices: [{ index: 0, finish_reason: 'stop', message: { content: WITHHELD_ANSWER } }],
    });
    expect(logged.retrievedDocuments).toEqual(grounded.retrievedDocuments);
    expect(withholdGroundedAnswer({ ...grounded, response: 'text' }).response).toBe('text');
    expect(withholdGroundedAnswer({ ...grounded, response: { other: 'Revenue' } }).response).toBe(
      WITHHELD_ANSWER,
    );
  });

  it('leaves interactions without retrieval as they are', () => {
    const plain = { ...grounded, retrievedDocuments: [] };
    expect(withholdGroundedAnswer(plain)).toBe(plain);
  });

  it('hands the sink (and so the log and telemetry behind it) only the withheld record', async () => {
    const seen: InteractionRecord[] = [];
    const sink = withholdingGroundedAnswers({
      record: (record: InteractionRecord) => void seen.push(record),
    });
    await sink.record(grounded);
    expect(JSON.stringify(seen)).not.toContain('12%');
  });
});
