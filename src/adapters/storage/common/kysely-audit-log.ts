import type { Kysely, Selectable } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';
import type { AuditEvent, AuditLog, AuditQuery } from '../../../ports/audit-log.js';
import type { AuditEventsTable, Database } from './database.js';
import { decodeJson, encodeJson } from './json-column.js';
import type { StorageDialect } from './storage-dialect.js';

interface AuditCursor {
  at: number;
  id: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CURSOR_TEXT = /^(0|[1-9][0-9]*):(.+)$/s;

const encodeCursor = (cursor: AuditCursor): string =>
  Buffer.from(`${cursor.at}:${cursor.id}`, 'utf8').toString('base64url');

/** Throws `invalid_request` for anything `encodeCursor` cannot have produced. */
function parseCursor(cursor: string): AuditCursor {
  const match = BASE64URL.test(cursor)
    ? CURSOR_TEXT.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
    : null;
  const at = Number(match?.[1]);
  const id = match?.[2];
  if (id === undefined || !Number.isSafeInteger(at) || encodeCursor({ at, id }) !== cursor) {
    throw new SlipwayError('invalid_request', 'Malformed cursor', { param: 'cursor' });
  }
  return { at, id };
}

export class KyselyAuditLog implements AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async appendAuditEvent(event: AuditEvent): Promise<void> {
    try {
      await this.db
        .insertInto('audit_events')
        .values({
          id: event.id,
          at: event.at,
          actor_kind: event.actor.kind,
          actor_id: event.actor.id,
          actor_label: event.actor.label,
          action: event.action,
          target: event.target,
          outcome: event.outcome,
          detail: encodeJson(event.detail) ?? '{}',
        })
        .execute();
    } catch (error) {
      if (this.dialect.constraintViolationOf(error) === 'unique') {
        throw new SlipwayError('conflict', `An audit event with id ${event.id} exists`, { cause: error });
      }
      throw error;
    }
  }

  async listAuditEvents(query: AuditQuery): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? null : parseCursor(query.cursor);
    let select = this.db.selectFrom('audit_events').selectAll();
    if (query.action !== undefined) select = select.where('action', '=', query.action);
    if (after !== null) {
      select = select.where((where) =>
        where.or([
          where('at', '<', after.at),
          where.and([where('at', '=', after.at), where('id', '<', after.id)]),
        ]),
      );
    }
    // One extra row says whether another page exists.
    const rows = await select
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const items = rows.slice(0, query.limit).map(toAuditEvent);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
    };
  }
}

function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind as AuditEvent['actor']['kind'], id: row.actor_id, label: row.actor_label },
    action: row.action,
    target: row.target,
    outcome: row.outcome as AuditEvent['outcome'],
    detail: decodeJson(row.detail) as Record<string, unknown>,
  };
}
