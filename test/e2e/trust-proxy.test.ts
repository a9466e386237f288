import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

const FORWARDED_FOR = '203.0.113.7';

/** Fails one sign-in with an X-Forwarded-For header and returns the client address the audit log recorded. */
async function recordedClientIp(gateway: TestGateway): Promise<unknown> {
  const login = await request(`${gateway.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': FORWARDED_FOR },
    body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password at all' }),
  });
  await login.body.dump();
  expect(login.statusCode).toBe(401);
  const audit = await request(`${gateway.baseUrl}/api/audit?action=auth.login_failed`, {
    headers: { authorization: `Bearer ${gateway.adminKey}` },
  });
  const events = ((await audit.body.json()) as { data: Array<{ detail: { clientIp?: unknown } }> }).data;
  expect(events).toHaveLength(1);
  return events[0]?.detail.clientIp;
}

describe('server.trustProxy: where the client address of sign-in limits and the audit log comes from', () => {
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('ignores X-Forwarded-For by default, so a direct client cannot forge its address', async () => {
    gateway = await startTestGateway();
    expect(await recordedClientIp(gateway)).toBe('127.0.0.1');
  });

  it('takes the client address from X-Forwarded-For when the proxy is trusted', async () => {
    gateway = await startTestGateway('server: { trustProxy: true }');
    expect(await recordedClientIp(gateway)).toBe(FORWARDED_FOR);
  });

  it('trusts only the listed proxies', async () => {
    gateway = await startTestGateway('server: { trustProxy: ["10.0.0.0/8"] }');
    expect(await recordedClientIp(gateway)).toBe('127.0.0.1');
    await gateway.close();
    gateway = await startTestGateway('server: { trustProxy: ["127.0.0.1"] }');
    expect(await recordedClientIp(gateway)).toBe(FORWARDED_FOR);
  });
});
