import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { call, createTestDb, createTestEnv, type TestEnv } from '../support/env.ts';
import { loadTestCatalogue, mapTestCatalogue } from '../support/catalogue.ts';
import { activeEcard, createInstitution, createTerminal, depositTo, qrOf } from '../support/factories.ts';
import type { Db } from '../../src/platform/db.ts';
import { DEMO_POLICY } from '../../src/settlement/policy.ts';
import { formatFen } from '../../web/src/shared/money.ts';
import { WEB_DIST } from '../../src/web/static.ts';
import { startHub } from '../../src/regions/hub.ts';
import { RegionFederation } from '../../src/regions/federation.ts';
import { labels } from './labels.ts';
import { figureText, scanText, settleBill, signInTerminal } from './terminal-steps.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

/**
 * Issue 20's "done when", in the browser: a person insured in region A files for treatment in region B in the
 * person app of A, and B's till settles a bill for them at B's hospital; the figures shown are the insured
 * region's to the fen. Two region servers (each its own app on its own PostgreSQL database, serving the web
 * apps), the hub, and a NATS server with JetStream of the test's own.
 */
describe(
  'a person of one region settles at a hospital of another, in the browser [postgres]',
  { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL and nats-server' },
  () => {
    // Digits only: the codes show on the screens, which must hold no English word.
    const suffix = String(randomInt(100_000, 999_999));
    const A = `ea${suffix}`;
    const B = `eb${suffix}`;
    const store = mkdtempSync(join(tmpdir(), 'yibao-e2e-nats-'));
    let nats: ChildProcess;
    let hubDb: Db;
    let hub: Awaited<ReturnType<typeof startHub>>;
    let envA: TestEnv;
    let envB: TestEnv;
    let fedA: RegionFederation;
    let fedB: RegionFederation;
    let urlA: string;
    let urlB: string;
    let browser: Browser;
    let person: Awaited<ReturnType<typeof activeEcard>>;
    let till: { credential: string; institutionId: string };

    before(async () => {
      if (!existsSync(WEB_DIST + 'index.html'))
        throw new Error('web/dist is missing: run `npm run build` first');
      const port = await freePort();
      nats = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      await new Promise<void>((resolve) => {
        let out = '';
        nats.stderr!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('Server is ready')) resolve();
        });
      });
      const natsUrl = `nats://127.0.0.1:${port}`;
      [hubDb, envA, envB] = await Promise.all([
        createTestDb('postgres'),
        createTestEnv('postgres'),
        createTestEnv('postgres'),
      ]);
      hub = await startHub({ db: hubDb, natsUrl, onError: () => undefined });
      const opts = (region: string) => ({ region, name: `地区${region.slice(0, 2).toUpperCase()}`, natsUrl });
      fedA = envA.app.regions = await RegionFederation.start(envA.app, opts(A));
      fedB = envB.app.regions = await RegionFederation.start(envB.app, opts(B));
      await fedA.refresh();
      await fedB.refresh();
      const rules = {
        ...DEMO_POLICY,
        region: A,
        version: `${A}-1`,
        crossRegion: { unfiledFundRatioCutBp: 1_000 },
      };
      await envA.db.query(
        `insert into policy_versions (id, region_code, version, effective_from, rules, published_at)
         values ($1, $2, $3, '2020-01-01', $4, now())`,
        [randomUUID(), A, rules.version, JSON.stringify(rules)],
      );
      person = await activeEcard(envA, { regionCode: A });
      await depositTo(envA, person.personId, 100_000);
      const inst = await createInstitution(envB, { kind: 'hospital', regionCode: B });
      till = { credential: (await createTerminal(envB, inst)).token, institutionId: inst.institutionId };
      await loadTestCatalogue(envB.db, B, envB.clock.now());
      await mapTestCatalogue(envB.db, inst.institutionId, envB.clock.now());
      for (const item of [
        { code: 'XJ0001', name: '西药甲', unitPrice: 8_000 },
        { code: 'XJ0002', name: '西药乙', unitPrice: 4_500 },
      ]) {
        const r = await call(envB.app, 'POST', '/v1/institution/price-list', {
          token: inst.staffToken,
          body: item,
        });
        assert.equal(r.status, 201, r.raw);
      }
      urlA = await envA.app.listen({ port: 0, host: '127.0.0.1' });
      urlB = await envB.app.listen({ port: 0, host: '127.0.0.1' });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic'],
      });
    });

    after(async () => {
      await browser?.close();
      await fedA?.stop();
      await fedB?.stop();
      await hub?.stop();
      await envA?.close();
      await envB?.close();
      await hubDb?.close();
      nats?.kill('SIGTERM');
      rmSync(store, { recursive: true, force: true });
    });

    const open = async (baseURL: string, app: 'person' | 'terminal', token?: string): Promise<Page> => {
      const context = await browser.newContext({
        baseURL,
        locale: 'zh-CN',
        viewport: app === 'person' ? { width: 390, height: 844 } : { width: 1280, height: 900 },
      });
      if (token)
        await context.addInitScript(([k, v]) => sessionStorage.setItem(k!, v!), [
          `yibao.${app}.token`,
          token,
        ] as const);
      return context.newPage();
    };

    test('the person files in their region’s app, then settles at the other region’s till', async () => {
      const t = labels('zh-CN');
      // The person app of region A: 异地就医备案 for region B.
      const phone = await open(urlA, 'person', person.token);
      await phone.goto('/app/filings');
      await phone.getByRole('heading', { name: t('person:filings.title') }).waitFor();
      await phone.getByLabel(t('person:filings.kind')).selectOption('resident_elsewhere');
      await phone.getByLabel(t('person:filings.region')).selectOption(B);
      await phone.getByLabel(t('person:filings.validFrom')).fill('2026-06-01');
      await phone.getByLabel(t('person:filings.validTo')).fill('2026-12-31');
      await phone.getByRole('button', { name: t('person:filings.submit') }).click();
      await phone.getByText(t('person:filings.filed.approved')).waitFor();
      const item = phone.locator('[data-filing]').first();
      await item.getByText(t('person:filings.statuses.approved')).waitFor();
      assert.doesNotMatch(
        await phone.locator('main').innerText(),
        /[A-Za-z]{4,}/u,
        'no English on the screen',
      );
      await phone.screenshot({ path: `${SCREENSHOTS}regions-person-filing.png`, fullPage: true });

      // Region B's till scans the code region A signed and settles the bill at B's hospital.
      const qr = await qrOf(envA, person);
      const counter = await open(urlB, 'terminal');
      await signInTerminal(counter, till.credential);
      await scanText(counter, qr);
      const id = await settleBill(counter, [
        { name: '西药甲', quantity: 1 },
        { name: '西药乙', quantity: 2 },
      ]);
      await counter.screenshot({ path: `${SCREENSHOTS}regions-till-settlement.png`, fullPage: true });

      // The figures are the insured region's, to the fen: what region A recorded under its own policy.
      const { rows } = await envA.db.query<{
        total: number;
        fund: number;
        account_paid: number;
        cash_paid: number;
        filing_id: string | null;
        treatment_region: string;
      }>(
        'select total, fund, account_paid, cash_paid, filing_id, treatment_region from settlements where id = $1',
        [id],
      );
      const s = rows[0]!;
      assert.equal(s.treatment_region, B);
      assert.notEqual(s.filing_id, null, `settled under the filing: ${JSON.stringify(s)}`);
      assert.equal(s.total, 8_000 + 2 * 4_500);
      assert.equal(await figureText(counter, 'total'), formatFen(s.total));
      assert.equal(await figureText(counter, 'fund'), formatFen(s.fund));
      assert.equal(await figureText(counter, 'accountPaid'), formatFen(s.account_paid));
      assert.equal(await figureText(counter, 'cashPaid'), formatFen(s.cash_paid));
      // Region B recorded it for its institution: the day's list and the receipt.
      const day = await call(envB.app, 'GET', `/v1/terminal/settlements/${id}`, { token: till.credential });
      assert.equal(day.status, 200, day.raw);
      assert.equal(day.body.result.totals.fund, s.fund);
    });
  },
);
