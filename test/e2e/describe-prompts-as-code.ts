import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { readCliSettings } from '../../src/config/cli-settings.js';
import type { PromptTestRun } from '../../src/core/prompt.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { sendRequest } from './send-request.js';
import type { TestGateway } from './start-test-gateway.js';

const PROMPT = 'support/triage';
const FILE = 'prompts/support/triage.prompt.yaml';

/** The prompt file, with the refund window its policy states and the one its test expects. */
function promptFile(policyDays: number, expectedDays: number): string {
  return `description: Answers a customer's question from the refund policy.
model: offline-extractive
parameters:
  temperature: 0
variables:
  type: object
  required: [question]
  properties:
    question: { type: string, minLength: 1 }
messages:
  - role: system
    content: Refunds are accepted within ${policyDays} days of purchase. Shipping takes five days.
  - role: user
    content: "{{question}}"
tests:
  - name: refund window
    variables: { question: How many days do I have for a refund? }
    assert:
      - { type: contains, value: "${expectedDays} days" }
      - { type: max-cost-usd, value: 0.01 }
  - name: close to the policy
    variables: { question: When are refunds accepted? }
    assert:
      - { type: similar, to: "Refunds are accepted within ${policyDays} days of purchase.", threshold: 0.5 }
`;
}

const QUESTION = { question: 'How many days do I have for a refund?' };
const PASSWORD = 'a long enough passphrase';

/**
 * Issue 5's walk-through, end to end, on one store: push a folder in a git repository with the CLI, serve the
 * prompt by label through the OpenAI SDK, watch a failing test refuse a promotion, fix it, promote, roll back;
 * ETag and 304; bad variables and unknown prompts; who may move which label. The caller starts the gateway.
 * @example describePromptsAsCode('sqlite', () => gateway);
 */
