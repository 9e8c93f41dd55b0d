import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ADMIN_PASSWORD, DEMO_ACCOUNTS, DEMO_PAYMENT_PIN, fieldError, useE2E } from './support.ts';
import {
  addItems,
  apiCall,
  balanceOf,
  billTotalText,
  figureText,
  personToken,
  qrImageFor,
  scanFromImage,
  scanText,
  settleBill,
  signInTerminal,
} from './terminal-steps.ts';
import { maskIdNumber, maskName } from '../../src/platform/mask.ts';
import { syntheticCitizen } from '../../src/demo/synthetic.ts';
import { formatFen } from '../../web/src/shared/money.ts';
import { DEMO_MAPPED } from '../../src/demo/catalogue.ts';
import { t as serverText } from '../../src/i18n/index.ts';
import { todayInBeijing } from '../../web/src/shared/dates.ts';
import { chooseLanguage, labels, type Language } from './labels.ts';
import type { TerminalSettlement as Settlement } from '../../web/src/terminal/types.ts';

const e2e = useE2E();
const person = DEMO_ACCOUNTS.person;
/** The demo person as any institution must see them: masked. */
const demoCitizen = syntheticCitizen(0);

const settlementsCount = async () =>
  (await e2e().db.query<{ n: number }>('select count(*)::int8 as n from settlements')).rows[0]!.n;

/** A till of the demo hospital: the admin gives the hospital a staff account, which creates a terminal. */
async function hospitalTill(): Promise<string> {
  const { baseUrl, db } = e2e();
  const admin = await personToken(baseUrl, 'admin', ADMIN_PASSWORD);
  const { rows } = await db.query<{ id: string }>("select id from institutions where code = 'H99000000001'");
  const login = { login: 'hospital-cashier', password: 'hospital-e2e-pass' };
  await apiCall(baseUrl, 'POST', `/v1/admin/institutions/${rows[0]!.id}/staff`, {
    token: admin,
    body: { ...login, displayName: 'Hospital cashier 收费员' },
  });
  const staff = await personToken(baseUrl, login.login, login.password);
  const created = await apiCall<{ credential: string }>(baseUrl, 'POST', '/v1/institution/terminals', {
    token: staff,
    body: { name: 'Outpatient till 门诊收费处' },
  });
  return created.credential;
}

