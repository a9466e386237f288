/** The end-user directory API's response shapes, from the server's own types (type-only). */
import type { EndUser } from '../../../../core/end-user.js';
import type { EndUserSyncReport } from '../../../../services/manage-end-users.js';

export type { EndUser, EndUserSyncReport };

/** `GET /api/principals`: one page, ordered by id; `next_after` is null on the last page. */
export interface EndUserListPage {
  data: EndUser[];
  next_after: string | null;
}

/** The admin API path of one end user; ids may hold any printable character, slashes included. */
export const endUserApiPath = (id: string) => `/api/principals/${encodeURIComponent(id)}`;

/** The dashboard page of one end user (react-router decodes the segment, `%2F` included). */
export const endUserPagePath = (id: string) => `/principals/${encodeURIComponent(id)}`;
