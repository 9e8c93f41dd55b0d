import { resolve } from 'node:path';
import { DEFAULT_PUBLIC_HOLIDAYS_2026, parseHolidayList } from './working-days.ts';

/** Everything the process reads from its environment, read once at start. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL server; when unset the embedded PGlite store under `dataDir` is used. */
  databaseUrl?: string;
  /** Connections in the PostgreSQL pool. */
  dbPoolSize: number;
  dataDir: string;
  /** `production` refuses to start without an admin password; `demo` seeds demo data. */
  mode: 'production' | 'demo' | 'test';
  adminPassword?: string;
  logLevel: string;
  /** Session lifetime for bearer tokens. */
  sessionTtlSeconds: number;
  /** Login attempts allowed per minute per client address. */
  loginRateLimitPerMinute: number;
  /** Largest ID photo accepted. */
  maxPhotoBytes: number;
  /**
   * 64 hex characters sealing stored secrets (QR signing keys) and keying the payment PIN HMAC; outside
   * production one is created under dataDir.
   */
  secretKeyHex?: string;
  /** Most relatives one person may bind. */
  maxRelatives: number;
  /** Above this many fen paid from accounts, an e-card payment needs the payment PIN. */
  paymentPinThresholdFen: number;
  /** Lifetime of a QR code shown by the app. */
  qrTtlSeconds: number;
  /** Clock skew tolerated when a terminal checks a QR code. */
  qrClockSkewSeconds: number;
  /** Public holidays (`YYYY-MM-DD`) the card working-day calendar skips besides weekends. */
  publicHolidays: string[];
  /**
   * The region this deployment serves in the cross-region federation (`yibao serve --region`, YIBAO_REGION);
   * unset: a stand-alone deployment (src/regions, docs/REGIONS.md).
   */
  region?: string;
  /** The region's display name in the hub's directory (YIBAO_REGION_NAME). */
  regionName?: string;
  /** The NATS server (with JetStream) the regions and the hub talk through. */
  natsUrl: string;
  /**
   * How long a till waits for the insured region's answer (YIBAO_REGION_WAIT_MS, default 8 s) and after how long
   * JetStream redelivers a request or answer a crashed region took but never acknowledged
   * (YIBAO_REGION_ACK_WAIT_MS, default 30 s).
   */
  regionWaitMs: number;
  regionAckWaitMs: number;
  /**
   * Group commit of settlements (src/settlement/group-commit.ts): most members per transaction
   * (YIBAO_GROUP_COMMIT_MAX; unset: 32 on PostgreSQL, off on PGlite; 1 turns it off), how long a batch waits
   * for more once a connection is free (YIBAO_GROUP_COMMIT_WINDOW_MS, default 0: those of the same event-loop
   * turn; the others join the next batch while this one runs), batches at once
   * (YIBAO_GROUP_COMMIT_TRANSACTIONS, default 1), and how many other settlements must be under way in the
   * process for a settlement to join a batch rather than run alone (YIBAO_GROUP_COMMIT_SIBLINGS, default 8;
   * docs/PERFORMANCE.md has the measurements behind these).
   */
  groupCommit: { maxBatch?: number; windowMs: number; transactions: number; siblings: number };
}

function int(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function holidays(env: NodeJS.ProcessEnv): string[] {
  const raw = env.YIBAO_PUBLIC_HOLIDAYS;
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_PUBLIC_HOLIDAYS_2026];
  try {
    return parseHolidayList(raw);
  } catch (err) {
    throw new Error(`YIBAO_PUBLIC_HOLIDAYS: ${(err as Error).message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const mode = (env.YIBAO_MODE ?? (env.NODE_ENV === 'production' ? 'production' : 'demo')) as Config['mode'];
  if (!['production', 'demo', 'test'].includes(mode))
    throw new Error(`YIBAO_MODE must be production, demo or test`);
  return {
    port: int('PORT', 8080, env),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dbPoolSize: int('YIBAO_DB_POOL_SIZE', 10, env),
    dataDir: resolve(env.YIBAO_DATA_DIR ?? 'data'),
    mode,
    adminPassword: env.YIBAO_ADMIN_PASSWORD || undefined,
    logLevel: env.YIBAO_LOG_LEVEL ?? env.LOG_LEVEL ?? 'info',
    sessionTtlSeconds: int('YIBAO_SESSION_TTL_SECONDS', 8 * 3600, env),
    loginRateLimitPerMinute: int('YIBAO_LOGIN_RATE_LIMIT', 10, env),
    maxPhotoBytes: int('YIBAO_MAX_PHOTO_BYTES', 2 * 1024 * 1024, env),
    secretKeyHex: env.YIBAO_SECRET_KEY || undefined,
    qrTtlSeconds: int('YIBAO_QR_TTL_SECONDS', 60, env),
    maxRelatives: int('YIBAO_MAX_RELATIVES', 8, env),
    paymentPinThresholdFen: int('YIBAO_PAYMENT_PIN_THRESHOLD_FEN', 50_000, env),
    qrClockSkewSeconds: int('YIBAO_QR_CLOCK_SKEW_SECONDS', 30, env),
    publicHolidays: holidays(env),
    region: env.YIBAO_REGION || undefined,
    regionName: env.YIBAO_REGION_NAME || undefined,
    natsUrl: env.YIBAO_NATS_URL || 'nats://127.0.0.1:4222',
    regionWaitMs: int('YIBAO_REGION_WAIT_MS', 8_000, env),
    regionAckWaitMs: int('YIBAO_REGION_ACK_WAIT_MS', 30_000, env),
    groupCommit: {
      maxBatch: env.YIBAO_GROUP_COMMIT_MAX ? int('YIBAO_GROUP_COMMIT_MAX', 32, env) : undefined,
      windowMs: int('YIBAO_GROUP_COMMIT_WINDOW_MS', 0, env),
      transactions: Math.max(1, int('YIBAO_GROUP_COMMIT_TRANSACTIONS', 1, env)),
      siblings: int('YIBAO_GROUP_COMMIT_SIBLINGS', 8, env),
    },
    ...overrides,
  };
}