test('the till signs in, reads the QR code from an image, shows the masked person, settles from the price list and prints the receipt', async () => {
  const { baseUrl, terminalCredential } = e2e();
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await page.goto('/terminal');
  await page.getByRole('heading', { name: '终端登录' }).waitFor();
  await page.getByLabel('终端凭证').fill('ybt_not-a-real-credential');
  await page.getByRole('button', { name: '登录终端' }).click();
  assert.match(await fieldError(page, '终端凭证'), /终端凭证无效/);
  await e2e().screenshot(page, 'terminal-login');

  await signInTerminal(page, terminalCredential);
  await page.getByText('Demo Pharmacy 演示大药房').waitFor();
  await e2e().screenshot(page, 'terminal-scan');

  const token = await personToken(baseUrl, person.login, person.password);
  const before = await balanceOf(baseUrl, token);
  const qr = await qrImageFor(baseUrl, token);
  await scanFromImage(page, qr.pngPath);
  const panel = page.getByRole('region', { name: '参保信息' });
  assert.equal((await panel.locator('.masked-name').innerText()).trim(), maskName(demoCitizen.name));
  await panel.getByText(maskIdNumber(demoCitizen.idNumber)).waitFor();
  await panel.getByText('职工医保').waitFor();
  await panel.getByText(formatFen(before)).waitFor();
  assert.ok(
    !(await page.content()).includes(demoCitizen.idNumber),
    'the full ID number never reaches the till',
  );

  await addItems(page, [{ name: '阿莫西林', quantity: 2 }, { name: '维生素C' }]);
  assert.equal(await billTotalText(page), '¥90.60'); // 2 × 25.80 + 39.00
  // Each line shows what the agency's data says of the item, read-only: no choice of catalogue or service.
  await page.locator('tr[data-item="XJ01CA04"] [data-coverage="A"]').getByText('甲类').waitFor();
  await page.locator('tr[data-item="ZZ-VC-100"] [data-coverage="unmapped"]').getByText('目录外').waitFor();
  assert.equal(await page.locator('.bill-table select').count(), 0);
  const beforeEstimate = await settlementsCount();
  await page.getByRole('button', { name: '预结算' }).click();
  await page.getByRole('heading', { name: /预结算结果/ }).waitFor();
  assert.equal(await figureText(page, 'total'), '¥90.60');
  assert.equal(await figureText(page, 'outOfCatalogue'), '¥39.00');
  assert.equal(await settlementsCount(), beforeEstimate, 'an estimate writes nothing');
  assert.equal(await balanceOf(baseUrl, token), before, 'an estimate charges nothing');
  await e2e().screenshot(page, 'terminal-estimate');

  const settled = await settlementsCount();
  const id = await settleBill(page, []);
  assert.equal(await settlementsCount(), settled + 1);
  const s = await apiCall<Settlement>(baseUrl, 'GET', `/v1/terminal/settlements/${id}`, {
    token: terminalCredential,
  });
  assert.equal(s.result.totals.total, 9_060);
  assert.ok(s.result.totals.accountPaid > 0);
  assert.equal(await figureText(page, 'accountPaid'), formatFen(s.result.totals.accountPaid));
  // The person's account fell by exactly the account share the settlement shows.
  assert.equal(await balanceOf(baseUrl, token), before - s.result.totals.accountPaid);

  const receipt = page.locator('pre.printable.receipt');
  await receipt.waitFor();
  assert.match(await receipt.innerText(), /90\.60/);
  await e2e().screenshot(page, 'terminal-settlement');
  await page.emulateMedia({ media: 'print' });
  await e2e().screenshot(page, 'terminal-receipt');
  await page.emulateMedia({ media: 'screen' });
  await ctx.close();
});

