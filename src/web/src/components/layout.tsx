import { useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { apiPost, setCsrfToken } from '../api/client.js';
import { useSession } from '../api/use-session.js';
import { ErrorState, LoadingState } from './query-states.js';

const NAV = [
  { to: '/', label: 'Overview', adminOnly: false },
  { to: '/interactions', label: 'Interactions', adminOnly: false },
  { to: '/keys', label: 'Keys & budgets', adminOnly: false },
  { to: '/routes', label: 'Models & routes', adminOnly: false },
  { to: '/prompts', label: 'Prompts', adminOnly: false },
  { to: '/people', label: 'People', adminOnly: false },
  { to: '/queue', label: 'Queue', adminOnly: false },
  { to: '/batches', label: 'Batches', adminOnly: false },
  { to: '/audit', label: 'Audit log', adminOnly: true },
  { to: '/retrieval', label: 'Documents', adminOnly: false },
  { to: '/principals', label: 'End users', adminOnly: false },
] as const;

/** The signed-in frame: header with navigation and the user, then the current page. */
export function Layout() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  async function signOut() {
    try {
      await apiPost('/api/auth/logout');
    } finally {
      setCsrfToken(null);
      queryClient.clear();
      await navigate('/login');
    }
  }

  if (session.isPending) return <LoadingState label="Checking your session…" />;
  if (session.isError) {
    return (
      <main className="page" id="main">
        <ErrorState error={session.error} title="Could not load your session" />
      </main>
    );
  }
  const { user } = session.data;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Slipway</span>
        <nav aria-label="Main">
          <ul className="nav-list">
            {NAV.filter((item) => !item.adminOnly || user.role === 'admin').map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/'} className="nav-link">
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user-box">
          <span>
            {user.email} <span className={`role role-${user.role}`}>{user.role}</span>
          </span>
          <button type="button" className="button button-quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main className="page" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
