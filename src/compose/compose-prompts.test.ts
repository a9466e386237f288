import { describe, expect, it } from 'vitest';
import { completionOf } from '../../test/doubles/fake-model-provider.js';
import { FakeTokenCounter } from '../../test/doubles/fake-token-counter.js';
import { InMemoryPromptRegistry } from '../../test/doubles/in-memory-prompt-registry.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import { loadConfigText } from '../config/load-config.js';
import type { ApiKeyRecord, Project } from '../core/identity.js';
import type { PromptTestCase } from '../core/prompt.js';
import type { PromptActor } from '../services/prompt-actor.js';
import type { CompleteChatInput, CompleteChatResult } from '../services/complete-chat.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from '../services/create-embeddings.js';
import type { AuditEntry } from '../services/record-audit.js';
import { composePrompts } from './compose-prompts.js';

const PROJECT: Project = { id: 'prj_default', name: 'default', createdAt: 0, retentionDays: null };

const KEY: ApiKeyRecord = {
  id: 'key_ci',
  projectId: 'prj_ci',
  name: 'ci',
  role: 'developer',
  secretHash: 'digest',
  displayPrefix: 'sk-slw-ci',
  createdAt: 0,
  expiresAt: null,
  revokedAt: null,
  allowedModels: ['offline-extractive', 'offline-hashed-ngrams'],
  limits: { requestsPerMinute: 10 },
};

const DEVELOPER_KEY: PromptActor = {
  kind: 'api_key',
  id: KEY.id,
  role: 'developer',
  projectScope: 'prj_ci',
  label: KEY.id,
};
const ADMIN_PERSON: PromptActor = {
  kind: 'user',
  id: 'usr_ada',
  role: 'admin',
  projectScope: null,
  label: 'ada@example.com',
};

/** The prompt store with the two key and project look-ups test calls need. */
class PromptStore extends InMemoryPromptRegistry {
  getApiKey(id: string): Promise<ApiKeyRecord | null> {
    return Promise.resolve(id === KEY.id ? KEY : null);
  }

  findProjectByName(name: string): Promise<Project | null> {
    return Promise.resolve(name === PROJECT.name ? PROJECT : null);
  }
}

/** The composition over doubles: the chat answers `answer` to everything, embeddings are all alike. */
function compose(answer: string) {
  const chats: CompleteChatInput[] = [];
  const embeddings: CreateEmbeddingsInput[] = [];
  const audits: AuditEntry[] = [];
  const store = new PromptStore();
  const prompts = composePrompts({
    store,
    clock: new ManualClock(),
    random: new SeededRandom(7),
    recordAudit: (entry) => Promise.resolve(void audits.push(entry)),
    completeChat: (input): Promise<CompleteChatResult> => {
      chats.push(input);
      return Promise.resolve({
        kind: 'completion',
        completion: completionOf(answer),
        interactionId: `int_${chats.length}`,
        target: 'offline/offline-extractive',
        attempts: 1,
      });
    },
    createEmbeddings: (input): Promise<CreateEmbeddingsResult> => {
      embeddings.push(input);
      const texts = input.request.input as string[];
      return Promise.resolve({
        response: {
          object: 'list',
          data: texts.map((_text, index) => ({ object: 'embedding' as const, index, embedding: [1, 0] })),
          model: input.request.model,
          usage: { prompt_tokens: 1, total_tokens: 1 },
        },
        interactionId: 'int_embed',
        target: 'offline/offline-hashed-ngrams',
        attempts: 1,
      });
    },
    hasher: { digest: (text) => `digest-of-${text.length}-${text.slice(0, 40)}` },
    tokenCounter: new FakeTokenCounter(),
    config: loadConfigText('', { env: { SLIPWAY_DATA_DIR: '/nonexistent' }, cwd: '/', file: null }),
  });
  return { prompts, store, chats, embeddings, audits };
}

function definition(tests: PromptTestCase[]) {
  return {
    name: 'support/triage',
    description: null,
    model: 'gpt-prod',
    parameters: {},
    messages: [{ role: 'user', content: '{{question}}' }],
    variables: { type: 'object' },
    tests,
  };
}

