import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aPromptDefinition } from '../../../test/contract/prompt-fixtures.js';
import { SlipwayError } from '../errors.js';
import type { PromptDefinition } from '../prompt.js';
import { renderPrompt } from './render-prompt.js';

const withTemplate = (
  content: string,
  variables: Record<string, unknown> = { type: 'object' },
): PromptDefinition => aPromptDefinition({ messages: [{ role: 'user', content }], variables, tests: [] });

function renderError(definition: PromptDefinition, variables: unknown): SlipwayError {
  try {
    renderPrompt(definition, variables);
  } catch (error) {
    if (error instanceof SlipwayError) return error;
    throw error;
  }
  throw new Error('rendered without an error');
}

describe('renderPrompt', () => {
  it('renders every message with the variables, without HTML escaping', () => {
    const messages = renderPrompt(aPromptDefinition(), { company: 'A&B <Ltd>', ticket: '"Where" is it?' });
    expect(messages).toEqual([
      { role: 'system', content: 'You sort support tickets for A&B <Ltd>.' },
      { role: 'user', content: '"Where" is it?' },
    ]);
  });

  it('renders dotted names, lists in sections, inverted sections and numbers', () => {
    const definition = withTemplate(
      'Hi {{customer.name}} ({{customer.age}}).{{#orders}} #{{id}}:{{item}}{{/orders}}{{^vip}} standard{{/vip}}',
    );
    const [message] = renderPrompt(definition, {
      customer: { name: 'Ada', age: 36 },
      orders: [
        { id: 1, item: 'tea' },
        { id: 2, item: 'cake' },
      ],
      vip: false,
    });
    expect(message?.content).toBe('Hi Ada (36). #1:tea #2:cake standard');
  });

  it('names a variable the schema requires and the caller left out', () => {
    const error = renderError(aPromptDefinition(), { company: 'Acme' });
    expect(error).toMatchObject({ code: 'invalid_request', param: 'prompt.variables' });
    expect(error.message).toContain("must have required property 'ticket'");
  });

  it('names a variable of the wrong type', () => {
    const error = renderError(aPromptDefinition(), { company: 'Acme', ticket: 42 });
    expect(error.message).toContain('/ticket must be string');
  });

  it('refuses a tag whose variable the schema does not require but the caller did not give', () => {
    const error = renderError(withTemplate('Dear {{customer.name}}, {{#orders}}{{sku}}{{/orders}}'), {
      customer: {},
      orders: [{ id: 1 }],
    });
    expect(error.message).toContain('missing variable "customer.name" (in messages[0])');
    expect(error.message).toContain('missing variable "sku" (in messages[0], section "orders")');
  });

  it('refuses null, objects and lists in a printing tag, and prototype names', () => {
    expect(renderError(withTemplate('{{a}}'), { a: null }).message).toContain('missing variable "a"');
    expect(renderError(withTemplate('{{a}}'), { a: { b: 1 } }).message).toContain('cannot print');
    expect(renderError(withTemplate('{{a}}'), { a: ['x'] }).message).toContain('cannot print');
    expect(renderError(withTemplate('{{constructor}}'), {}).message).toContain(
      'missing variable "constructor"',
    );
  });

  it('refuses variables that are not a JSON object', () => {
    for (const variables of [null, [], 'text', 3]) {
      expect(renderError(withTemplate('x'), variables).message).toContain('must be a JSON object');
    }
    expect(renderError(withTemplate('{{a}}'), { a: Number.NaN }).message).toContain('not a JSON number');
    expect(renderError(withTemplate('{{a}}'), { a: () => 1 }).message).toContain('not a JSON value');
  });

  it('either renders or throws invalid_request on prompt.variables, for any variables', () => {
    const definition = withTemplate('{{a}} {{b.c}} {{#list}}{{.}}{{/list}}{{^flag}}!{{/flag}}', {
      type: 'object',
      properties: { a: { type: ['string', 'number'] } },
    });
    fc.assert(
      fc.property(fc.anything(), (variables) => {
        try {
          renderPrompt(definition, variables);
        } catch (error) {
          expect(error).toBeInstanceOf(SlipwayError);
          expect(error).toMatchObject({ code: 'invalid_request', param: 'prompt.variables' });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('leaves no tag of the template unrendered when every variable is given', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
    const value = fc.oneof(
      fc.string().filter((text) => !text.includes('{{') && !text.includes('}}') && !text.endsWith('{')),
      fc.integer(),
      fc.boolean(),
    );
    const piece = fc.oneof(
      fc.string().filter((text) => !text.includes('{') && !text.includes('}')),
      name.map((variable) => ({ variable })),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), value, (pieces, filler) => {
        const variables: Record<string, unknown> = {};
        const template = pieces
          .map((part) => {
            if (typeof part === 'string') return part;
            variables[part.variable] = filler;
            return `{{${part.variable}}}`;
          })
          .join('');
        const [message] = renderPrompt(withTemplate(template), variables);
        expect(message?.content).not.toContain('{{');
      }),
      { numRuns: 300 },
    );
  });
});
