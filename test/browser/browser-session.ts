/**
 * Shared harness of the dashboard browser tests: a real gateway (test/e2e/start-test-gateway.ts) serving the
 * built dashboard, Debian's chromium driven by playwright-core (never a downloaded browser), sign-in as a fresh
 * user of any role, axe-core accessibility checks, and a screenshot in test-artifacts/ when a test fails.
 *
 * @example
 * describeBrowser('keys page', () => {
 *   const browser = useBrowserSession();
 *   it('lists keys', async () => {
 *     const page = await browser.signIn('admin');
 *     await page.goto(browser.url('/keys'));
 *     await browser.expectAccessible(page);
 *   });
 * });
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB_SOURCE = join(REPO_ROOT, 'src', 'web');
const WEB_DIST = join(REPO_ROOT, 'dist', 'web');
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const PASSWORD = 'correct horse battery staple';

export type UserRole = 'admin' | 'developer' | 'viewer';

export interface BrowserUser {
  id: string;
  email: string;
  password: string;
  role: UserRole;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * Whether this machine can run browser tests. In CI (`CI=true`) a missing chromium is a failure, never a skip,
 * so the suite cannot silently stop testing the dashboard.
 */
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable && process.env.CI === 'true') {
  throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does).`);
}

/** `describe` that runs only where chromium is installed (and fails in CI when it is not, see above). */
export const describeBrowser = describe.runIf(browserAvailable);

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'node_modules')
    .reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/**
 * Builds dist/web with Vite's JS API when it is missing or older than src/web, so the tests never run an old
 * dashboard; `npm run build` (and `npm ci`) leave it up to date, making this a no-op.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const index = join(WEB_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(WEB_SOURCE)) return;
  const { build } = await import('vite');
  // Vitest sets NODE_ENV=test, which Vite would bake into the bundle (React's development build).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(WEB_SOURCE, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

export interface BrowserSession {
  gateway: TestGateway;
  browser: Browser;
  /** Users created by `signIn`, by role (the latest of each). */
  users: Partial<Record<UserRole, BrowserUser>>;
  /** Absolute URL of a dashboard path. */
  url(path: string): string;
  /** Creates a user with the admin key (through the API) without signing in. */
  createUser(role: UserRole): Promise<BrowserUser>;
  /**
   * A fresh browser context (own cookies) signed in through the login form as the session's user of `role`
   * (created on first use; `createUser` makes more).
   */
  signIn(role: UserRole): Promise<Page>;
  /** A fresh, signed-out page. */
  newPage(): Promise<Page>;
  /** Runs axe-core on the page; throws listing every serious or critical violation. */
  expectAccessible(page: Page): Promise<void>;
  /** Page errors and console errors seen so far (CSP violations show here). */
  pageErrors: string[];
}

async function launchChromium(): Promise<Browser> {
  // Playwright's launch gives every run a fresh temporary profile (user-data-dir) and removes it on close.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  // evaluate, not addScriptTag: the dashboard's CSP rightly refuses inline scripts.
  await page.evaluate(axe.source);
  // A string, because this file is type-checked without DOM types; it runs in the page.
  return (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target })),
    })))`)) as AxeViolation[];
}

/**
 * Registers beforeAll/afterEach/afterAll hooks in the enclosing `describe` and returns the session, usable
 * inside tests. Pages opened during a failed test are saved as PNGs under test-artifacts/ before being closed.
 */
export function useBrowserSession(options: { configText?: string } = {}): BrowserSession {
  let gateway: TestGateway | null = null;
  let browser: Browser | null = null;
  let contexts: BrowserContext[] = [];
  let userCount = 0;
  const pageErrors: string[] = [];
  const users: BrowserSession['users'] = {};

  const need = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`${what} is not started: call useBrowserSession() inside describe.`);
    return value;
  };

  async function newPage(): Promise<Page> {
    const context = await need(browser, 'The browser').newContext({
      baseURL: need(gateway, 'The gateway').baseUrl,
    });
    contexts.push(context);
    const page = await context.newPage();
    // Generous: sign-in hashes passwords with scrypt, which a busy CI machine makes slow.
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    return page;
  }

  async function createUser(role: UserRole): Promise<BrowserUser> {
    const running = need(gateway, 'The gateway');
    userCount += 1;
    const email = `${role}-${userCount}@example.test`;
    const response = await fetch(`${running.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email, name: `Test ${role} ${userCount}`, role, password: PASSWORD }),
    });
    if (response.status !== 201)
      throw new Error(`creating ${email}: ${response.status} ${await response.text()}`);
    const { id } = (await response.json()) as { id: string };
    const user = { id, email, password: PASSWORD, role };
    users[role] = user;
    return user;
  }

  async function signIn(role: UserRole): Promise<Page> {
    // One user per role and session: password hashing is deliberately slow, and each page gets its own cookies.
    const user = users[role] ?? (await createUser(role));
    const page = await newPage();
    await page.goto('/login');
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    return page;
  }

  async function expectAccessible(page: Page): Promise<void> {
    const serious = (await runAxe(page)).filter(
      (violation) => violation.impact === 'serious' || violation.impact === 'critical',
    );
    if (serious.length > 0) {
      const lines = serious.map(
        (violation) =>
          `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes
            .map((node) => JSON.stringify(node.target))
            .join(', ')}`,
      );
      throw new Error(
        `axe found ${serious.length} serious/critical violations on ${page.url()}:\n${lines.join('\n')}`,
      );
    }
  }

  beforeAll(async () => {
    await ensureDashboardBuilt();
    gateway = await startTestGateway(options.configText ?? '');
    browser = await launchChromium();
  }, 120_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      mkdirSync(ARTIFACTS, { recursive: true });
      const base = context.task.name.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 80);
      let index = 0;
      for (const open of contexts) {
        for (const page of open.pages()) {
          index += 1;
          await page
            .screenshot({ path: join(ARTIFACTS, `${base}-${index}.png`), fullPage: true })
            .catch(() => {});
        }
      }
    }
    await Promise.all(contexts.map((open) => open.close()));
    contexts = [];
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  return {
    get gateway() {
      return need(gateway, 'The gateway');
    },
    get browser() {
      return need(browser, 'The browser');
    },
    users,
    url: (path) => `${need(gateway, 'The gateway').baseUrl}${path}`,
    createUser,
    signIn,
    newPage,
    expectAccessible,
    pageErrors,
  };
}
