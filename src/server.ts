import { mkdirSync } from 'node:fs';
import type { Config } from './platform/config.ts';
import { openDb, type Db } from './platform/db.ts';
import { migrate } from './platform/migrate.ts';
import { buildApp } from './app.ts';
import { ensureAdmin } from './accounts/admin.ts';
import { DEMO_ACCOUNTS, DEMO_PAYMENT_PIN, seedDemo } from './demo/seed.ts';
import type { App } from './platform/http.ts';
import { startHousekeeping } from './housekeeping.ts';
import { RegionFederation } from './regions/federation.ts';

/** How often old idempotency keys and QR nonces are purged. */
const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

/** Opens the configured store: PostgreSQL when DATABASE_URL is set, else PGlite under the data directory. */
export async function openConfiguredDb(config: Config): Promise<Db> {
  if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
  return openDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir + '/pglite',
    poolSize: config.dbPoolSize,
  });
}

/**
 * Starts the whole product: migrations, the admin account, demo data in demo mode, then the HTTP server.
 * SIGINT/SIGTERM close the server first (in-flight requests finish), then the store.
 */
export async function serve(config: Config): Promise<{ app: App; db: Db; stop: () => Promise<void> }> {
  const db = await openConfiguredDb(config);
  const applied = await migrate(db);
  const admin = await ensureAdmin(db, config);
  const app = await buildApp({ db, config });
  if (applied.length) app.log.info({ applied }, 'migrations applied');
  if (admin.generatedPassword) {
    // Printed once, on the console only (not through the structured log): the password is not stored in clear.
    console.log(
      `\n  Admin account created: login "admin", password "${admin.generatedPassword}" (shown once)\n`,
    );
  }
  if (config.mode === 'demo') {
    const seeded = await seedDemo(db, new Date(), undefined, { paymentPinKey: app.paymentPinKey });
    if (seeded.seeded) {
      console.log('  Demo data loaded. Demo logins (demo mode only):');
      for (const [who, a] of Object.entries(DEMO_ACCOUNTS))
        console.log(`    ${who.padEnd(9)} ${a.login} / ${a.password}`);
      console.log(`  Demo e-card payment PIN: ${DEMO_PAYMENT_PIN}`);
      console.log(`  Demo pharmacy terminal credential (shown once): ${seeded.terminalCredential}`);
      console.log();
    }
  }
  // A region of the federation: its consumers run before the first till can send it anything.
  if (config.region) {
    app.regions = await RegionFederation.start(app, {
      region: config.region,
      natsUrl: config.natsUrl,
      waitMs: config.regionWaitMs,
      ackWaitMs: config.regionAckWaitMs,
      ...(config.regionName ? { name: config.regionName } : {}),
    });
    console.log(`  Region ${config.region}: federated over NATS at ${config.natsUrl}`);
  }
  await app.listen({ port: config.port, host: config.host });
  if (app.hasRoute({ method: 'GET', url: '/*' })) {
    const base = `http://localhost:${config.port}`;
    console.log(`  Web apps: ${base}/app (person), ${base}/terminal (till), ${base}/console (agency)\n`);
  }
  const housekeeping = startHousekeeping({
    db,
    clock: app.clock,
    clockSkewSeconds: config.qrClockSkewSeconds,
    intervalMs: HOUSEKEEPING_INTERVAL_MS,
    onError: (err) => app.log.error({ err }, 'housekeeping failed'),
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await app.close();
      await app.regions?.stop();
      await housekeeping.stop();
      await db.close();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  return { app, db, stop };
}
