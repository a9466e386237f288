import type { Actor } from '../core/identity.js';
import type { AuditActor } from '../ports/audit-log.js';

/** Who acts on prompts: an admin-API actor with the readable label the audit log keeps (the HTTP RequestActor). */
export type PromptActor = Actor & { label: string };

/** How the registry records who pushed or moved: `api_key:<id>` or `user:<id>`. */
export function promptActorRef(actor: PromptActor): string {
  return `${actor.kind}:${actor.id}`;
}

export function promptAuditActor(actor: PromptActor): AuditActor {
  return { kind: actor.kind, id: actor.id, label: actor.label };
}