test('a line is refunded after a confirmation, the settlement shows it, and the day’s reconciliation counts it', async () => {
  const { baseUrl, terminalCredential } = e2e();
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await signInTerminal(page, terminalCredential);
  const token = await personToken(baseUrl, person.login, person.password);
  // This time the code's text is typed, as a hand scanner does.
  const qr = await qrImageFor(baseUrl, token);
  await scanText(page, qr.text);
  const id = await settleBill(page, [{ name: '布洛芬' }, { name: '二甲双胍', quantity: 2 }]);
  const s = await apiCall<Settlement>(baseUrl, 'GET', `/v1/terminal/settlements/${id}`, {
    token: terminalCredential,
  });
  const line = s.result.lines.find((l) => l.name.includes('布洛芬'))!;
  const recon = () => apiCall(baseUrl, 'GET', '/v1/terminal/reconciliation', { token: terminalCredential });
  const reconBefore = await recon();
  const balanceBefore = await balanceOf(baseUrl, token);

  await page.getByRole('checkbox', { name: line.name }).check();
  await page.getByLabel('退费原因').fill('顾客退货');
  await page.getByRole('button', { name: '退所选项目' }).click();
  const confirm = page.getByRole('group', { name: '退所选项目' });
  await confirm.getByText(formatFen(line.amount)).waitFor();
  await e2e().screenshot(page, 'terminal-refund');
  await confirm.getByRole('button', { name: '确认退费' }).click();
  await page.locator('[data-status="partially_refunded"]').waitFor();
  await page.getByText(/已退费 1 项/).waitFor();

  const after = await apiCall<Settlement>(baseUrl, 'GET', `/v1/terminal/settlements/${id}`, {
    token: terminalCredential,
  });
  assert.equal(after.status, 'partially_refunded');
  assert.equal(await balanceOf(baseUrl, token), balanceBefore + line.personal.account);
  assert.deepEqual(after.refundedLines, [line.index]);
  // Opened again later, the refunded line cannot be picked again.
  await page.reload();
  await page.getByRole('heading', { name: /结算结果/ }).waitFor();
  assert.equal(await page.getByRole('checkbox', { name: line.name }).isDisabled(), true);
  await page.getByRole('link', { name: '结算记录' }).click();
  await page.locator(`tr[data-settlement="${id}"]`).getByText('部分退费').waitFor();
  await e2e().screenshot(page, 'terminal-settlements');

  await page.getByRole('link', { name: '当日对账' }).click();
  await page.getByRole('heading', { name: '当日对账' }).waitFor();
  const refunds = page.locator('tr[data-kind="refunds"]');
  await refunds.getByRole('cell', { name: String(reconBefore.refunds.count + 1), exact: true }).waitFor();
  assert.equal(
    (await refunds.locator('[data-figure="total"]').innerText()).trim(),
    formatFen(reconBefore.refunds.total + line.amount),
  );
  const reconAfter = await recon();
  assert.equal(reconAfter.refunds.count, reconBefore.refunds.count + 1);
  assert.equal(await figureText(page, 'owedByAgency'), formatFen(reconAfter.owedByAgency));
  await e2e().screenshot(page, 'terminal-reconciliation');

  // The same code pasted again as an image (Ctrl+V of a screenshot) is read, and refused as already used.
  await page.getByRole('link', { name: '收银' }).click();
  await page.getByRole('heading', { name: '识别参保人' }).waitFor();
  await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data }));
  }, readFileSync(qr.pngPath).toString('base64'));
  await page.getByRole('alert').filter({ hasText: '此医保码已使用过' }).waitFor();
  assert.equal(await page.getByLabel('医保码内容').inputValue(), qr.text);
  await ctx.close();
});

test('above 500 yuan the payment PIN is asked for, a wrong one shows next to the PIN field and settles nothing, the right one settles once', async () => {
  const { baseUrl, terminalCredential } = e2e();
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await signInTerminal(page, terminalCredential);
  const token = await personToken(baseUrl, person.login, person.password);
  await scanFromImage(page, (await qrImageFor(baseUrl, token)).pngPath);
  await addItems(page, [{ name: '阿莫西林', quantity: 30 }]);
  assert.equal(await billTotalText(page), '¥774.00');
  const count = await settlementsCount();
  const balance = await balanceOf(baseUrl, token);
  const keys: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/v1/terminal/settlements'))
      keys.push(r.headers()['idempotency-key'] ?? 'none');
  });

  await page.getByRole('button', { name: '确认结算' }).click();
  assert.match(await fieldError(page, '支付密码'), /请顾客输入支付密码/);
  await page.getByLabel('支付密码').fill('654321');
  await page.getByRole('button', { name: '确认结算' }).click();
  await page.getByText('密码错误', { exact: true }).waitFor();
  assert.match(await fieldError(page, '支付密码'), /^密码错误$/);
  await e2e().screenshot(page, 'terminal-pin-error');
  assert.equal(await settlementsCount(), count, 'nothing was settled');
  assert.equal(await balanceOf(baseUrl, token), balance, 'nothing was paid');

  await page.getByLabel('支付密码').fill(DEMO_PAYMENT_PIN);
  await page.getByRole('button', { name: '确认结算' }).click();
  await page.getByRole('heading', { name: /结算结果/ }).waitFor();
  assert.equal(await settlementsCount(), count + 1, 'the retry settled exactly once');
  assert.equal(await balanceOf(baseUrl, token), balance - 77_400);
  assert.equal(keys.length, 3);
  assert.equal(new Set(keys).size, 1, 'the three attempts of one bill carry one Idempotency-Key');
  assert.match(keys[0]!, /^[0-9a-f-]{36}$/);
  await ctx.close();
});

