import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, apiRequest, setCsrfToken } from '../api/client.js';
import type { Session, SetupStatus, User } from '../api/types.js';
import { SESSION_QUERY_KEY } from '../api/use-session.js';
import { ErrorState, LoadingState } from '../components/query-states.js';

interface Credentials {
  email: string;
  password: string;
}

async function signIn(credentials: Credentials): Promise<Session> {
  return apiRequest<Session>('/api/auth/login', {
    method: 'POST',
    body: credentials,
    allowUnauthorized: true,
  });
}

function messageOf(error: unknown): string {
  if (!(error instanceof ApiError)) return String(error);
  if (error.status === 401) return 'The e-mail or password is wrong, or the account is disabled.';
  if (error.status === 429) return `Too many sign-in attempts. ${error.message}`;
  return error.message;
}

/** Only a relative dashboard path may follow sign-in, so a crafted link cannot send the user elsewhere. */
function safeNext(next: string | null): string {
  return next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function FirstAdminForm({ onCreated }: { onCreated: (credentials: Credentials) => void }) {
  const [adminKey, setAdminKey] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: () =>
      apiRequest<User>('/api/users', {
        method: 'POST',
        bearer: adminKey.trim(),
        body: { email, name, role: 'admin', password },
      }),
    onSuccess: () => onCreated({ email, password }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-labelledby="first-admin-heading">
      <h2 id="first-admin-heading">Create the first admin</h2>
      <p className="muted">
        Use the bootstrap admin key that <code>slipway start</code> printed on its first run (or the{' '}
        <code>SLIPWAY_ADMIN_KEY</code> you configured). It is sent once, to create this account.
      </p>
      <div className="field">
        <label htmlFor="first-admin-key">Admin API key</label>
        <input
          id="first-admin-key"
          type="password"
          autoComplete="off"
          required
          value={adminKey}
          onChange={(event) => setAdminKey(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="first-admin-name">Name</label>
        <input
          id="first-admin-name"
          required
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="first-admin-email">E-mail</label>
        <input
          id="first-admin-email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="first-admin-password">Password</label>
        <input
          id="first-admin-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <span className="hint">At least 12 characters.</span>
      </div>
      {create.isError ? <ErrorState error={create.error} title="Could not create the admin" /> : null}
      <div>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create admin and sign in'}
        </button>
      </div>
    </form>
  );
}

/** Sign-in with e-mail and password, and the first-admin setup when nobody has an account yet. */
export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const setup = useQuery({
    queryKey: ['setup-status'],
    queryFn: () => apiRequest<SetupStatus>('/api/auth/setup-status', { allowUnauthorized: true }),
  });
  const login = useMutation({
    mutationFn: signIn,
    onSuccess: async (session) => {
      setCsrfToken(session.csrfToken);
      queryClient.clear();
      queryClient.setQueryData(SESSION_QUERY_KEY, session);
      await navigate(safeNext(searchParams.get('next')));
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password });
  };

  return (
    <main className="page login" id="main">
      <h1>Sign in to Slipway</h1>
      {setup.isPending ? <LoadingState /> : null}
      {setup.isError ? <ErrorState error={setup.error} title="Could not reach the server" /> : null}
      {setup.data?.hasUsers === false ? (
        <div className="card">
          <p>Nobody has an account yet. Create the first admin here, or from a terminal on the server:</p>
          <pre className="mono">
            {'echo "$PASSWORD" | SLIPWAY_TOKEN=<admin key> \\\n'}
            {
              '  slipway users create --email you@example.com --name "Your Name" --role admin --password-stdin'
            }
          </pre>
          <FirstAdminForm onCreated={(credentials) => login.mutate(credentials)} />
        </div>
      ) : null}
      {setup.data?.hasUsers === true ? (
        <form className="form card" onSubmit={submit} aria-label="Sign in">
          <div className="field">
            <label htmlFor="login-email">E-mail</label>
            <input
              id="login-email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input
              id="login-password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          <div>
            <button type="submit" className="button button-primary" disabled={login.isPending}>
              {login.isPending ? 'Signing in…' : 'Sign in'}
            </button>
          </div>
        </form>
      ) : null}
      {login.isError ? (
        <div className="state state-error" role="alert">
          {messageOf(login.error)}
        </div>
      ) : null}
    </main>
  );
}