export function describePromptsAsCode(name: string, gatewayOf: () => TestGateway): void {
  describe(`${name}: prompts as code`, () => {
    let gateway: TestGateway;
    let repository: string;
    let client: OpenAI;

    async function cli(argv: string[], token: string = gateway.adminKey) {
      let stdout = '';
      let stderr = '';
      const program = buildProgram(
        {
          writeOut: (text) => (stdout += text),
          writeErr: (text) => (stderr += text),
          settings: readCliSettings({ SLIPWAY_URL: gateway.baseUrl, SLIPWAY_TOKEN: token }),
          now: () => Date.now(),
          interruption: () => new AbortController().signal,
        },
        { requestTimeoutMs: 10_000 },
      );
      const code = await program.run(argv);
      return { code, stdout, stderr };
    }

    async function commit(text: string, message: string): Promise<void> {
      writeFileSync(join(repository, FILE), text);
      await git.add({ fs, dir: repository, filepath: FILE });
      await git.commit({
        fs,
        dir: repository,
        message,
        author: { name: 'Ada Lovelace', email: 'ada@example.com' },
      });
    }

    async function answerByLabel(label?: string): Promise<string> {
      const completion = await client.chat.completions.create({
        messages: [],
        prompt: { name: PROMPT, variables: QUESTION, ...(label === undefined ? {} : { label }) },
      } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
      return completion.choices[0]?.message.content ?? '';
    }

    async function productionVersion(): Promise<number> {
      const answer = await sendRequest(gateway.baseUrl, {
        path: `/v1/prompts/${PROMPT}?label=production`,
        key: gateway.appKey,
      });
      return (answer.json() as { version: number }).version;
    }

    beforeAll(async () => {
      gateway = gatewayOf();
      client = new OpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: gateway.appKey, maxRetries: 0 });
      repository = mkdtempSync(join(tmpdir(), 'slipway-prompts-'));
      mkdirSync(join(repository, 'prompts/support'), { recursive: true });
      await git.init({ fs, dir: repository, defaultBranch: 'main' });
      await commit(promptFile(30, 30), 'Add the triage prompt');
    });
    afterAll(() => rmSync(repository, { recursive: true, force: true }));

    it('pushes a folder as v1 with its git commit; pushing it again creates nothing', async () => {
      const first = await cli(['prompts', 'push', join(repository, 'prompts')]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/created\s+support\/triage v1/);
      const again = await cli(['prompts', 'push', join(repository, 'prompts')]);
      expect(again.stdout).toMatch(/unchanged\s+support\/triage v1/);
      const versions = await cli(['prompts', 'versions', PROMPT, '--json']);
      const [latest] = (JSON.parse(versions.stdout) as { data: Array<Record<string, unknown>> }).data;
      expect(latest).toMatchObject({
        version: 1,
        labels: ['latest'],
        source: {
          gitAuthor: expect.stringContaining('Ada Lovelace'),
          gitMessage: expect.stringContaining('Add the triage prompt'),
        },
      });
    });

    it('serves a version with a strong ETag, answers 304 to If-None-Match, and 404 for an unset label', async () => {
      const path = `/v1/prompts/${encodeURIComponent(PROMPT)}?version=1`;
      const key = gateway.appKey;
      const served = await sendRequest(gateway.baseUrl, { path, key });
      expect(served.status, served.text).toBe(200);
      expect(served.json()).toMatchObject({ name: PROMPT, version: 1, model: 'offline-extractive' });
      const etag = served.headers.etag as string;
      expect(etag).toMatch(/^"sha256:[0-9a-f]{64}"$/);
      expect(served.headers['cache-control']).toContain('immutable');
      const cached = await sendRequest(gateway.baseUrl, { path, key, headers: { 'if-none-match': etag } });
      expect(cached.status).toBe(304);
      const unset = await sendRequest(gateway.baseUrl, {
        path: `/v1/prompts/${PROMPT}?label=production`,
        key,
      });
      expect(expectOpenAiError(unset, 'not_found')).toBeDefined();
    });

    it('tests v1, promotes it to production, and serves it by label through the SDK, tagging the interaction', async () => {
      const tested = await cli(['prompts', 'test', PROMPT, '--version', '1']);
      expect(tested.code, tested.stdout + tested.stderr).toBe(0);
      expect(tested.stderr).toContain('Running 2 test cases');
      const shown = await cli(['prompts', 'show', PROMPT, '--version', '1']);
      expect(shown.stdout).toContain('support/triage v1');
      expect(shown.stdout).toContain('Refunds are accepted within 30 days');
      const promoted = await cli(['prompts', 'promote', PROMPT, '--version', '1', '--to', 'production']);
      expect(promoted.code, promoted.stderr).toBe(0);
      expect(promoted.stdout).toContain('production unset → v1');

      const { data: completion, response } = await client.chat.completions
        .create({
          messages: [],
          prompt: { id: PROMPT, variables: QUESTION },
        } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .withResponse();
      expect(completion.choices[0]?.message.content).toContain('30 days');
      await gateway.flushLog();
      const logged = await gateway.app.store.getInteraction(
        response.headers.get('x-slipway-interaction-id') ?? '',
      );
      expect(logged).toMatchObject({
        promptName: PROMPT,
        promptVersion: 1,
        modelRequested: 'offline-extractive',
      });
      expect(JSON.stringify(logged?.request)).not.toContain('"prompt"');
    });

    it("runs test calls as the caller who asked: the admin key's id, or a signed-in person's service identity", async () => {
      const runs = await cli(['prompts', 'test', PROMPT, '--version', '1', '--json']);
      const run = JSON.parse(runs.stdout) as PromptTestRun;
      expect(run.cases.map((testCase) => testCase.assertions.every((check) => check.passed))).toEqual([
        true,
        true,
      ]);
      await gateway.flushLog();
      const [adminKey] = (await gateway.app.keys.listApiKeys()).filter((key) => key.role === 'admin');
      const logged = await gateway.app.store.getInteraction(run.cases[0]?.interactionId ?? '');
      expect(logged).toMatchObject({
        apiKeyId: adminKey?.id,
        projectId: adminKey?.projectId,
        promptName: PROMPT,
        promptVersion: 1,
        costUsd: run.cases[0]?.costUsd,
      });

      await gateway.app.people.users.createUser(
        { email: 'dev@example.com', name: 'Dev', role: 'developer', password: PASSWORD },
        { kind: 'api_key', id: adminKey?.id ?? '', label: 'test' },
      );
      const login = await sendRequest(gateway.baseUrl, {
        path: '/api/auth/login',
        json: { email: 'dev@example.com', password: PASSWORD },
      });
      const cookie = (login.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      const { csrfToken, user } = login.json() as { csrfToken: string; user: { id: string } };
      const personRun = await sendRequest(gateway.baseUrl, {
        path: `/api/prompts/${PROMPT}/test`,
        json: { version: 1 },
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      expect(personRun.status, personRun.text).toBe(201);
      const { cases, actor } = personRun.json() as PromptTestRun;
      expect(actor).toBe(`user:${user.id}`);
      await gateway.flushLog();
      const byPerson = await gateway.app.store.getInteraction(cases[0]?.interactionId ?? '');
      expect(byPerson).toMatchObject({ apiKeyId: `user:${user.id}`, projectId: adminKey?.projectId });
    });

    it('refuses to promote a version whose test fails: exit 1, the failing case, production unchanged', async () => {
      await commit(promptFile(14, 30), 'Shorten the refund window');
      const pushed = await cli(['prompts', 'push', join(repository, 'prompts')]);
      expect(pushed.stdout).toMatch(/created\s+support\/triage v2/);
      const diff = await cli(['prompts', 'diff', PROMPT, 'production', '2']);
      expect(diff.code, diff.stderr).toBe(0);
      expect(diff.stdout).toMatch(/^-.*30 days/m);
      expect(diff.stdout).toMatch(/^\+.*14 days/m);
      expect(diff.stdout).not.toContain('\u001b[');

      const junit = join(repository, 'junit.xml');
      const tested = await cli(['prompts', 'test', PROMPT, '--junit', junit]);
      expect(tested.code).toBe(1);
      expect(readFileSync(junit, 'utf8')).toContain('<failure');
      const refused = await cli(['prompts', 'promote', PROMPT, '--version', '2', '--to', 'production']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('refund window');
      expect(await productionVersion()).toBe(1);
      expect(await answerByLabel()).toContain('30 days');
    });

    it('promotes the fixed version, then rolls back to the previous answer in one command', async () => {
      await commit(promptFile(14, 14), 'Expect the new refund window');
      expect((await cli(['prompts', 'push', join(repository, 'prompts')])).stdout).toMatch(
        /created\s+support\/triage v3/,
      );
      expect((await cli(['prompts', 'test', PROMPT, '--version', '3'])).code).toBe(0);
      const promoted = await cli(['prompts', 'promote', PROMPT, '--version', '3', '--to', 'production']);
      expect(promoted.code, promoted.stderr).toBe(0);
      expect(await answerByLabel('production')).toContain('14 days');

      const rolledBack = await cli([
        'prompts',
        'rollback',
        PROMPT,
        '--label',
        'production',
        '--reason',
        'customers complained',
      ]);
      expect(rolledBack.code, rolledBack.stderr).toBe(0);
      expect(rolledBack.stdout).toContain('v3 → v1');
      expect(await answerByLabel()).toContain('30 days');

      const history = await cli(['prompts', 'history', PROMPT, '--label', 'production', '--json']);
      const moves = (JSON.parse(history.stdout) as { data: Array<Record<string, unknown>> }).data;
      expect(moves.map((move) => [move.kind, move.fromVersion, move.toVersion])).toEqual([
        ['rollback', 3, 1],
        ['promote', 1, 3],
        ['promote', null, 1],
      ]);
      expect(moves[0]).toMatchObject({ reason: 'customers complained' });
      expect(moves[1]?.testRunId).toEqual(expect.any(String));
    });

    it('answers 400 for variables that do not fit and 404 for an unknown prompt, naming the field', async () => {
      const post = (body: unknown) =>
        sendRequest(gateway.baseUrl, { path: '/v1/chat/completions', key: gateway.appKey, json: body });
      const badVariables = expectOpenAiError(
        await post({ messages: [], prompt: { name: PROMPT, variables: { question: 42 } } }),
        'invalid_request',
      );
      expect(badVariables.param).toBe('prompt.variables');
      const missing = expectOpenAiError(
        await post({ messages: [], prompt: { name: PROMPT, variables: {} } }),
        'invalid_request',
      );
      expect(missing.param).toBe('prompt.variables');
      const unknown = expectOpenAiError(
        await post({ messages: [], prompt: { name: 'no/such-prompt', variables: QUESTION } }),
        'not_found',
      );
      expect(unknown.param).toBe('prompt');
      const badLabel = expectOpenAiError(
        await post({ prompt: { name: PROMPT, label: 'nowhere', variables: QUESTION } }),
        'not_found',
      );
      expect(badLabel.param).toBe('prompt');
    });

    it('lets viewers read but not promote, developers move staging but not production, admins override with a reason', async () => {
      const viewer = await gateway.createKey({ role: 'viewer' });
      const developer = await gateway.createKey({ role: 'developer' });
      expect((await cli(['prompts', 'list'], viewer)).stdout).toContain(PROMPT);
      const viewerPromotes = await cli(
        ['prompts', 'promote', PROMPT, '--version', '3', '--to', 'staging'],
        viewer,
      );
      expect(viewerPromotes.code).toBe(1);
      expect(viewerPromotes.stderr).toMatch(/may not/);

      const staging = await cli(
        ['prompts', 'promote', PROMPT, '--version', '3', '--to', 'staging'],
        developer,
      );
      expect(staging.code, staging.stderr).toBe(0);
      const developerProduction = await cli(
        ['prompts', 'promote', PROMPT, '--version', '3', '--to', 'production'],
        developer,
      );
      expect(developerProduction.code).toBe(1);
      expect(await productionVersion()).toBe(1);

      const withoutReason = await cli([
        'prompts',
        'promote',
        PROMPT,
        '--version',
        '2',
        '--to',
        'production',
        '--override',
      ]);
      expect(withoutReason.code).toBe(2);
      const overridden = await cli([
        'prompts',
        'promote',
        PROMPT,
        '--version',
        '2',
        '--to',
        'production',
        '--override',
        '--reason',
        'legal asked for it today',
      ]);
      expect(overridden.code, overridden.stderr).toBe(0);
      expect(overridden.stdout).toContain('override');
      expect(await productionVersion()).toBe(2);
      const { items } = await gateway.app.store.listAuditEvents({
        limit: 1,
        action: 'prompt.label_move',
        target: PROMPT,
      });
      expect(items[0]).toMatchObject({
        actor: { kind: 'api_key' },
        detail: { label: 'production', from: 1, to: 2, override: true, reason: 'legal asked for it today' },
      });
      const history = await cli(['prompts', 'history', PROMPT, '--label', 'production', '--json']);
      const [latest] = (JSON.parse(history.stdout) as { data: Array<Record<string, unknown>> }).data;
      expect(latest).toMatchObject({
        kind: 'promote',
        override: true,
        reason: 'legal asked for it today',
        toVersion: 2,
      });

      writeFileSync(join(repository, FILE), promptFile(14, 14).replace('Answers', 'Replies to'));
      const dirty = await cli(['prompts', 'push', join(repository, 'prompts')]);
      expect(dirty.stdout).toMatch(/created\s+support\/triage v4/);
      expect(dirty.stderr).toContain('support/triage.prompt.yaml: not committed to git');
    });
  });
}