test('the camera scanner starts, shows the fake camera’s video and stops it cleanly; a refused permission is explained', async () => {
  const ctx = await e2e().newContext();
  // Keep the streams the page opens, to check that Stop really ends them.
  await ctx.addInitScript(() => {
    const w = window as unknown as { __streams: MediaStream[] };
    w.__streams = [];
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (c) => {
      const stream = await original(c);
      w.__streams.push(stream);
      return stream;
    };
  });
  const page = await ctx.newPage();
  await signInTerminal(page, e2e().terminalCredential);
  await page.getByRole('button', { name: '用摄像头扫码' }).click();
  const video = page.getByLabel('摄像头画面');
  await video.waitFor();
  await page.waitForFunction(() => {
    const v = document.querySelector('video');
    return !!v && v.readyState >= 2 && v.videoWidth > 0 && !v.paused;
  });
  await page.getByText('请将医保码对准摄像头').waitFor();
  await e2e().screenshot(page, 'terminal-camera');
  await page.getByRole('button', { name: '关闭摄像头' }).click();
  await video.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: '用摄像头扫码' }).waitFor();
  const tracks = await page.evaluate(() =>
    (window as unknown as { __streams: MediaStream[] }).__streams.flatMap((s) =>
      s.getTracks().map((t) => t.readyState),
    ),
  );
  assert.ok(tracks.length > 0, 'the camera was opened');
  assert.deepEqual([...new Set(tracks)], ['ended'], 'every camera track is stopped');
  await ctx.close();

  const refused = await e2e().newContext();
  await refused.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  const page2 = await refused.newPage();
  await signInTerminal(page2, e2e().terminalCredential);
  await page2.getByRole('button', { name: '用摄像头扫码' }).click();
  await page2.getByRole('alert').filter({ hasText: '摄像头权限被拒绝' }).waitFor();
  assert.equal(await page2.locator('video').count(), 0);
  await refused.close();
});

test('a QR code held up to the camera is decoded from the video frames and checked at once', async () => {
  const { baseUrl, terminalCredential } = e2e();
  const token = await personToken(baseUrl, person.login, person.password);
  const qr = await apiCall<{ pngDataUrl: string }>(baseUrl, 'GET', '/v1/me/ecard/qr', { token });
  const ctx = await e2e().newContext();
  // The camera films a phone screen showing the code: a canvas stream that draws the code's PNG on a grey frame.
  // (Written without named local functions: the test's TypeScript compiler would wrap them in a helper
  // that does not exist in the page.)
  await ctx.addInitScript((dataUrl: string) => {
    navigator.mediaDevices.getUserMedia = async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 480;
      const g = canvas.getContext('2d')!;
      const img = new Image();
      img.src = dataUrl;
      await img.decode();
      setInterval(() => {
        g.fillStyle = '#777';
        g.fillRect(0, 0, 640, 480);
        g.drawImage(img, 170, 90, 300, 300);
      }, 50);
      return canvas.captureStream(10);
    };
  }, qr.pngDataUrl);
  const page = await ctx.newPage();
  await signInTerminal(page, terminalCredential);
  await page.getByRole('button', { name: '用摄像头扫码' }).click();
  await page.getByRole('heading', { name: '参保信息' }).waitFor();
  assert.equal(
    (await page.getByRole('region', { name: '参保信息' }).locator('.masked-name').innerText()).trim(),
    maskName(demoCitizen.name),
  );
  assert.equal(await page.locator('video').count(), 0, 'the camera is off once the code is read');
  await ctx.close();
});

