import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBatchLine } from './batch-line.js';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    custom_id: 'req-1',
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'offline', messages: [{ role: 'user', content: 'hi' }] },
    ...fields,
  });

describe('checkBatchLine', () => {
  it('accepts a well-formed line and remembers its custom_id', () => {
    const seen = new Set<string>();
    expect(checkBatchLine(line({}), '/v1/chat/completions', seen)).toMatchObject({
      ok: true,
      customId: 'req-1',
      body: { model: 'offline' },
    });
    expect(seen.has('req-1')).toBe(true);
  });

  it.each([
    ['not JSON', '{', null, 'invalid_json_line'],
    ['not an object', '[1]', null, 'invalid_json_line'],
    ['no custom_id', line({ custom_id: undefined }), null, 'missing_required_parameter'],
    ['a GET', line({ method: 'GET' }), 'req-1', 'invalid_method'],
    ['another endpoint', line({ url: '/v1/embeddings' }), 'req-1', 'invalid_url'],
    ['no body', line({ body: 'text' }), 'req-1', 'missing_required_parameter'],
    ['no model', line({ body: { messages: [] } }), 'req-1', 'missing_required_parameter'],
    ['a stream', line({ body: { model: 'm', stream: true } }), 'req-1', 'invalid_request'],
  ])('rejects %s', (_name, text, customId, code) => {
    expect(checkBatchLine(text, '/v1/chat/completions', new Set())).toMatchObject({
      ok: false,
      customId,
      code,
    });
  });

  it('rejects a custom_id used by an earlier valid line', () => {
    const seen = new Set<string>();
    checkBatchLine(line({}), '/v1/chat/completions', seen);
    expect(checkBatchLine(line({}), '/v1/chat/completions', seen)).toMatchObject({
      ok: false,
      code: 'duplicate_custom_id',
    });
  });

  it('answers any text with a verdict, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const check = checkBatchLine(text, '/v1/embeddings', new Set());
        expect(typeof check.ok).toBe('boolean');
      }),
    );
  });
});
