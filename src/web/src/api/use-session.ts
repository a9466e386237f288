import { useQuery } from '@tanstack/react-query';
import { apiGet, setCsrfToken } from './client.js';
import type { Session } from './types.js';

export const SESSION_QUERY_KEY = ['session'] as const;

async function fetchSession(): Promise<Session> {
  const session = await apiGet<Session>('/api/auth/session');
  setCsrfToken(session.csrfToken);
  return session;
}

/**
 * The signed-in user and the CSRF token (a 401 sends the browser to /login). Pages read `user.role` to hide
 * admin actions; the server checks every call again.
 */
export function useSession() {
  return useQuery({ queryKey: SESSION_QUERY_KEY, queryFn: fetchSession, staleTime: 60_000, retry: false });
}

/** Whether the session's user may change things (admin), as opposed to only reading. */
export function useCanManage(): boolean {
  const { data } = useSession();
  return data?.user.role === 'admin';
}