test('institution staff create a terminal, use it on this device, revoke it, keep the price list and read the scan audit', async () => {
  const { baseUrl } = e2e();
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await page.goto('/terminal');
  await page.getByRole('link', { name: /机构工作人员/ }).click();
  await page.getByLabel('账号（手机号或用户名）').fill(DEMO_ACCOUNTS.pharmacy.login);
  await page.getByLabel('密码').fill(DEMO_ACCOUNTS.pharmacy.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '本机构终端' }).waitFor();
  await page.getByRole('cell', { name: /^Till 1/ }).waitFor();

  await page.getByLabel('终端名称').fill('Till 2 二号收银台');
  await page.getByRole('button', { name: '创建终端' }).click();
  const credential = (await page.getByLabel('终端凭证').innerText()).trim();
  assert.match(credential, /^ybt_/);
  await page.getByRole('cell', { name: /^Till 2/ }).waitFor();
  await e2e().screenshot(page, 'terminal-staff-terminals');
  const me = await apiCall(baseUrl, 'GET', '/v1/terminal/me', { token: credential });
  assert.equal(me.institution.code, 'P99000000001');
  assert.equal(me.terminalName, 'Till 2 二号收银台');

  // "Use on this device" signs the till in with the new credential.
  await page.getByRole('button', { name: '在本设备使用' }).click();
  await page.getByRole('heading', { name: '识别参保人' }).waitFor();
  await page.locator('.till-identity').getByText(`终端 ${me.terminalName}`).waitFor();

  await page.goto('/terminal/staff');
  const row = page.locator(`tr[data-terminal="${me.terminalId}"]`);
  await row.getByRole('button', { name: /注销 Till 2/ }).click();
  await row.getByText(/凭证立即失效/).waitFor();
  await row.getByRole('button', { name: '注销终端' }).click();
  await row.getByText('已注销').waitFor();
  const revoked = await fetch(new URL('/v1/terminal/me', baseUrl), {
    headers: { authorization: `Bearer ${credential}` },
  });
  assert.equal(revoked.status, 401, 'a revoked credential stops working');

  await page.getByRole('link', { name: '价目表' }).click();
  await page.getByRole('heading', { name: '新增项目' }).waitFor();
  await page.getByLabel('项目编码', { exact: true }).fill('XR05CB01');
  await page.getByLabel('项目名称', { exact: true }).fill('复方甘草片 Compound liquorice ×100');
  await page.getByLabel('单位', { exact: true }).fill('瓶');
  await page.getByLabel('单价（元）', { exact: true }).fill('12.3');
  await page.getByRole('button', { name: '添加到价目表' }).click();
  await page.getByRole('cell', { name: 'XR05CB01', exact: true }).waitFor();
  // A new item is out of catalogue until the agency approves its mapping; the demo items show their class.
  await page.locator('tr[data-item="XR05CB01"] [data-coverage="unmapped"]').getByText('目录外').waitFor();
  const metformin = page.locator('tr[data-item="XA10BA02"]');
  await metformin.locator('[data-coverage="B"]').getByText('乙类').waitFor();
  await metformin.getByText(/限价 ¥30\.00/).waitFor();
  await page.getByLabel('项目编码', { exact: true }).fill('XR05CB01');
  await page.getByLabel('项目名称', { exact: true }).fill('again');
  await page.getByLabel('单价（元）', { exact: true }).fill('1');
  await page.getByRole('button', { name: '添加到价目表' }).click();
  assert.match(await fieldError(page, '项目编码'), /已有此编码/);
  const staffToken = await personToken(
    baseUrl,
    DEMO_ACCOUNTS.pharmacy.login,
    DEMO_ACCOUNTS.pharmacy.password,
  );
  const list = await apiCall<{ items: Array<{ code: string; unitPrice: number }> }>(
    baseUrl,
    'GET',
    '/v1/institution/price-list',
    { token: staffToken },
  );
  assert.equal(list.items.find((i) => i.code === 'XR05CB01')?.unitPrice, 1_230);
  await e2e().screenshot(page, 'terminal-staff-prices');
  // The unmapped item links to the mappings page, its code filled in.
  await page.getByRole('link', { name: '为 XR05CB01 申请目录对照' }).click();
  await page.getByRole('heading', { name: '申请对照' }).waitFor();
  assert.equal(await page.getByLabel('本机构项目编码').inputValue(), 'XR05CB01');

  await page.getByRole('link', { name: '扫码记录' }).click();
  await page.getByRole('heading', { name: '扫码记录' }).waitFor();
  await page.locator('tr[data-outcome="accepted"]').first().waitFor();
  const audit = await apiCall<{ scans: unknown[] }>(baseUrl, 'GET', '/v1/institution/scan-audit', {
    token: staffToken,
  });
  assert.equal(await page.locator('tbody tr[data-outcome]').count(), audit.scans.length);
  await e2e().screenshot(page, 'terminal-staff-audit');
  await ctx.close();
});

