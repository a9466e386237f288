import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import type { ApiKeyRecord, Project } from '../core/identity.js';
import { makePromptTestCaller } from './prompt-test-caller.js';

const clock = new ManualClock();
const PROJECT: Project = { id: 'prj_default', name: 'default', createdAt: 0, retentionDays: null };
const KEY: ApiKeyRecord = {
  id: 'key_1',
  projectId: 'prj_team',
  name: 'ci',
  role: 'developer',
  secretHash: 'digest',
  displayPrefix: 'sk-slw-ab',
  createdAt: 0,
  expiresAt: null,
  revokedAt: null,
  allowedModels: ['offline-extractive'],
  limits: { spendPerDayUsd: 1 },
};

function callerWith(keys: ApiKeyRecord[], projects: Project[] = [PROJECT]) {
  return makePromptTestCaller({
    keys: { getApiKey: (id) => Promise.resolve(keys.find((key) => key.id === id) ?? null) },
    projects: {
      findProjectByName: (name) => Promise.resolve(projects.find((project) => project.name === name) ?? null),
    },
    clock,
  });
}

const keyActor = {
  kind: 'api_key' as const,
  id: KEY.id,
  role: 'developer' as const,
  projectScope: 'prj_team',
  label: KEY.id,
};
const person = {
  kind: 'user' as const,
  id: 'usr_1',
  role: 'admin' as const,
  projectScope: null,
  label: 'a@b.c',
};

describe('makePromptTestCaller', () => {
  it('gives a key its own project, role, models and limits', async () => {
    expect(await callerWith([KEY])(keyActor)).toEqual({
      keyId: 'key_1',
      projectId: 'prj_team',
      role: 'developer',
      allowedModels: ['offline-extractive'],
      limits: { spendPerDayUsd: 1 },
    });
  });

  it('refuses a key revoked or expired since the request was authenticated', async () => {
    await expect(callerWith([{ ...KEY, revokedAt: 1 }])(keyActor)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(callerWith([{ ...KEY, expiresAt: clock.now() }])(keyActor)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(callerWith([])(keyActor)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('runs a signed-in person as user:<id> in the default project with their role', async () => {
    expect(await callerWith([])(person)).toEqual({
      keyId: 'user:usr_1',
      projectId: 'prj_default',
      role: 'admin',
      allowedModels: null,
      limits: {},
    });
    await expect(callerWith([], [])(person)).rejects.toMatchObject({ code: 'internal_error' });
  });
});
