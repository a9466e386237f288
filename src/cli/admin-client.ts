import { request } from 'undici';
import { ERROR_CODES, type ErrorCode, SlipwayError } from '../core/errors.js';
import type { LimitPolicy, Project, Role } from '../core/identity.js';
import type { InteractionRecord, InteractionStatus } from '../core/interaction.js';
import type { PromptLabelMove, PromptTestRun } from '../core/prompt.js';
import type {
  PromotionOutcome,
  PromptDiffView,
  PromptVersionView,
  PushedFileResult,
  PushedPromptFile,
} from '../http/prompt-views.js';
import type { AuditChainReport, AuditEvent } from '../ports/audit-log.js';
import type { EndUser } from '../core/end-user.js';
import type { EndUserSyncReport } from '../services/manage-end-users.js';
import type { PromptSummary } from '../ports/prompt-registry.js';
import type { InteractionSummary } from '../ports/interaction-store.js';
import type { KeyUsageReport } from '../services/key-usage.js';
import type { UpdateUserInput, UserView } from '../services/manage-users.js';
import type { Overview } from '../services/overview-stats.js';
import type { QueueStatusReport } from '../services/queue-status.js';
import type { DeadLetter } from '../ports/job-queue.js';

/** An API key as the admin API shows it: everything but the secret's digest. */
export interface KeyView {
  id: string;
  projectId: string;
  name: string;
  role: Role;
  displayPrefix: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  allowedModels: string[] | null;
  limits: LimitPolicy;
  actAsEndUser?: boolean;
}

export interface CreateKeyRequest {
  name: string;
  project?: string;
  role?: Role;
  expiresInDays?: number;
  allowedModels?: string[];
  limits?: LimitPolicy;
  actAsEndUser?: boolean;
}

export interface CreatedKey {
  key: KeyView;
  /** The whole secret; the server keeps only its digest, so this is the only time it is available. */
  secret: string;
}

type BreakerState = 'closed' | 'open' | 'half_open';

export interface RouteView {
  model: string;
  kind: string;
  strategy: string;
  description: string | null;
  targets: Array<{
    provider: string;
    model: string;
    weight: number;
    breaker: { state: BreakerState; consecutiveFailures: number; openedAt: number | null };
  }>;
}

export interface ModelView {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  description?: string;
}

/** Filters of `GET /api/interactions`; times are ms since the epoch. */
export interface InteractionFilter {
  project?: string;
  key?: string;
  model?: string;
  target?: string;
  status?: InteractionStatus;
  user?: string;
  since?: number;
  until?: number;
  cursor?: string;
  limit?: number;
  /** Full-text search over the redacted request and response text. */
  q?: string;
  prompt?: string;
  /** USD. */
  min_cost?: number;
  max_cost?: number;
  /** ms. */
  min_latency?: number;
  max_latency?: number;
  sort?: 'recent' | 'cost' | 'latency';
}

export interface InteractionList {
  data: InteractionSummary[];
  next_cursor: string | null;
}

/** Query of `GET /api/stats/overview`; times are ms since the epoch. */
export interface OverviewFilter {
  since?: number;
  until?: number;
  group_by?: 'model' | 'project' | 'key';
  project?: string;
}

interface DataList<Item> {
  data: Item[];
}

/** The record of one end-user erasure: a keyed hash of the id, never the id itself. */
export interface ErasureView {
  id: string;
  at: number;
  subjectHash: string;
  interactionsDeleted: number;
  attemptsDeleted: number;
  requestedBy: string;
}

export type ExportFormatName = 'jsonl' | 'csv';

export interface CreateUserRequest {
  email: string;
  name: string;
  role: 'admin' | 'developer' | 'viewer';
  password: string;
}

export interface AuditList {
  data: AuditEvent[];
  next_cursor: string | null;
}

