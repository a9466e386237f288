/** Who did something, as the audit log records it; the label stays readable after the actor is deleted. */
export interface AuditActor {
  kind: 'api_key' | 'user' | 'anonymous';
  id: string | null;
  /** An e-mail address, a key name, or what an anonymous caller claimed to be. */
  label: string;
}

/** One recorded event, e.g. `{ action: 'user.role_change', target: 'usr_1', detail: { from, to } }`. */
export interface AuditEvent {
  id: string;
  at: number;
  actor: AuditActor;
  /** `area.verb`, e.g. `auth.login`, `user.disable`, `key.create`. */
  action: string;
  /** The id of what was acted on, when there is one. */
  target: string | null;
  outcome: 'success' | 'failure';
  /** Action-specific facts; never secrets or passwords. */
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  /** 1..500. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Only events with this exact action. */
  action?: string;
  /** Only events about this end user (`detail.endUser`). */
  subject?: string;
  /** Only events whose target is this id. */
  target?: string;
  /** Only events that touched this document: listed in `detail.documents`, or the event's target. */
  document?: string;
}

/** What `verifyAuditChain` found; `firstBadSeq` and `reason` only when `ok` is false. */
export interface AuditChainReport {
  ok: boolean;
  /** Events checked before the first problem (all of them when ok). */
  checked: number;
  firstBadSeq?: number;
  reason?: string;
}

/**
 * An append-only record of security-relevant events.
 *
 * Contract: events are listed newest first (`at` desc, then `id` desc); a page's `nextCursor` is null on the
 * last page and otherwise resumes right after its last event, stable under concurrent appends. A malformed
 * cursor throws `invalid_request` (param `cursor`). Appending an id twice throws `conflict`.
 *
 * Tamper evidence: appends are serialised into one chain, each event numbered (1, 2, …) and hashed over the
 * previous event's hash and its own canonical JSON, and the chain's head is kept apart; `verifyAuditChain`
 * recomputes it, so an edited, deleted or truncated event is found (a rewrite of the whole chain by someone with
 * write access to the database is not: that needs the head copied elsewhere).
 * @example await audit.appendAuditEvent({ id, at, actor, action: 'auth.logout', target: null, … });
 */
export interface AuditLog {
  appendAuditEvent(event: AuditEvent): Promise<void>;
  listAuditEvents(query: AuditQuery): Promise<{ items: AuditEvent[]; nextCursor: string | null }>;
  /** Recomputes the whole chain, oldest first; reports the first event that does not fit. */
  verifyAuditChain(): Promise<AuditChainReport>;
}
