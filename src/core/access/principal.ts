/** Someone a request runs for who could not be identified: sees only documents explicitly public. */
interface AnonymousPrincipal {
  kind: 'anonymous';
}

/** An end user of an application, as the directory or their identity provider's token describes them. */
export interface EndUserPrincipal {
  kind: 'end_user';
  userId: string;
  groups: readonly string[];
  roles: readonly string[];
  /** A classification level name; null reaches only the lowest level (and unclassified documents). */
  clearance: string | null;
}

/**
 * Who a retrieval runs for. Access decisions always use the originating end user's principal, never a service
 * identity, so a worker that retrieves on someone's behalf carries that person's principal.
 */
export type Principal = AnonymousPrincipal | EndUserPrincipal;
