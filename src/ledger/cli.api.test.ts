import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPglite, type Db } from '../platform/db.ts';
import { migrate } from '../platform/migrate.ts';
import { createTestDb, STORES } from '../../test/support/env.ts';
import { insertPerson } from '../people/store.ts';
import { checkIdNumber, makeIdNumber } from '../people/id-number.ts';
import { deposit, pooledFund } from './ledger.ts';

const BIN = fileURLToPath(new URL('../../bin/yibao.mjs', import.meta.url));

function yibao(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, DATABASE_URL: '', YIBAO_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** A ledger with one person funded through a real deposit. */
async function fill(db: Db): Promise<void> {
  const now = new Date();
  await db.query(`insert into regions (code, name) values ('demo', 'Demo') on conflict do nothing`);
  const check = checkIdNumber(makeIdNumber('440301', '1980-05-05', 7), now);
  if (!check.ok) throw new Error('bad test ID number');
  await db.transaction(async (tx) => {
    const person = await insertPerson(tx, {
      id: check.info,
      name: '测试',
      regionCode: 'demo',
      insuranceType: 'resident',
    });
    await deposit(tx, person.id, 1234);
    await pooledFund(tx, 'demo');
  });
}

const corrupt = (db: Db) =>
  db.query(`update ledger_accounts set balance = balance + 1 where kind = 'pooled_fund'`);

for (const kind of STORES) {
  test(`yibao ledger check exits 0 on a sound ledger and 1 naming each problem [${kind}]`, async () => {
    let env: NodeJS.ProcessEnv;
    let cleanup: () => Promise<void>;
    let reopen: () => Promise<Db>;
    if (kind === 'pglite') {
      const dir = mkdtempSync(join(tmpdir(), 'yibao-ledger-'));
      env = { YIBAO_DATA_DIR: dir };
      reopen = async () => {
        const db = await openPglite(join(dir, 'pglite'));
        await migrate(db);
        return db;
      };
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const db = await createTestDb('postgres');
      const { rows } = await db.query<{ d: string }>('select current_database() as d');
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = '/' + rows[0]!.d;
      env = { DATABASE_URL: url.toString() };
      reopen = async () => db;
      cleanup = () => db.close();
    }
    try {
      let db = await reopen();
      await fill(db);
      if (kind === 'pglite') await db.close();
      const ok = yibao(env, 'ledger', 'check');
      assert.equal(ok.status, 0, ok.out);
      assert.match(ok.out, /ledger ok: 3 accounts, 1 postings, 2 entries/);

      db = await reopen();
      await corrupt(db);
      if (kind === 'pglite') await db.close();
      const bad = yibao(env, 'ledger', 'check');
      assert.equal(bad.status, 1, bad.out);
      assert.match(bad.out, /LEDGER BROKEN/);
      assert.match(bad.out, /account \S+ \(pooled_fund\) has balance 1 fen but its entries sum to 0 fen/);

      const usage = yibao(env, 'ledger', 'nonsense');
      assert.equal(usage.status, 2);
      assert.match(usage.out, /ledger check/);
    } finally {
      await cleanup();
    }
  });
}
