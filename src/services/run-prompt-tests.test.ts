import { describe, expect, it } from 'vitest';
import type { ChatCompletion, EmbeddingRequest } from '../core/chat.js';
import { SlipwayError } from '../core/errors.js';
import type { PromptDefinition, PromptTestCase, PromptTestRun, PromptVersion } from '../core/prompt.js';
import { completionOf, embeddingsOf } from '../../test/doubles/fake-model-provider.js';
import { CALLER, gatewayHarness } from '../../test/doubles/gateway-harness.js';
import { FakeTokenCounter } from '../../test/doubles/fake-token-counter.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import { makeCompleteChat } from './complete-chat.js';
import type { CompleteChatInput, CompleteChatResult } from './complete-chat.js';
import { makeCreateEmbeddings } from './create-embeddings.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from './create-embeddings.js';
import type { PromptActor } from './prompt-actor.js';
import { makeRunPromptTests } from './run-prompt-tests.js';
import type { RunPromptTestsDeps } from './run-prompt-tests.js';

const ACTOR: PromptActor = {
  kind: 'user',
  id: 'usr_1',
  role: 'developer',
  projectScope: null,
  label: 'dev@example.com',
};

function promptVersion(tests: PromptTestCase[], overrides: Partial<PromptDefinition> = {}): PromptVersion {
  return {
    name: 'support/triage',
    version: 3,
    contentHash: 'sha256:abc',
    definition: {
      name: 'support/triage',
      description: null,
      model: 'gpt-prod',
      parameters: { temperature: 0, stream: true, stream_options: { include_usage: true } },
      messages: [
        { role: 'system', content: 'Triage the ticket.' },
        { role: 'user', content: '{{ticket}}' },
      ],
      variables: { type: 'object', required: ['ticket'], properties: { ticket: { type: 'string' } } },
      tests,
      ...overrides,
    },
    source: { path: 'support/triage.prompt.yaml', gitCommit: null, gitAuthor: null, gitMessage: null },
    createdAt: 0,
    createdBy: 'user:usr_1',
  };
}

/** A chat double answering each ticket from a table, recording calls and how many ran at once. */
class FakeChat {
  readonly calls: CompleteChatInput[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly answers: Record<string, string | SlipwayError>,
    private readonly clock: ManualClock,
  ) {}

  readonly completeChat = async (input: CompleteChatInput): Promise<CompleteChatResult> => {
    this.calls.push(input);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.inFlight -= 1;
    this.clock.advance(250);
    const ticket = String(input.request.messages.at(-1)?.content);
    const answer = this.answers[ticket] ?? 'no idea';
    if (answer instanceof SlipwayError) throw answer;
    const completion: ChatCompletion = completionOf(answer, {
      usage: { prompt_tokens: 1_000, completion_tokens: 500, total_tokens: 1_500 },
    });
    return {
      kind: 'completion',
      completion,
      interactionId: `int_${ticket}`,
      target: 'openai/gpt-4o',
      attempts: 1,
    };
  };
}

/** Embeddings double: a text's vector says whether it mentions a refund. */
class FakeEmbeddings {
  readonly calls: CreateEmbeddingsInput[] = [];

