import { displayPrefixOf, formatApiKey, isWellFormedApiKey } from '../core/api-key-format.js';
import { SlipwayError } from '../core/errors.js';
import type { ApiKeyRecord, LimitPolicy, Project, Role } from '../core/identity.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { ProjectStore } from '../ports/project-store.js';
import type { Random } from '../ports/random.js';
import type { SecretHasher } from '../ports/secret-hasher.js';

/** The name of the project that exists from the first start, for keys created without one. */
const DEFAULT_PROJECT_NAME = 'default';
const DAY_MS = 86_400_000;

export interface ApiKeyManagementDeps {
  store: ApiKeyStore & ProjectStore;
  clock: Clock;
  random: Random;
  hasher: SecretHasher;
}

export interface CreateApiKeyInput {
  name: string;
  /** A project id or name; the default project when absent. */
  project?: string;
  role: Role;
  expiresInDays?: number;
  allowedModels?: string[] | null;
  limits?: LimitPolicy;
  /** May requests with this key name the end user they run for (default false). */
  actAsEndUser?: boolean;
  /** Use this secret instead of generating one (the bootstrap admin key from configuration). */
  secret?: string;
}

/** A key as shown to people: everything but the digest. */
export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'>;

function toApiKeyView(record: ApiKeyRecord): ApiKeyView {
  const { secretHash: _secretHash, ...view } = record;
  return view;
}

/**
 * Creating, listing and revoking API keys. The secret is returned once, at creation; only its digest is stored.
 * @example const { secret } = await keys.createApiKey({ name: 'ci', role: 'app' });
 */
export function makeApiKeyManagement(deps: ApiKeyManagementDeps) {
  const { store, clock, random, hasher } = deps;

  async function resolveProject(reference: string | undefined): Promise<Project> {
    const name = reference ?? DEFAULT_PROJECT_NAME;
    const project = (await store.getProject(name)) ?? (await store.findProjectByName(name));
    if (project) return project;
    if (name === DEFAULT_PROJECT_NAME) return ensureDefaultProject();
    throw new SlipwayError('not_found', `No project named or numbered "${name}"`, { param: 'project' });
  }

  async function ensureDefaultProject(): Promise<Project> {
    const existing = await store.findProjectByName(DEFAULT_PROJECT_NAME);
    if (existing) return existing;
    try {
      return await store.createProject({
        id: random.id('prj'),
        name: DEFAULT_PROJECT_NAME,
        createdAt: clock.now(),
        retentionDays: null,
      });
    } catch (error) {
      // Another API process created it first.
      const created = await store.findProjectByName(DEFAULT_PROJECT_NAME);
      if (created) return created;
      throw error;
    }
  }

  async function createApiKey(input: CreateApiKeyInput): Promise<{ key: ApiKeyView; secret: string }> {
    const project = await resolveProject(input.project);
    const secret = input.secret ?? formatApiKey(random.bytes(32));
    const now = clock.now();
    const record: ApiKeyRecord = {
      id: random.id('key'),
      projectId: project.id,
      name: input.name,
      role: input.role,
      secretHash: hasher.digest(secret),
      displayPrefix: displayPrefixOf(secret),
      createdAt: now,
      expiresAt: input.expiresInDays === undefined ? null : now + input.expiresInDays * DAY_MS,
      revokedAt: null,
      allowedModels: input.allowedModels ?? null,
      limits: input.limits ?? {},
      ...(input.actAsEndUser === true ? { actAsEndUser: true } : {}),
    };
    await store.insertApiKey(record);
    return { key: toApiKeyView(record), secret };
  }

  async function listApiKeys(projectReference?: string): Promise<ApiKeyView[]> {
    const filter =
      projectReference === undefined ? {} : { projectId: (await resolveProject(projectReference)).id };
    return (await store.listApiKeys(filter)).map(toApiKeyView);
  }

  async function revokeApiKey(id: string): Promise<ApiKeyView> {
    if (!(await store.revokeApiKey(id, clock.now()))) {
      throw new SlipwayError('not_found', `No API key with id "${id}"`, { param: 'id' });
    }
    const record = await store.getApiKey(id);
    if (!record) throw new SlipwayError('not_found', `No API key with id "${id}"`, { param: 'id' });
    return toApiKeyView(record);
  }

  async function createProject(name: string): Promise<Project> {
    return store.createProject({ id: random.id('prj'), name, createdAt: clock.now(), retentionDays: null });
  }

  /**
   * Makes sure an admin can sign in on first start: the configured admin secret is registered if it is not
   * yet; with none configured and no admin key in the store, a new one is generated and returned (to print once).
   */
  async function ensureBootstrapAdmin(
    configuredSecret: string | null,
  ): Promise<{ generatedSecret: string | null }> {
    await ensureDefaultProject();
    if (configuredSecret !== null) {
      if (!isWellFormedApiKey(configuredSecret)) {
        throw new SlipwayError(
          'invalid_request',
          'SLIPWAY_ADMIN_KEY is not a Slipway key (sk-slw-… with its checksum); make one with `slipway keys generate-secret`.',
          { param: 'adminKey' },
        );
      }
      const digest = hasher.digest(configuredSecret);
      if (!(await store.findApiKeyByHash(digest))) {
        try {
          await createApiKey({
            name: 'bootstrap admin (SLIPWAY_ADMIN_KEY)',
            role: 'admin',
            secret: configuredSecret,
          });
        } catch (error) {
          // Another API process starting at the same moment registered it first.
          if (!(await store.findApiKeyByHash(digest))) throw error;
        }
      }
      return { generatedSecret: null };
    }
    const keys = await store.listApiKeys({});
    if (keys.some((key) => key.role === 'admin' && key.revokedAt === null)) return { generatedSecret: null };
    const { secret } = await createApiKey({ name: 'bootstrap admin', role: 'admin' });
    return { generatedSecret: secret };
  }

  return {
    createApiKey,
    listApiKeys,
    revokeApiKey,
    createProject,
    ensureBootstrapAdmin,
    listProjects: () => store.listProjects(),
  };
}

export type ApiKeyManagement = ReturnType<typeof makeApiKeyManagement>;
