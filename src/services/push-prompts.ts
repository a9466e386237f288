import type { PromptSource } from '../core/prompt.js';
import { safeParsePromptDefinition } from '../core/prompts/parse-prompt-definition.js';
import { promptContentHash } from '../core/prompts/prompt-content-hash.js';
import type { PromptIssue } from '../core/prompts/prompt-issues.js';
import type { Clock } from '../ports/clock.js';
import type { PromptRegistry } from '../ports/prompt-registry.js';
import type { SecretHasher } from '../ports/secret-hasher.js';
import { promptActorRef, promptAuditActor } from './prompt-actor.js';
import type { PromptActor } from './prompt-actor.js';
import type { RecordAudit } from './record-audit.js';

/** One file of a push: its definition as JSON (validated here, whoever parsed it before) and its provenance. */
export interface PushPromptFile {
  path: string;
  definition: unknown;
  source: Omit<PromptSource, 'path'>;
}

/** What a push did with one file, in the order the files came. */
export type PushPromptResult =
  | { path: string; status: 'created' | 'unchanged'; name: string; version: number; contentHash: string }
  | { path: string; status: 'invalid'; errors: PromptIssue[] };

export type PushPrompts = (
  files: readonly PushPromptFile[],
  actor: PromptActor,
) => Promise<PushPromptResult[]>;

export interface PushPromptsDeps {
  registry: PromptRegistry;
  /** SHA-256 hex of a text: the content hash is `sha256:` + the digest of the canonical JSON. */
  hasher: Pick<SecretHasher, 'digest'>;
  clock: Clock;
  recordAudit: RecordAudit;
}

/**
 * Registers each valid file as a new immutable version of its prompt, moving `latest` to it. Content the prompt
 * already has (by content hash) creates nothing and reports that version as `unchanged`. Files are independent: an
 * invalid one (or a second file naming a prompt already in this push) is reported and skipped, the others are
 * pushed. Each created version is audited as `prompt.push`.
 * @example const results = await pushPrompts([{ path: 'support/triage.prompt.yaml', definition, source }], actor);
 */
export function makePushPrompts(deps: PushPromptsDeps): PushPrompts {
  return async (files, actor) => {
    const results: PushPromptResult[] = [];
    const pathOfName = new Map<string, string>();
    for (const file of files) {
      const parsed = safeParsePromptDefinition(file.definition);
      if (!parsed.success) {
        results.push({ path: file.path, status: 'invalid', errors: parsed.issues });
        continue;
      }
      const definition = parsed.data;
      const earlier = pathOfName.get(definition.name);
      if (earlier !== undefined) {
        const message = `prompt "${definition.name}" is also in ${earlier} in this push`;
        results.push({ path: file.path, status: 'invalid', errors: [{ field: 'name', message }] });
        continue;
      }
      pathOfName.set(definition.name, file.path);
      const contentHash = promptContentHash(definition, (text) => deps.hasher.digest(text));
      const { version, created } = await deps.registry.addVersion({
        definition,
        contentHash,
        source: { path: file.path, ...file.source },
        createdAt: deps.clock.now(),
        createdBy: promptActorRef(actor),
      });
      if (created) {
        await deps.recordAudit({
          actor: promptAuditActor(actor),
          action: 'prompt.push',
          target: version.name,
          detail: {
            version: version.version,
            contentHash,
            path: file.path,
            gitCommit: file.source.gitCommit,
          },
        });
      }
      results.push({
        path: file.path,
        status: created ? 'created' : 'unchanged',
        name: version.name,
        version: version.version,
        contentHash: version.contentHash,
      });
    }
    return results;
  };
}