test('the till speaks English too, and a scan refusal names its reason there', async () => {
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await signInTerminal(page, e2e().terminalCredential);
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('heading', { name: 'Identify the insured person' }).waitFor();
  await page.getByRole('link', { name: 'Reconciliation' }).waitFor();
  await page.getByLabel('QR code text').fill('YB1:not-a-code');
  await page.getByRole('button', { name: 'Check the QR code' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /not a valid QR code/ })
    .waitFor();
  await e2e().screenshot(page, 'terminal-checkout-en');
  await ctx.close();
});

test('a physical card with its chip PIN: a wrong PIN shows next to the PIN field, the right one pays and activates the card', async () => {
  const { baseUrl, terminalCredential } = e2e();
  const relative = syntheticCitizen(1);
  const staff = await personToken(baseUrl, DEMO_ACCOUNTS.staff.login, DEMO_ACCOUNTS.staff.password);
  const issued = await apiCall<{ card: { cardNumber: string } }>(
    baseUrl,
    'POST',
    '/v1/staff/cards/applications',
    {
      token: staff,
      body: {
        channel: 'county_centre',
        idNumber: relative.idNumber,
        name: relative.name,
        idChecked: true,
        pin: '246810',
      },
    },
  );
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await signInTerminal(page, terminalCredential);
  await page.getByLabel('卡号').fill(issued.card.cardNumber);
  await page.getByLabel('卡密码（6 位）').fill('135791');
  await page.getByRole('button', { name: '读卡核验' }).click();
  assert.match(await fieldError(page, '卡密码（6 位）'), /密码错误/);
  await page.getByLabel('卡密码（6 位）').fill('246810');
  await page.getByRole('button', { name: '读卡核验' }).click();
  const panel = page.getByRole('region', { name: '参保信息' });
  await panel.waitFor();
  assert.equal((await panel.locator('.masked-name').innerText()).trim(), maskName(relative.name));
  await panel.getByText('已发卡未激活').waitFor();
  const id = await settleBill(page, [{ name: '布洛芬' }]);
  await page.getByText('社保卡已在本机构首次使用时激活').waitFor();
  const s = await apiCall<Settlement>(baseUrl, 'GET', `/v1/terminal/settlements/${id}`, {
    token: terminalCredential,
  });
  assert.deepEqual([s.method, s.cardActivated, s.result.totals.total], ['card', true, 1_850]);
  await ctx.close();
});