export interface AdminClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080`; a path prefix is kept. */
  url: string;
  token: string | null;
  /** Budget for one whole request, body included. */
  timeoutMs: number;
  /** Aborts requests in flight (Ctrl-C). */
  signal?: AbortSignal;
}

interface SendOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The answer has no body (204). */
  empty?: boolean;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status < 500) return 'invalid_request';
  return 'upstream_error';
}

/** The `error.message` of an OpenAI-shaped error body, when the body is one. */
function errorOf(text: string): { message: string; code: unknown } | null {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null || !('error' in body)) return null;
    const error: unknown = body.error;
    if (typeof error !== 'object' || error === null || !('message' in error)) return null;
    if (typeof error.message !== 'string') return null;
    return { message: error.message, code: 'code' in error ? error.code : undefined };
  } catch {
    return null;
  }
}

/**
 * The admin API of a running Slipway server, over HTTP. Every failure is a SlipwayError whose message is fit to
 * show as it is: the server's `error.message`, or a sentence saying the server could not be reached or was slow.
 * @example const projects = await new AdminClient({ url, token, timeoutMs: 10_000 }).listProjects();
 */
export class AdminClient {
  private readonly options: Readonly<AdminClientOptions>;
  private readonly base: URL;

  constructor(options: AdminClientOptions) {
    this.options = Object.freeze({ ...options });
    try {
      this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    } catch (error) {
      throw new SlipwayError('invalid_request', `'${options.url}' is not a valid Slipway URL.`, {
        cause: error,
      });
    }
  }

  listProjects(): Promise<DataList<Project>> {
    return this.send('GET', 'api/projects');
  }

  createProject(name: string): Promise<Project> {
    return this.send('POST', 'api/projects', { body: { name } });
  }

  /** Keys of one project (by id or name), or of every project. */
  listKeys(project?: string): Promise<DataList<KeyView>> {
    return this.send('GET', 'api/keys', { query: { project } });
  }

  createKey(body: CreateKeyRequest): Promise<CreatedKey> {
    return this.send('POST', 'api/keys', { body });
  }

  revokeKey(id: string): Promise<KeyView> {
    return this.send('DELETE', `api/keys/${encodeURIComponent(id)}`);
  }

  listRoutes(): Promise<DataList<RouteView>> {
    return this.send('GET', 'api/routes');
  }

  /** Newest first unless `sort` says otherwise; pass `next_cursor` back as `cursor` for the next page. */
  listInteractions(filter: InteractionFilter): Promise<InteractionList> {
    return this.send('GET', 'api/interactions', { query: { ...filter } });
  }

  getInteraction(id: string): Promise<InteractionRecord> {
    return this.send('GET', `api/interactions/${encodeURIComponent(id)}`);
  }

  /** Totals, a time series and a breakdown of the interactions in a range (the last 24 hours by default). */
  statsOverview(filter: OverviewFilter): Promise<Overview> {
    return this.send('GET', 'api/stats/overview', { query: { ...filter } });
  }

  /** A key's limits and its usage in the current minute, UTC day and UTC month. */
  keyUsage(id: string): Promise<KeyUsageReport> {
    return this.send('GET', `api/keys/${encodeURIComponent(id)}/usage`);
  }

  listUsers(): Promise<DataList<UserView>> {
    return this.send('GET', 'api/users');
  }

  createUser(body: CreateUserRequest): Promise<UserView> {
    return this.send('POST', 'api/users', { body });
  }

  updateUser(id: string, body: UpdateUserInput): Promise<UserView> {
    return this.send('PATCH', `api/users/${encodeURIComponent(id)}`, { body });
  }

  /** Newest first unless `sort` says otherwise; pass `next_cursor` back as `cursor` for the next page. */
  listAudit(query: {
    action?: string;
    limit?: number;
    cursor?: string;
    user?: string;
    doc?: string;
    target?: string;
  }): Promise<AuditList> {
    return this.send('GET', 'api/audit', { query: { ...query } });
  }

  /** Recomputes the audit log's hash chain on the server. */
  verifyAudit(): Promise<AuditChainReport> {
    return this.send('GET', 'api/audit/verify');
  }

  /** End users of the directory by id; pass `next_after` back as `after` for the next page. */
  listEndUsers(query: {
    limit?: number;
    after?: string;
  }): Promise<{ data: EndUser[]; next_after: string | null }> {
    return this.send('GET', 'api/principals', { query: { ...query } });
  }

  getEndUser(id: string): Promise<EndUser> {
    return this.send('GET', `api/principals/${encodeURIComponent(id)}`);
  }

  /** Creates or changes an end user; fields left out keep their value. */
  putEndUser(id: string, body: Record<string, unknown>): Promise<EndUser> {
    return this.send('PUT', `api/principals/${encodeURIComponent(id)}`, { body });
  }

  async deleteEndUser(id: string): Promise<void> {
    await this.send('DELETE', `api/principals/${encodeURIComponent(id)}`, { empty: true });
  }

  /** Makes the directory match a file's entries (JSON entries or CSV text), atomically. */
  syncEndUsers(body: {
    users?: unknown[];
    csv?: string;
    prune: boolean;
    dryRun: boolean;
  }): Promise<EndUserSyncReport> {
    return this.send('POST', 'api/principals/sync', { body });
  }

  /** Sets how long a project (by id or name) keeps its interactions; null keeps them forever. */
  setProjectRetention(project: string, retentionDays: number | null): Promise<Project> {
    return this.send('PATCH', `api/projects/${encodeURIComponent(project)}`, { body: { retentionDays } });
  }

  /** Erases everything stored about one end user; resolves with the record of the erasure. */
  eraseEndUser(endUser: string): Promise<ErasureView> {
    return this.send('POST', 'api/erasures', { body: { endUser } });
  }

  /** Newest first; with `user`, only the erasures of that end user. */
  listErasures(user?: string): Promise<DataList<ErasureView>> {
    return this.send('GET', 'api/erasures', { query: { user } });
  }

  /**
   * Starts an export of the interactions matching `filter` and resolves once the server has answered, with the
   * file as it streams in. Unlike other requests it has no budget for the whole body, which may take minutes:
   * the timeout applies to the wait for the answer and to each silence in the body.
   */
  async exportInteractions(
    format: ExportFormatName,
    filter: Omit<InteractionFilter, 'cursor' | 'limit'>,
  ): Promise<AsyncIterable<Uint8Array>> {
    const url = new URL('api/interactions/export', this.base);
    for (const [name, value] of Object.entries({ ...filter, format })) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {};
    if (this.options.token !== null) headers.authorization = `Bearer ${this.options.token}`;
    const unbounded = new AbortController().signal;
    let response;
    try {
      response = await request(url, {
        method: 'GET',
        headers,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
      });
    } catch (error) {
      throw this.transportError(error, unbounded);
    }
    if (response.statusCode >= 400) {
      throw this.responseError(response.statusCode, await response.body.text());
    }
    return response.body;
  }

  /** Depth per job name and the live workers. */
  queueStatus(): Promise<QueueStatusReport> {
    return this.send('GET', 'api/queue');
  }

  listDeadLetters(query: { name?: string; limit?: number }): Promise<DataList<DeadLetter>> {
    return this.send('GET', 'api/queue/dead-letters', { query: { ...query } });
  }

  /** Puts dead letters back as new jobs: all of `name`, the given `ids`, or (neither) every one. */
  redriveDeadLetters(body: { name?: string; ids?: string[] }): Promise<{ redriven: number }> {
    return this.send('POST', 'api/queue/redrive', { body });
  }

  listModels(): Promise<DataList<ModelView>> {
    return this.send('GET', 'v1/models');
  }

  /** Registers each changed file as a new version; the server re-validates every definition. */
  pushPrompts(files: PushedPromptFile[]): Promise<DataList<PushedFileResult>> {
    return this.send('POST', 'api/prompts/push', { body: { files } });
  }

  listPrompts(): Promise<DataList<PromptSummary>> {
    return this.send('GET', 'api/prompts');
  }

  /** Newest first, each with the labels pointing at it. */
  listPromptVersions(name: string): Promise<DataList<PromptVersionView>> {
    return this.send('GET', `api/prompts/${encodeURIComponent(name)}/versions`);
  }

  getPromptVersion(name: string, version: number): Promise<PromptVersionView> {
    return this.send('GET', `api/prompts/${encodeURIComponent(name)}/versions/${version}`);
  }

  /** `from` and `to` are each a version number or a label. */
  diffPrompt(name: string, from: string, to: string): Promise<PromptDiffView> {
    return this.send('GET', `api/prompts/${encodeURIComponent(name)}/diff`, { query: { from, to } });
  }

  /** Runs a version's tests (latest by default); answers once every case is done. */
  testPrompt(name: string, body: { version?: number; model?: string }): Promise<PromptTestRun> {
    return this.send('POST', `api/prompts/${encodeURIComponent(name)}/test`, { body });
  }

  listPromptTestRuns(name: string, version?: number): Promise<DataList<PromptTestRun>> {
    return this.send('GET', `api/prompts/${encodeURIComponent(name)}/test-runs`, { query: { version } });
  }

  /** Moves a label to a version whose tests pass; a refusal is a `conflict` error. */
  promotePrompt(
    name: string,
    body: { version: number; label: string; override?: { reason: string } },
  ): Promise<Extract<PromotionOutcome, { status: 'promoted' }>> {
    return this.send('POST', `api/prompts/${encodeURIComponent(name)}/promote`, { body });
  }

  /** Moves a label back to the version it pointed at before its last move. */
  rollbackPrompt(name: string, body: { label: string; reason?: string }): Promise<{ move: PromptLabelMove }> {
    return this.send('POST', `api/prompts/${encodeURIComponent(name)}/rollback`, { body });
  }

  /** Newest first, optionally for one label. */
  listPromptLabelMoves(name: string, label?: string): Promise<DataList<PromptLabelMove>> {
    return this.send('GET', `api/prompts/${encodeURIComponent(name)}/label-moves`, { query: { label } });
  }

  private async send<Result>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    options: SendOptions = {},
  ): Promise<Result> {
    const url = new URL(path, this.base);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token !== null) headers.authorization = `Bearer ${this.options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
    let status: number;
    let text: string;
    try {
      const response = await request(url, {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw this.transportError(error, timeout);
    }
    if (status >= 400) throw this.responseError(status, text);
    if (options.empty === true) return undefined as Result;
    try {
      return JSON.parse(text) as Result;
    } catch (error) {
      throw new SlipwayError(
        'upstream_error',
        `Slipway at ${this.options.url} answered with something other than JSON.`,
        {
          cause: error,
        },
      );
    }
  }

  private transportError(error: unknown, timeout: AbortSignal): SlipwayError {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
      return new SlipwayError(
        'upstream_unavailable',
        `cannot reach Slipway at ${this.options.url}: is it running? (slipway start)`,
        { cause: error },
      );
    }
    if (timeout.aborted) {
      return new SlipwayError(
        'timeout',
        `Slipway at ${this.options.url} did not answer within ${this.options.timeoutMs} ms.`,
        { cause: error },
      );
    }
    if (this.options.signal?.aborted)
      return new SlipwayError('client_closed', 'Interrupted.', { cause: error });
    const reason = error instanceof Error ? error.message : String(error);
    return new SlipwayError(
      'upstream_unavailable',
      `request to Slipway at ${this.options.url} failed: ${reason}`,
      {
        cause: error,
      },
    );
  }

  private responseError(status: number, text: string): SlipwayError {
    const error = errorOf(text);
    const code = isErrorCode(error?.code) ? error.code : codeOfStatus(status);
    let message = error?.message ?? `Slipway at ${this.options.url} answered HTTP ${status}.`;
    // The most common first-run mistake: the server wants the admin key and the shell has none exported.
    if (status === 401 && this.options.token === null) message += ' (pass --token or set SLIPWAY_TOKEN)';
    return new SlipwayError(code, message, { upstreamStatus: status });
  }
}
