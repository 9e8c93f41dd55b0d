/**
 * `npm run regions`: the three-region demo of cross-region direct settlement (docs/REGIONS.md). Creates (once)
 * four databases on the local PostgreSQL server (REGIONS_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres), then starts the hub and three regions, each `yibao serve --demo
 * --region CODE` on its own database and port, all over the NATS server at YIBAO_NATS_URL (default
 * nats://127.0.0.1:4222, JetStream on). Ctrl-C stops them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';

const base = process.env.REGIONS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const nats = process.env.YIBAO_NATS_URL ?? 'nats://127.0.0.1:4222';
const parties = [
  { name: 'hub', db: 'yibao_hub', args: ['hub'], env: {} },
  ...[
    ['r110000', 'Beijing', 8081],
    ['r310000', 'Shanghai', 8082],
    ['r440300', 'Shenzhen', 8083],
  ].map(([code, name, port]) => ({
    name: String(code),
    db: `yibao_${String(code)}`,
    args: ['serve', '--demo', '--region', String(code)],
    env: { PORT: String(port), YIBAO_REGION_NAME: String(name), YIBAO_DATA_DIR: `data/${String(code)}` },
  })),
];

const admin = new pg.Client({ connectionString: base });
await admin.connect();
for (const p of parties) {
  const { rows } = await admin.query('select 1 from pg_database where datname = $1', [p.db]);
  if (!rows.length) await admin.query(`create database ${p.db}`);
}
await admin.end();

const children: ChildProcess[] = [];
for (const p of parties) {
  const url = new URL(base);
  url.pathname = `/${p.db}`;
  const child = spawn(process.execPath, ['bin/yibao.mjs', ...p.args], {
    env: { ...process.env, ...p.env, DATABASE_URL: url.toString(), YIBAO_NATS_URL: nats },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) console.log(`[${p.name}] ${line}`);
    });
  children.push(child);
  // The hub first, so the regions find it when they publish their keys.
  if (p.name === 'hub') await new Promise((r) => setTimeout(r, 1500));
}
console.log('hub + regions r110000 (:8081), r310000 (:8082), r440300 (:8083); Ctrl-C stops them');
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    for (const c of children) c.kill('SIGTERM');
  });
