/** Prompts as code: the shapes shared by prompt files, the registry, the test runner and the gateway. */

export type PromptRole = 'system' | 'developer' | 'user' | 'assistant';

/** One message of a prompt; `content` is a Mustache template (`{{variable}}`, sections, no HTML escaping). */
export interface PromptMessage {
  role: PromptRole;
  content: string;
}

/** One check of a test case's answer. */
export type PromptAssertion =
  | { type: 'equals'; value: string }
  | { type: 'contains'; value: string; caseSensitive?: boolean }
  | { type: 'not-contains'; value: string; caseSensitive?: boolean }
  | { type: 'regex'; pattern: string; flags?: string }
  | { type: 'is-json' }
  | { type: 'json-schema'; schema: Record<string, unknown> }
  | { type: 'min-length'; value: number }
  | { type: 'max-length'; value: number }
  | { type: 'max-latency-ms'; value: number }
  | { type: 'max-cost-usd'; value: number }
  /** Cosine similarity between the answer's and `to`'s embeddings (the configured embedder) is at least `threshold`. */
  | { type: 'similar'; to: string; threshold: number };

export interface PromptTestCase {
  /** Unique within the prompt; names the case in reports and JUnit XML. */
  name: string;
  variables: Record<string, unknown>;
  assert: PromptAssertion[];
}

/**
 * A prompt as its file declares it, after parsing and validation; test cases from a dataset file are already
 * inlined. Its canonical JSON is what the content hash covers.
 */
export interface PromptDefinition {
  /** Lowercase path-like name: `support/triage`. */
  name: string;
  description: string | null;
  /** The public model name (a route) the prompt is written for. */
  model: string;
  /** Chat parameters sent with it (temperature, max_tokens, response_format, ...). */
  parameters: Record<string, unknown>;
  messages: PromptMessage[];
  /** JSON Schema of the variables object (type object); `{ type: 'object' }` when the file declares none. */
  variables: Record<string, unknown>;
  tests: PromptTestCase[];
}

/** Where a version came from, when the file was in a git work tree. */
export interface PromptSource {
  /** The file path relative to the pushed folder. */
  path: string;
  gitCommit: string | null;
  gitAuthor: string | null;
  gitMessage: string | null;
}

/** An immutable version of a prompt: numbered from 1 per name, addressed by number or content hash. */
export interface PromptVersion {
  name: string;
  version: number;
  /** `sha256:` + hex of the definition's canonical JSON. */
  contentHash: string;
  definition: PromptDefinition;
  source: PromptSource;
  createdAt: number;
  /** Who pushed it: `api_key:<id>` or `user:<id>`. */
  createdBy: string;
}

/** A label's move, as recorded for ever (rollbacks and overrides included). */
export interface PromptLabelMove {
  id: string;
  name: string;
  label: string;
  fromVersion: number | null;
  toVersion: number;
  at: number;
  actor: string;
  reason: string | null;
  /** The passing test run that allowed the move, or the failing one an override went past. */
  testRunId: string | null;
  /** True when an admin moved a protected label past failing or missing tests. */
  override: boolean;
  kind: 'promote' | 'rollback' | 'push';
}

export interface PromptAssertionResult {
  assertion: PromptAssertion;
  passed: boolean;
  /** Why it failed (or the measured value), readable in a report. */
  message: string;
}

export interface PromptTestCaseResult {
  name: string;
  passed: boolean;
  /** The answer's text; null when the call failed. */
  output: string | null;
  /** The call's error, when it failed before any assertion could run. */
  error: string | null;
  latencyMs: number;
  costUsd: number;
  interactionId: string | null;
  assertions: PromptAssertionResult[];
}

/** One run of a version's tests against one model. */
export interface PromptTestRun {
  id: string;
  name: string;
  version: number;
  /** The model the tests ran against (the offline model by default). */
  model: string;
  startedAt: number;
  finishedAt: number;
  passed: boolean;
  actor: string;
  cases: PromptTestCaseResult[];
}
