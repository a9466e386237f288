import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../core/errors.js';
import type { PromptVersion } from '../core/prompt.js';
import { makeExpandPromptReference } from './expand-prompt-reference.js';

const VERSION: PromptVersion = {
  name: 'greeting',
  version: 4,
  contentHash: 'sha256:00',
  definition: {
    name: 'greeting',
    description: null,
    model: 'offline-extractive',
    parameters: { temperature: 0.2, max_tokens: 50 },
    messages: [{ role: 'system', content: 'Greet {{who}}.' }],
    variables: { type: 'object' },
    tests: [],
  },
  source: { path: 'greeting.prompt.yaml', gitCommit: null, gitAuthor: null, gitMessage: null },
  createdAt: 0,
  createdBy: 'api_key:k',
};

const selectors: unknown[] = [];
const expand = makeExpandPromptReference({
  resolve: (name, selector) => {
    selectors.push(selector);
    if (name !== 'greeting') return Promise.reject(new SlipwayError('not_found', `No prompt ${name}`));
    return Promise.resolve(VERSION);
  },
  render: (_definition, variables) => {
    if (typeof variables.who !== 'string')
      throw new SlipwayError('invalid_request', 'missing variable "who"');
    return [{ role: 'system', content: `Greet ${variables.who}.` }];
  },
});

describe('expandPromptReference', () => {
  it("renders first, appends the client's messages, and lets the request override model and parameters", async () => {
    const { body, tags } = await expand(
      { name: 'greeting', variables: { who: 'Ada' } },
      { temperature: 1, messages: [{ role: 'user', content: 'Hi' }], user: 'u1' },
    );
    expect(body).toEqual({
      model: 'offline-extractive',
      temperature: 1,
      max_tokens: 50,
      user: 'u1',
      messages: [
        { role: 'system', content: 'Greet Ada.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(tags).toEqual({ promptName: 'greeting', promptVersion: 4 });
    expect(selectors.at(-1)).toEqual({ label: 'production' });
  });

  it('resolves the label or version asked for', async () => {
    await expand({ name: 'greeting', version: 4, variables: { who: 'x' } }, {});
    expect(selectors.at(-1)).toEqual({ version: 4 });
    await expand({ name: 'greeting', label: 'staging', variables: { who: 'x' } }, { model: 'other' });
    expect(selectors.at(-1)).toEqual({ label: 'staging' });
  });

  it('names the field at fault: prompt for an unknown prompt, prompt.variables for bad variables', async () => {
    await expect(expand({ name: 'nope', variables: {} }, {})).rejects.toMatchObject({
      code: 'not_found',
      param: 'prompt',
    });
    await expect(expand({ name: 'greeting', variables: {} }, {})).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'prompt.variables',
    });
  });
});
