import { SlipwayError } from '../../src/core/errors.js';
import type { PromptLabelMove, PromptTestRun, PromptVersion } from '../../src/core/prompt.js';
import type {
  LabelMoveRequest,
  NewPromptVersion,
  PromptRegistry,
  PromptSummary,
} from '../../src/ports/prompt-registry.js';

/** The PromptRegistry contract in memory, for service tests; records every label move request. */
export class InMemoryPromptRegistry implements PromptRegistry {
  readonly versions: PromptVersion[] = [];
  readonly labels = new Map<string, Record<string, number>>();
  readonly moves: PromptLabelMove[] = [];
  readonly runs: PromptTestRun[] = [];
  readonly moveRequests: LabelMoveRequest[] = [];

  addVersion(input: NewPromptVersion): Promise<{ version: PromptVersion; created: boolean }> {
    const { name } = input.definition;
    const existing = this.versions.find(
      (item) => item.name === name && item.contentHash === input.contentHash,
    );
    if (existing) return Promise.resolve({ version: existing, created: false });
    const latest = Math.max(
      0,
      ...this.versions.filter((item) => item.name === name).map((item) => item.version),
    );
    const version: PromptVersion = { name, version: latest + 1, ...input };
    this.versions.push(version);
    const labels = this.labels.get(name) ?? {};
    this.moves.push({
      id: `push:${name}:${version.version}`,
      name,
      label: 'latest',
      fromVersion: labels.latest ?? null,
      toVersion: version.version,
      at: input.createdAt,
      actor: input.createdBy,
      reason: null,
      testRunId: null,
      override: false,
      kind: 'push',
    });
    this.labels.set(name, { ...labels, latest: version.version });
    return Promise.resolve({ version, created: true });
  }

  getVersion(
    name: string,
    selector: { version: number } | { contentHash: string },
  ): Promise<PromptVersion | null> {
    const found = this.versions.find(
      (item) =>
        item.name === name &&
        ('version' in selector
          ? item.version === selector.version
          : item.contentHash === selector.contentHash),
    );
    return Promise.resolve(found ?? null);
  }

  async getLabelled(name: string, label: string): Promise<PromptVersion | null> {
    const version = this.labels.get(name)?.[label];
    return version === undefined ? null : this.getVersion(name, { version });
  }

  listPrompts(): Promise<PromptSummary[]> {
    return Promise.resolve(
      [...this.labels.entries()].map(([name, labels]) => ({
        name,
        latestVersion: labels.latest ?? 0,
        labels,
        updatedAt: 0,
      })),
    );
  }

  listVersions(name: string): Promise<PromptVersion[]> {
    return Promise.resolve(this.versions.filter((item) => item.name === name).reverse());
  }

  getLabels(name: string): Promise<Record<string, number>> {
    return Promise.resolve({ ...this.labels.get(name) });
  }

  async moveLabel(request: LabelMoveRequest): Promise<PromptLabelMove> {
    this.moveRequests.push(request);
    if ((await this.getVersion(request.name, { version: request.toVersion })) === null) {
      throw new SlipwayError('not_found', 'no such version');
    }
    const labels = this.labels.get(request.name) ?? {};
    if ((labels[request.label] ?? null) !== request.expectedFromVersion) {
      throw new SlipwayError('conflict', 'label moved');
    }
    const move: PromptLabelMove = {
      ...request.move,
      name: request.name,
      label: request.label,
      fromVersion: request.expectedFromVersion,
      toVersion: request.toVersion,
    };
    this.labels.set(request.name, { ...labels, [request.label]: request.toVersion });
    this.moves.push(move);
    return move;
  }

  listLabelMoves(name: string, label?: string): Promise<PromptLabelMove[]> {
    return Promise.resolve(
      this.moves
        .filter((move) => move.name === name && (label === undefined || move.label === label))
        .reverse(),
    );
  }

  saveTestRun(run: PromptTestRun): Promise<void> {
    this.runs.push(run);
    return Promise.resolve();
  }

  getTestRun(id: string): Promise<PromptTestRun | null> {
    return Promise.resolve(this.runs.find((run) => run.id === id) ?? null);
  }

  listTestRuns(name: string, version?: number): Promise<PromptTestRun[]> {
    return Promise.resolve(
      this.runs
        .filter((run) => run.name === name && (version === undefined || run.version === version))
        .reverse(),
    );
  }
}
