import { describe, expect, it } from 'vitest';
import type { Project } from '../core/identity.js';
import { MAX_RETENTION_DAYS, makeSetProjectRetention } from './set-project-retention.js';

function setUp() {
  const projects: Project[] = [{ id: 'prj_1', name: 'shop', createdAt: 0, retentionDays: null }];
  const store = {
    getProject: (id: string) => Promise.resolve(projects.find((project) => project.id === id) ?? null),
    findProjectByName: (name: string) =>
      Promise.resolve(projects.find((project) => project.name === name) ?? null),
    setProjectRetention(id: string, retentionDays: number | null) {
      const project = projects.find((candidate) => candidate.id === id);
      if (project === undefined) throw new Error('unexpected');
      project.retentionDays = retentionDays;
      return Promise.resolve({ ...project });
    },
  };
  return { projects, setRetention: makeSetProjectRetention({ store }) };
}

describe('makeSetProjectRetention', () => {
  it('sets and clears the period of a project given by id or by name', async () => {
    const { setRetention } = setUp();
    await expect(setRetention('prj_1', 30)).resolves.toMatchObject({ id: 'prj_1', retentionDays: 30 });
    await expect(setRetention('shop', null)).resolves.toMatchObject({ id: 'prj_1', retentionDays: null });
    await expect(setRetention('shop', MAX_RETENTION_DAYS)).resolves.toMatchObject({ retentionDays: 36_500 });
  });

  it.each([0, -1, 1.5, MAX_RETENTION_DAYS + 1, Number.NaN])('refuses %s days', async (days) => {
    const { projects, setRetention } = setUp();
    await expect(setRetention('prj_1', days)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(projects[0]?.retentionDays).toBeNull();
  });

  it('answers not_found for an unknown project', async () => {
    const { setRetention } = setUp();
    await expect(setRetention('nope', 7)).rejects.toMatchObject({ code: 'not_found' });
  });
});