test('institution staff see their item mappings, request one, and upload a CSV (a bad file refused by its lines, nothing requested)', async () => {
  const t = labels();
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await page.goto('/terminal/staff/mappings');
  await page.getByLabel('账号（手机号或用户名）').fill(DEMO_ACCOUNTS.pharmacy.login);
  await page.getByLabel('密码').fill(DEMO_ACCOUNTS.pharmacy.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('link', { name: t('terminal:nav.mappings') }).click();
  // The demo price list's items are mapped already, approved by the agency.
  await page
    .locator('tr[data-item="XJ01CA04"][data-status="approved"]')
    .getByText(DEMO_MAPPED.XJ01CA04!.name)
    .waitFor();

  const request = page.getByRole('form', { name: t('terminal:mappings.request') });
  await request.getByLabel(t('terminal:mappings.itemCode')).fill('XM01AE01-20');
  await request.getByLabel(t('terminal:mappings.catalogueCode')).fill('NO-SUCH-CODE');
  await request.getByRole('button', { name: t('terminal:mappings.requestButton') }).click();
  assert.equal(
    await fieldError(page, t('terminal:mappings.catalogueCode')),
    t('errors.catalogue_code_unknown'),
  );
  await request.getByLabel(t('terminal:mappings.catalogueCode')).fill(DEMO_MAPPED.XM01AE01!.code);
  await request.getByRole('button', { name: t('terminal:mappings.requestButton') }).click();
  await page.locator('tr[data-item="XM01AE01-20"][data-status="pending"]').waitFor();

  const upload = page.getByRole('form', { name: t('terminal:mappings.upload') });
  const file = upload.getByLabel(t('terminal:mappings.file'));
  const bad = `item_code,catalogue_code\nCSV-1,${DEMO_MAPPED.XA10BA02!.code}\nCSV-2,NOPE-404\nCSV-1,${DEMO_MAPPED.XA10BA02!.code}\n`;
  await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await upload.getByRole('button', { name: t('terminal:mappings.uploadButton') }).click();
  const rows = page.getByRole('table', { name: t('terminal:mappings.badRows') });
  await rows
    .getByRole('row')
    .filter({ hasText: t('terminal:mappings.rowCodes.catalogue_code_unknown', { code: 'NOPE-404' }) })
    .getByRole('cell', { name: '3', exact: true })
    .waitFor();
  await rows
    .getByRole('row')
    .filter({ hasText: t('terminal:mappings.rowCodes.duplicate_catalogue_code', { code: 'CSV-1', line: 2 }) })
    .getByRole('cell', { name: '4', exact: true })
    .waitFor();
  assert.equal(await page.locator('tr[data-item="CSV-1"]').count(), 0, 'a refused file requests nothing');

  const good = `item_code,catalogue_code\nCSV-1,${DEMO_MAPPED.XA10BA02!.code}\nCSV-2,${DEMO_MAPPED.XM01AE01!.code}\n`;
  await file.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await upload.getByRole('button', { name: t('terminal:mappings.uploadButton') }).click();
  await page
    .getByRole('status')
    .filter({ hasText: t('terminal:mappings.uploadedNotice', { count: 2 }) })
    .waitFor();
  await page.locator('tr[data-item="CSV-2"][data-status="pending"]').waitFor();
  await e2e().screenshot(page, 'terminal-staff-mappings');
  await ctx.close();
});

/**
 * In `lang`: the bill shows an unmapped item as out of catalogue and a class B drug priced above the catalogue's
 * limit of 30 yuan with the part above it; the settlement shows that part as its own figure (超限价自付).
 */
async function overLimitAtTheTill(lang: Language): Promise<void> {
  const { baseUrl, terminalCredential } = e2e();
  const t = labels(lang);
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await page.goto('/terminal');
  await chooseLanguage(page, lang);
  await signInTerminal(page, terminalCredential);
  const token = await personToken(baseUrl, person.login, person.password);
  await scanText(page, (await qrImageFor(baseUrl, token)).text);
  await addItems(page, [{ name: '维生素C' }, { name: '二甲双胍', quantity: 2 }]);
  const vitamin = page.locator('tr[data-item="ZZ-VC-100"] [data-coverage="unmapped"]');
  assert.equal((await vitamin.locator('.badge').innerText()).trim(), t('terminal:labels.coverage.unmapped'));
  const metformin = page.locator('tr[data-item="XA10BA02"]');
  await metformin.locator('[data-coverage="B"]').getByText(t('terminal:labels.coverage.B')).waitFor();
  // 32.60 yuan a box against a limit of 30.00: 2.60 a box, two boxes.
  await metformin.getByText(t('terminal:bill.aboveLimit', { limit: '¥30.00', amount: '¥5.20' })).waitFor();
  if (lang === 'zh-CN') await e2e().screenshot(page, 'terminal-bill-over-limit');

  const id = await settleBill(page, []);
  const s = await apiCall<Settlement>(baseUrl, 'GET', `/v1/terminal/settlements/${id}`, {
    token: terminalCredential,
  });
  assert.deepEqual([s.result.totals.overLimit, s.result.totals.outOfCatalogue], [520, 3_900]);
  const figure = page.locator('[data-figure="overLimit"]');
  assert.equal((await figure.locator('dt').innerText()).trim(), t('terminal:breakdown.overLimit'));
  assert.equal((await figure.locator('dd').innerText()).trim(), '¥5.20');
  if (lang === 'zh-CN') assert.equal(t('terminal:breakdown.overLimit'), '超限价自付');
  else assert.doesNotMatch(t('terminal:breakdown.overLimit'), /\p{Script=Han}/u);
  assert.ok(s.catalogueVersion! > 0, 'settled against the demo catalogue');
  assert.equal(
    await figureText(page, 'catalogueVersion'),
    t('terminal:breakdown.catalogueVersionValue', { version: s.catalogueVersion }),
  );
  await e2e().screenshot(page, `terminal-over-limit${lang === 'zh-CN' ? '' : '-en'}`);
  await ctx.close();
}

test('the bill shows an unmapped item out of catalogue, and a price above the catalogue’s limit; the settlement shows 超限价自付', () =>
  overLimitAtTheTill('zh-CN'));

test('the same in English: out of catalogue, and the part above the price limit under its English label', () =>
  overLimitAtTheTill('en'));

test('at the hospital: a bed day on an outpatient bill is self-paid as the catalogue restricts it to inpatients, and approved dialysis is paid as special outpatient care', async () => {
  const { baseUrl, db } = e2e();
  const credential = await hospitalTill();
  // The agency registers the demo person's dialysis, at the demo hospital.
  const { rows } = await db.query<{ id: string }>('select id from persons where id_number = $1', [
    demoCitizen.idNumber,
  ]);
  const staff = await personToken(baseUrl, DEMO_ACCOUNTS.staff.login, DEMO_ACCOUNTS.staff.password);
  const today = todayInBeijing();
  await apiCall(baseUrl, 'POST', `/v1/staff/persons/${rows[0]!.id}/approvals`, {
    token: staff,
    body: {
      kind: 'special_outpatient',
      subject: 'dialysis',
      institutionCode: 'H99000000001',
      validFrom: today,
      validTo: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`,
    },
  });

  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await signInTerminal(page, credential);
  const token = await personToken(baseUrl, person.login, person.password);
  await scanText(page, (await qrImageFor(baseUrl, token)).text);
  await addItems(page, [{ name: '住院床位费' }, { name: '血液透析' }]);
  await page.getByLabel('门诊慢特病病种').selectOption({ label: '透析' });
  const id = await settleBill(page, []);
  const s = await apiCall<Settlement>(baseUrl, 'GET', `/v1/terminal/settlements/${id}`, {
    token: credential,
  });
  const [bed, dialysis] = s.result.lines;
  assert.deepEqual(
    [bed!.rule, bed!.fund, bed!.outOfCatalogue, dialysis!.rule, dialysis!.fund],
    ['restricted', 0, 8_000, 'special_outpatient', 37_800],
  );
  // The server's explanation of the restricted line, on the line itself.
  await page
    .locator('tr[data-rule="restricted"]')
    .getByText(serverText('zh-CN', 'line.restricted_inpatient', { amount: 8_000 }))
    .waitFor();
  assert.equal(await figureText(page, 'fund'), formatFen(37_800));
  await e2e().screenshot(page, 'terminal-hospital-restricted');
  await ctx.close();
});