const source = { gitCommit: null, gitAuthor: null, gitMessage: null };
const QUESTION = { question: 'How long do refunds take?' };

describe('composePrompts', () => {
  it('finishes a catastrophically backtracking regex on a long answer quickly: the V8 flag is set', async () => {
    // Without --enable-experimental-regexp-engine-on-excessive-backtracks, `(a+)+$` on 28 a's and a `!` takes
    // tens of seconds of backtracking (doubling with each further a); with it, V8 gives up on backtracking
    // and answers in milliseconds. The long answer would never finish without the flag.
    const { prompts } = compose(`${'a'.repeat(28)}!`);
    const long = compose(`${'a'.repeat(8_000)}!`);
    const tests = [
      { name: 'no runaway', variables: QUESTION, assert: [{ type: 'regex', pattern: '(a+)+$' }] },
    ];
    for (const { prompts: api } of [{ prompts }, long]) {
      const [pushed] = await api.push(
        [{ path: 'triage.prompt.yaml', definition: definition(tests as PromptTestCase[]), source }],
        DEVELOPER_KEY,
      );
      expect(pushed).toMatchObject({ status: 'created', version: 1 });
      const started = performance.now();
      const run = await api.test('support/triage', {}, DEVELOPER_KEY);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(run.cases[0]).toMatchObject({ passed: false, error: null });
    }
  }, 60_000);

  it("runs test calls as the asking key's own caller, on the offline route, measuring similarity on the first embeddings route", async () => {
    const { prompts, chats, embeddings } = compose('Refunds within 30 days.');
    const tests: PromptTestCase[] = [
      {
        name: 'similar',
        variables: QUESTION,
        assert: [{ type: 'similar', to: 'thirty days', threshold: 0.9 }],
      },
    ];
    await prompts.push([{ path: 'a.prompt.yaml', definition: definition(tests), source }], DEVELOPER_KEY);
    const run = await prompts.test('support/triage', {}, DEVELOPER_KEY);
    expect(run.passed).toBe(true);
    expect(chats[0]?.caller).toEqual({
      keyId: KEY.id,
      projectId: KEY.projectId,
      role: KEY.role,
      allowedModels: KEY.allowedModels,
      limits: KEY.limits,
    });
    expect(chats[0]?.request.model).toBe('offline-extractive');
    expect(chats[0]?.tags).toEqual({ promptName: 'support/triage', promptVersion: 1 });
    expect(embeddings[0]?.request.model).toBe('offline-hashed-ngrams');
    expect(embeddings[0]?.caller.keyId).toBe(KEY.id);
  });

  it('promotes only after a fresh run, refusing a failing version and leaving the label unmoved', async () => {
    const { prompts, chats, store, audits } = compose('Refunds within 14 days.');
    const tests: PromptTestCase[] = [
      { name: 'window', variables: QUESTION, assert: [{ type: 'contains', value: '30 days' }] },
    ];
    await prompts.push([{ path: 'a.prompt.yaml', definition: definition(tests), source }], ADMIN_PERSON);
    const refused = await prompts.promote(
      'support/triage',
      { version: 1, label: 'production' },
      ADMIN_PERSON,
    );
    expect(refused).toMatchObject({ status: 'refused', testRun: { passed: false, version: 1 } });
    expect(chats[0]?.caller).toMatchObject({ keyId: 'user:usr_ada', projectId: PROJECT.id, role: 'admin' });
    expect(await store.getLabels('support/triage')).toEqual({ latest: 1 });

    const overridden = await prompts.promote(
      'support/triage',
      { version: 1, label: 'production', overrideReason: 'legal asked' },
      ADMIN_PERSON,
    );
    expect(chats).toHaveLength(2);
    expect(overridden).toMatchObject({
      status: 'promoted',
      move: { override: true, reason: 'legal asked', toVersion: 1 },
    });
    expect(audits.at(-1)).toMatchObject({
      action: 'prompt.label_move',
      actor: { kind: 'user', id: 'usr_ada' },
      detail: { label: 'production', override: true, reason: 'legal asked' },
    });
  });
});
