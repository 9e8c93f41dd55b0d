import { after, before, describe } from 'node:test';
import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { openPglite, openPostgres, type Db } from '../../src/platform/db.ts';
import { migrate } from '../../src/platform/migrate.ts';
import { ensureAdmin } from '../../src/accounts/admin.ts';
import type { App } from '../../src/platform/http.ts';
import { makeIdNumber } from '../../src/people/id-number.ts';
import { installDemoPolicy } from '../../src/settlement/policy-store.ts';
import { loadTestCatalogue } from './catalogue.ts';
import { installDemoPremiumRules } from '../../src/contributions/store.ts';

export type StoreKind = 'pglite' | 'postgres';

/** PGlite always; the PostgreSQL server too when TEST_DATABASE_URL is set. */
export const STORES: StoreKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const ADMIN_PASSWORD = 'admin-test-password';

/** A clock tests can move. */
class TestClock {
  constructor(public current = new Date('2026-06-15T02:00:00Z')) {}
  now = (): Date => new Date(this.current);
  set(iso: string | Date): void {
    this.current = new Date(iso);
  }
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** A fresh database: a new in-memory PGlite, or a new database on the PostgreSQL server (dropped on close). */
export async function createTestDb(kind: StoreKind): Promise<Db> {
  if (kind === 'pglite') {
    const db = await openPglite();
    await migrate(db);
    return db;
  }
  const base = process.env.TEST_DATABASE_URL!;
  const name = `yibao_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = '/' + name;
  const db = await openPostgres(url.toString());
  await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    url: url.toString(),
    async close() {
      await close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  });
}

/** The connection URL of a test database on the PostgreSQL server (for a child process to open it too). */
export function testDbUrl(db: Db): string {
  const url = (db as Db & { url?: string }).url;
  if (!url) throw new Error('not a test database on the PostgreSQL server');
  return url;
}

export interface TestEnv {
  kind: StoreKind;
  db: Db;
  app: App;
  clock: TestClock;
  config: Config;
  adminToken: string;
  /** The test catalogue is loaded in region `demo` and the factories map each institution's items to it. */
  testCatalogue: boolean;
  close(): Promise<void>;
}

export interface EnvOptions {
  /** Load the test catalogue (test/support/catalogue.ts) into region `demo`; default true. */
  testCatalogue?: boolean;
}

export async function createTestEnv(
  kind: StoreKind,
  overrides: Partial<Config> = {},
  options: EnvOptions = {},
): Promise<TestEnv> {
  const db = await createTestDb(kind);
  const clock = new TestClock();
  const config = loadConfig(
    {},
    {
      mode: 'test',
      adminPassword: ADMIN_PASSWORD,
      logLevel: 'silent',
      loginRateLimitPerMinute: 10_000,
      ...overrides,
    },
  );
  await ensureAdmin(db, config);
  await db.query(`insert into regions (code, name) values ('demo', 'Demo'), ('440300', 'Shenzhen')`);
  await installDemoPolicy(db, clock.now());
  await installDemoPremiumRules(db, clock.now());
  const testCatalogue = options.testCatalogue !== false;
  if (testCatalogue) await loadTestCatalogue(db, 'demo', clock.now());
  const app = await buildApp({ db, config, clock: clock.now, logger: false });
  await app.ready();
  const adminToken = (await login(app, 'admin', ADMIN_PASSWORD)).token;
  return {
    kind,
    db,
    app,
    clock,
    config,
    adminToken,
    testCatalogue,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/**
 * Runs `body` once per store in a describe block of its own, with a fresh environment per store.
 * `env()` is valid inside tests (after the before hook has run).
 */
export function forEachStore(
  title: string,
  body: (env: () => TestEnv) => void,
  overrides: Partial<Config> = {},
  options: EnvOptions = {},
): void {
  for (const kind of STORES) {
    describe(`${title} [${kind}]`, () => {
      let env: TestEnv | undefined;
      before(async () => {
        env = await createTestEnv(kind, overrides, options);
      });
      after(async () => {
        await env?.close();
      });
      body(() => {
        if (!env) throw new Error('test environment not ready');
        return env;
      });
    });
  }
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
  raw: string;
}

/** One HTTP call through the in-process server. */
export async function call<T = any>(
  app: App,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; payload?: string | Buffer } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await app.inject({
    method,
    url,
    headers,
    ...(opts.payload !== undefined
      ? { payload: opts.payload }
      : opts.body !== undefined
        ? { payload: opts.body as object }
        : {}),
  });
  let body: unknown = undefined;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, body: body as T, headers: res.headers, raw: res.body };
}

export async function login(
  app: App,
  loginName: string,
  password: string,
): Promise<{ token: string; role: string }> {
  const r = await call(app, 'POST', '/v1/auth/login', { body: { login: loginName, password } });
  if (r.status !== 200) throw new Error(`login ${loginName} failed: ${r.status} ${r.raw}`);
  return r.body;
}

let citizenCounter = 0;

/** A fresh, valid and unique ID number with a name, for test data. */
export function newCitizen(opts: { birthDate?: string; name?: string } = {}): {
  idNumber: string;
  name: string;
} {
  citizenCounter++;
  const birthDate = opts.birthDate ?? `19${50 + randomInt(40)}-0${1 + randomInt(9)}-1${randomInt(10)}`;
  const address = `4403${String(randomInt(10, 99))}`;
  return {
    idNumber: makeIdNumber(address, birthDate, randomInt(1000)),
    name: opts.name ?? `测试${citizenCounter}号`,
  };
}

let phoneCounter = randomInt(1_000_000);

export function newPhone(): string {
  phoneCounter = (phoneCounter + 1) % 100_000_000;
  return '139' + String(phoneCounter).padStart(8, '0');
}
