import type { AccessFilter } from '../../../core/access/access-filter.js';
import type { AccessRule } from '../../../core/access/access-rule.js';
import { clearanceReaches } from '../../../core/access/is-allowed.js';

interface RuleEntry {
  rule: AccessRule;
  /** Labels of the live chunks of every document holding this rule. */
  labels: Set<number>;
  documents: number;
}

/** The rules a principal may read under, and how many live chunks they cover. */
export interface AllowedRules {
  /** Indexed by rule id: 1 when allowed. A typed array, so the HNSW filter can never throw reading it. */
  allowed: Uint8Array;
  ruleIds: number[];
  allowedChunks: number;
}

const EVERYONE = '*';

const subjectKeysOf = (rule: AccessRule): string[] => [
  ...(rule.everyone ? [EVERYONE] : []),
  ...rule.users.map((user) => `u:${user}`),
  ...rule.groups.map((group) => `g:${group}`),
  ...rule.roles.map((role) => `r:${role}`),
];

/**
 * The distinct access rules of one collection, each with the chunk labels it covers, and an inverted index from
 * subject (everyone, a user, a group, a role) to the rules naming it. A search looks only at the rules naming one
 * of the principal's subjects and checks each one's classification once, so documents sharing a rule cost one
 * check and rules naming nobody the principal is are never looked at.
 */
export class RuleBook {
  readonly #entries: RuleEntry[] = [];
  readonly #idByKey = new Map<string, number>();
  readonly #postings = new Map<string, number[]>();

  /** The id of the rule, registering it on first sight; the caller then counts a document under it. */
  idOf(rule: AccessRule): number {
    const key = JSON.stringify([rule.everyone, rule.users, rule.groups, rule.roles, rule.classification]);
    const known = this.#idByKey.get(key);
    if (known !== undefined) return known;
    const id = this.#entries.length;
    this.#entries.push({ rule, labels: new Set(), documents: 0 });
    this.#idByKey.set(key, id);
    for (const subject of subjectKeysOf(rule)) {
      const posting = this.#postings.get(subject);
      if (posting) posting.push(id);
      else this.#postings.set(subject, [id]);
    }
    return id;
  }

  attach(ruleId: number, labels: readonly number[]): void {
    const entry = this.#entry(ruleId);
    entry.documents += 1;
    for (const label of labels) entry.labels.add(label);
  }

  detach(ruleId: number, labels: readonly number[]): void {
    const entry = this.#entry(ruleId);
    entry.documents -= 1;
    for (const label of labels) entry.labels.delete(label);
  }

  ruleOf(ruleId: number): AccessRule {
    return this.#entry(ruleId).rule;
  }

  labelsOf(ruleId: number): ReadonlySet<number> {
    return this.#entry(ruleId).labels;
  }

  /** Throws whatever `clearanceReaches` throws for a rule in use: the search then fails closed. */
  allowedFor(filter: AccessFilter): AllowedRules {
    const allowed = new Uint8Array(this.#entries.length);
    const seen = new Uint8Array(this.#entries.length);
    const ruleIds: number[] = [];
    let allowedChunks = 0;
    const subjects = [
      EVERYONE,
      ...(filter.userId === null ? [] : [`u:${filter.userId}`]),
      ...filter.groups.map((group) => `g:${group}`),
      ...filter.roles.map((role) => `r:${role}`),
    ];
    for (const subject of subjects) {
      for (const id of this.#postings.get(subject) ?? []) {
        if (seen[id] === 1) continue;
        seen[id] = 1;
        const entry = this.#entry(id);
        // Found through a posting, the rule names the principal; the clearance is the other half of `isAllowed`.
        if (entry.documents === 0 || !clearanceReaches(entry.rule.classification, filter)) continue;
        allowed[id] = 1;
        ruleIds.push(id);
        allowedChunks += entry.labels.size;
      }
    }
    return { allowed, ruleIds, allowedChunks };
  }

  #entry(ruleId: number): RuleEntry {
    const entry = this.#entries[ruleId];
    if (!entry) throw new RangeError(`No rule ${ruleId}`);
    return entry;
  }
}