  readonly createEmbeddings = async (input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult> => {
    this.calls.push(input);
    const texts = input.request.input as string[];
    const data = texts.map((text, index) => ({
      object: 'embedding' as const,
      index,
      embedding: /refund/i.test(text) ? [1, 0.1] : [0.1, 1],
    }));
    // Out of order on purpose: the runner must use `index`.
    data.reverse();
    return {
      response: { object: 'list', data, model: 'embed', usage: { prompt_tokens: 1, total_tokens: 1 } },
      interactionId: 'int_embed',
      target: 'offline/embed',
      attempts: 1,
    };
  };
}

function setup(answers: Record<string, string | SlipwayError>, overrides: Partial<RunPromptTestsDeps> = {}) {
  const clock = new ManualClock();
  const chat = new FakeChat(answers, clock);
  const embeddings = new FakeEmbeddings();
  const saved: PromptTestRun[] = [];
  const deps: RunPromptTestsDeps = {
    completeChat: chat.completeChat,
    createEmbeddings: embeddings.createEmbeddings,
    registry: { saveTestRun: async (run) => void saved.push(run) },
    clock,
    random: new SeededRandom(1),
    prices: { 'openai/gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 } },
    tokenCounter: new FakeTokenCounter(),
    defaultTestModel: 'offline',
    similarityModel: 'embed',
    ...overrides,
  };
  return { runPromptTests: makeRunPromptTests(deps), chat, embeddings, saved, clock };
}

const refundCase: PromptTestCase = {
  name: 'refund request',
  variables: { ticket: 'I want my money back' },
  assert: [
    { type: 'contains', value: 'refund' },
    { type: 'max-latency-ms', value: 1_000 },
    { type: 'max-cost-usd', value: 0.01 },
  ],
};

describe('runPromptTests', () => {
  it('runs each case through the gateway on the default test model, checks assertions and saves the run', async () => {
    const h = setup({ 'I want my money back': 'A refund is on its way.', 'Where is it?': 'Shipped.' });
    const failing: PromptTestCase = {
      name: 'shipping',
      variables: { ticket: 'Where is it?' },
      assert: [{ type: 'contains', value: 'tracking' }],
    };
    const run = await h.runPromptTests({
      version: promptVersion([refundCase, failing]),
      actor: ACTOR,
      caller: CALLER,
    });

    expect(run).toMatchObject({
      id: 'ptr_000001',
      name: 'support/triage',
      version: 3,
      model: 'offline',
      passed: false,
      actor: 'user:usr_1',
    });
    expect(run.finishedAt - run.startedAt).toBeGreaterThanOrEqual(250);
    expect(run.cases[0]).toMatchObject({
      name: 'refund request',
      passed: true,
      output: 'A refund is on its way.',
      error: null,
      latencyMs: 250,
      costUsd: 0.0075,
      interactionId: 'int_I want my money back',
    });
    expect(run.cases[0]?.assertions.map((assertion) => assertion.passed)).toEqual([true, true, true]);
    expect(run.cases[1]).toMatchObject({ name: 'shipping', passed: false });
    expect(run.cases[1]?.assertions[0]?.message).toBe("expected to contain 'tracking', got: 'Shipped.'");
    expect(h.saved).toEqual([run]);

    const call = h.chat.calls[0];
    expect(call).toMatchObject({
      caller: CALLER,
      endUser: null,
      tags: { promptName: 'support/triage', promptVersion: 3 },
    });
    expect(call?.request).toEqual({
      model: 'offline',
      temperature: 0,
      stream: false,
      messages: [
        { role: 'system', content: 'Triage the ticket.' },
        { role: 'user', content: 'I want my money back' },
      ],
    });
  });

  it("uses the requested model, else the prompt's own model when no test model is configured", async () => {
    const chosen = setup({});
    const run = await chosen.runPromptTests({
      version: promptVersion([refundCase]),
      model: 'gpt-mini',
      actor: ACTOR,
      caller: CALLER,
    });
    expect(run.model).toBe('gpt-mini');
    expect(chosen.chat.calls[0]?.request.model).toBe('gpt-mini');

    const own = setup({}, { defaultTestModel: null });
    expect(
      (await own.runPromptTests({ version: promptVersion([refundCase]), actor: ACTOR, caller: CALLER }))
        .model,
    ).toBe('gpt-prod');
  });

  it('fails a case whose variables do not render, with the render error, without calling the model', async () => {
    const h = setup({});
    const broken: PromptTestCase = { name: 'no ticket', variables: {}, assert: [{ type: 'is-json' }] };
    const run = await h.runPromptTests({ version: promptVersion([broken]), actor: ACTOR, caller: CALLER });

    expect(run.passed).toBe(false);
    expect(run.cases[0]).toMatchObject({ passed: false, output: null, interactionId: null, assertions: [] });
    expect(run.cases[0]?.error).toMatch(/^invalid_request: .*ticket/);
    expect(h.chat.calls).toHaveLength(0);
  });

  it('fails a case whose call fails, and goes on with the others', async () => {
    const h = setup({
      'I want my money back': new SlipwayError('rate_limited', 'Too many requests for key key_1'),
      'Hello?': 'Hi, a refund?',
    });
    const other: PromptTestCase = { name: 'greeting', variables: { ticket: 'Hello?' }, assert: [] };
    const run = await h.runPromptTests({
      version: promptVersion([refundCase, other]),
      actor: ACTOR,
      caller: CALLER,
    });

    expect(run.cases[0]).toMatchObject({
      passed: false,
      output: null,
      error: 'rate_limited: Too many requests for key key_1',
      latencyMs: 250,
      assertions: [],
    });
    expect(run.cases[1]).toMatchObject({ passed: true, output: 'Hi, a refund?' });
    expect(h.saved).toHaveLength(1);
  });

  it('runs cases with bounded concurrency and reports progress', async () => {
    const tests = Array.from({ length: 9 }, (_, index) => ({
      name: `case ${index}`,
      variables: { ticket: `ticket ${index}` },
      assert: [],
    }));
    const h = setup({});
    const progress: Array<[number, number]> = [];
    const run = await h.runPromptTests({
      version: promptVersion(tests),
      actor: ACTOR,
      caller: CALLER,
      concurrency: 3,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(h.chat.maxInFlight).toBe(3);
    expect(run.cases.map((testCase) => testCase.name)).toEqual(tests.map((testCase) => testCase.name));
    expect(progress).toEqual(Array.from({ length: 9 }, (_, index) => [index + 1, 9]));

    const byDefault = setup({});
    await byDefault.runPromptTests({ version: promptVersion(tests), actor: ACTOR, caller: CALLER });
    expect(byDefault.chat.maxInFlight).toBe(4);
  });

  it('saves a passing run with no cases for a version without tests', async () => {
    const h = setup({});
    const run = await h.runPromptTests({ version: promptVersion([]), actor: ACTOR, caller: CALLER });
    expect(run).toMatchObject({ passed: true, cases: [] });
    expect(h.saved).toEqual([run]);
  });

  it('measures similarity with one embeddings call per case, on the configured model', async () => {
    const h = setup({ 'I want my money back': 'Your refund is approved.' });
    const similar: PromptTestCase = {
      name: 'similar',
      variables: { ticket: 'I want my money back' },
      assert: [
        { type: 'similar', to: 'We will refund you', threshold: 0.9 },
        { type: 'contains', value: 'approved' },
        { type: 'similar', to: 'Thanks for your patience', threshold: 0.9 },
      ],
    };
    const run = await h.runPromptTests({ version: promptVersion([similar]), actor: ACTOR, caller: CALLER });

    expect(h.embeddings.calls).toHaveLength(1);
    expect(h.embeddings.calls[0]?.request).toEqual<EmbeddingRequest>({
      model: 'embed',
      input: ['Your refund is approved.', 'We will refund you', 'Thanks for your patience'],
      encoding_format: 'float',
    });
    expect(run.cases[0]?.assertions.map((assertion) => assertion.passed)).toEqual([true, true, false]);
    expect(run.cases[0]?.assertions[2]?.message).toMatch(/^expected similarity at least 0\.9 to 'Thanks/);
  });

  it('fails `similar` assertions with the config key to set when no embeddings model is configured', async () => {
    const h = setup({ 'I want my money back': 'refund' }, { similarityModel: null });
    const similar: PromptTestCase = {
      name: 'similar',
      variables: { ticket: 'I want my money back' },
      assert: [{ type: 'similar', to: 'refund', threshold: 0.5 }],
    };
    const run = await h.runPromptTests({ version: promptVersion([similar]), actor: ACTOR, caller: CALLER });
    expect(run.cases[0]?.assertions[0]?.message).toContain('set prompts.similarityModel');
    expect(h.embeddings.calls).toHaveLength(0);
  });

  it('fails `similar` assertions with the error when the embeddings call fails', async () => {
    const h = setup(
      { 'I want my money back': 'refund' },
      {
        createEmbeddings: async () => {
          throw new SlipwayError('not_found', 'No model named embed');
        },
      },
    );
    const similar: PromptTestCase = {
      name: 'similar',
      variables: { ticket: 'I want my money back' },
      assert: [{ type: 'similar', to: 'refund', threshold: 0.5 }],
    };
    const run = await h.runPromptTests({ version: promptVersion([similar]), actor: ACTOR, caller: CALLER });
    expect(run.cases[0]?.assertions[0]?.message).toBe(
      "could not measure similarity to 'refund': embeddings model embed failed: not_found: No model named embed",
    );
  });
});

describe('runPromptTests through the real chat and embeddings use cases', () => {
  it('tags the interaction, prices the answer from the price table and embeds through the route', async () => {
    const harness = gatewayHarness();
    // No usage from the upstream: both the log and the runner count tokens, and must agree on the cost.
    const completion = completionOf('A refund is on its way');
    delete completion.usage;
    harness.primary.script({ kind: 'complete', completion }, { kind: 'embed', response: embeddingsOf(2) });
    const saved: PromptTestRun[] = [];
    const runPromptTests = makeRunPromptTests({
      completeChat: makeCompleteChat(harness.deps),
      createEmbeddings: makeCreateEmbeddings(harness.deps),
      registry: { saveTestRun: async (run) => void saved.push(run) },
      clock: harness.clock,
      random: harness.deps.random,
      prices: harness.deps.prices,
      tokenCounter: harness.deps.tokenCounter,
      defaultTestModel: 'chat',
      similarityModel: 'embed',
    });
    const testCase: PromptTestCase = {
      name: 'refund',
      variables: { ticket: 'money back please' },
      assert: [
        { type: 'contains', value: 'refund' },
        { type: 'similar', to: 'refund', threshold: -1 },
      ],
    };
    const run = await runPromptTests({ version: promptVersion([testCase]), actor: ACTOR, caller: CALLER });

    expect(run.cases[0]).toMatchObject({ passed: true, output: 'A refund is on its way' });
    const record = harness.sink.records.find((each) => each.endpoint === 'chat.completions');
    expect(record).toMatchObject({ promptName: 'support/triage', promptVersion: 3, stream: false });
    expect(run.cases[0]?.interactionId).toBe(record?.id);
    expect(run.cases[0]?.costUsd).toBeCloseTo(record?.costUsd ?? Number.NaN, 12);
    expect(run.cases[0]?.costUsd).toBeGreaterThan(0);
    expect(harness.primary.calls.map((call) => call.method)).toEqual(['complete', 'embed']);
  });
});
