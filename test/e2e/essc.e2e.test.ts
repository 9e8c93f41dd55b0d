/**
 * The electronic social security card in the browser: a person with an active physical card gets the e-SSC in
 * every channel, opens its payment function (second-level issuance) and links the card's bank account; the
 * pharmacy till reads the e-SSC's QR code from the phone's screen and settles, the account paying its part and
 * the bank account the cash part; the card's loss suspends the e-SSC, the replacement at the counter moves it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DEMO_ACCOUNTS, useE2E } from './support.ts';
import { call, login, newCitizen, newPhone } from '../support/env.ts';
import { decodeQr, goTo, qrPainted, signIn } from './person-steps.ts';
import { addItems, apiCall, signInTerminal, scanFromImage } from './terminal-steps.ts';
import { deposit } from '../../src/ledger/ledger.ts';
import { checkLedger } from '../../src/ledger/check.ts';
import { checkSettlements } from '../../src/settlement/check.ts';

const e2e = useE2E();
const PASSWORD = 'essc-pass-1';
/** A Luhn-valid account number. */
const ACCOUNT = '6222021234567890128';

function idPhoto(): Buffer {
  const png = new PNG({ width: 86, height: 54 });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = png.data[i + 1] = png.data[i + 2] = 90 + ((i / 4) % 86);
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** A verified person with an active physical card issued at the county centre and 20 yuan in the account. */
async function personWithCard() {
  const { app, db } = e2e();
  const c = newCitizen();
  await db.query('insert into population_registry (id_number, name) values ($1, $2)', [c.idNumber, c.name]);
  const phone = newPhone();
  const r = await call(app, 'POST', '/v1/auth/register', {
    body: { phone, password: PASSWORD, name: c.name, idNumber: c.idNumber, regionCode: 'demo' },
  });
  assert.equal(r.status, 201, r.raw);
  const { token } = await login(app, phone, PASSWORD);
  await call(app, 'POST', '/v1/me/identity/photo', {
    token,
    payload: idPhoto(),
    headers: { 'content-type': 'image/png' },
  });
  const v = await call(app, 'POST', '/v1/me/identity', {
    token,
    body: { idNumber: c.idNumber, name: c.name },
  });
  assert.equal(v.body.status, 'verified', v.raw);
  const staff = (await login(app, DEMO_ACCOUNTS.staff.login, DEMO_ACCOUNTS.staff.password)).token;
  const issued = await call(app, 'POST', '/v1/staff/cards/applications', {
    token: staff,
    body: { channel: 'county_centre', idNumber: c.idNumber, name: c.name, idChecked: true, pin: '246810' },
  });
  assert.equal(issued.status, 201, issued.raw);
  const act = await call(app, 'POST', `/v1/staff/cards/${issued.body.card.id}/activate`, {
    token: staff,
    body: { place: 'bank' },
  });
  assert.equal(act.status, 200, act.raw);
  await db.transaction((tx) => deposit(tx, r.body.personId, 2_000, 'e2e deposit', new Date()));
  return { ...c, phone, token, cardNumber: issued.body.card.cardNumber as string };
}

test('the e-SSC: get it in every channel, second-level issuance, pay at the pharmacy with its QR code (account and bank account), loss suspends it, replacement moves it', async () => {
  const { baseUrl, terminalCredential, db } = e2e();
  const p = await personWithCard();

  // On the phone: the e-SSC screen, choosing the city of the card and authorising the channel.
  const phoneCtx = await e2e().newContext({ mobile: true });
  const phone = await phoneCtx.newPage();
  await signIn(phone, p.phone, PASSWORD);
  await goTo(phone, '电子社保卡');
  await phone.getByLabel('实体社保卡所在城市（统筹区）').fill('demo');
  await phone.getByLabel('我已阅读并同意以上授权，确认申领电子社保卡').check();
  await phone.getByRole('button', { name: '申领', exact: true }).click();
  await phone.getByText('电子社保卡已签发。').waitFor();
  assert.equal(await phone.getByTestId('essc-status').innerText(), '正常');
  assert.ok((await phone.getByTestId('essc-card').innerText()).endsWith(p.cardNumber.slice(-4)));
  for (const channel of ['“电子社保卡”公众号', '掌上 12333 / 官方 App', '支付宝', '银行 App']) {
    const details = phone.locator('details', {
      has: phone.locator('summary', { hasText: '在其他渠道添加' }),
    });
    await details.evaluate((el) => ((el as HTMLDetailsElement).open = true));
    await details.getByLabel('申领渠道').selectOption({ label: channel });
    await details.getByLabel('我已阅读并同意以上授权，确认申领电子社保卡').check();
    await details.getByRole('button', { name: '授权', exact: true }).click();
    await phone.locator('dd li', { hasText: channel }).waitFor();
  }

  // Second-level issuance with the e-SSC's own PIN, then the bank account of the card's financial function.
  await phone.getByLabel('支付密码（6 位数字）').fill('135790');
  await phone.getByLabel('再次输入支付密码').fill('135790');
  await phone.getByLabel('我同意开通电子社保卡支付功能').check();
  await phone.getByRole('button', { name: '开通支付' }).click();
  await phone.getByText('支付功能已开通，可以出示电子社保卡二维码付款了。').waitFor();
  await phone.locator('summary', { hasText: '社保卡银行账户（金融功能）' }).click();
  await phone.getByLabel('开户银行').selectOption('icbc');
  await phone.getByLabel('银行账号').fill(ACCOUNT);
  await phone.getByRole('button', { name: '绑定账户' }).click();
  await phone.getByText('已绑定：中国工商银行 6222 **** 0128').waitFor();
  assert.equal(await phone.getByText(ACCOUNT).count(), 0, 'the account number is shown masked');
  await e2e().screenshot(phone, 'essc-person');

  // Both cards side by side on the home screen.
  await goTo(phone, '首页');
  await phone.getByTestId('home-essc').getByText('正常', { exact: true }).waitFor();
  await phone.getByTestId('home-ecard').getByText('尚未申领', { exact: true }).waitFor();

  // The e-SSC's QR code, read at the till from the phone's screen.
  await goTo(phone, '电子社保卡');
  await phone.getByRole('link', { name: '出示电子社保卡二维码' }).click();
  await phone.getByRole('img', { name: '电子社保卡' }).waitFor();
  await qrPainted(phone);
  const screen = await e2e().screenshot(phone, 'essc-qr');
  const shown = decodeQr(screen);
  assert.match(shown, /^SS1:/, 'signed by the social security card platform’s key set');
  const png = join(mkdtempSync(join(tmpdir(), 'yibao-essc-')), 'phone.png');
  writeFileSync(png, screen);

  const tillCtx = await e2e().newContext();
  const till = await tillCtx.newPage();
  await signInTerminal(till, terminalCredential);
  await scanFromImage(till, png);
  assert.equal(await till.getByTestId('credential').innerText(), '电子社保卡二维码');
  await addItems(till, [{ name: '阿莫西林', quantity: 2 }]);
  await till.getByLabel('现金部分支付方式').selectOption('bank_account');
  await till.getByRole('button', { name: '确认结算' }).click();
  await till.getByRole('heading', { name: /结算结果/ }).waitFor();
  const id = /\/terminal\/settlements\/([0-9a-f-]{36})$/.exec(till.url())![1]!;
  const s = await apiCall<any>(baseUrl, 'GET', `/v1/terminal/settlements/${id}`, {
    token: terminalCredential,
  });
  assert.equal(s.credential, 'essc');
  assert.equal(s.result.totals.total, 5_160);
  assert.equal(s.result.totals.accountPaid, 2_000, 'the individual account pays what it holds');
  assert.equal(s.cashMethod, 'bank_account');
  assert.deepEqual(s.bankInstruction, {
    bank: 'icbc',
    accountMasked: '6222 **** 0128',
    amount: 3_160,
    refunded: 0,
    status: 'instructed',
  });
  await till.locator('[data-figure="bank"]').getByText('6222 **** 0128', { exact: false }).waitFor();
  const receipt = till.locator('pre.printable.receipt');
  await receipt.waitFor();
  assert.match(await receipt.innerText(), /凭证 +电子社保卡/);
  assert.match(await receipt.innerText(), /社保卡银行账户 +31\.60/);
  await e2e().screenshot(till, 'essc-till');

  // The person's records say which card paid and how the cash share was paid.
  await goTo(phone, '记录');
  const records = phone.getByRole('region', { name: '结算记录' });
  await records.locator('summary').first().click();
  await records.getByText('支付凭证：电子社保卡').waitFor();
  await records.getByText('现金部分由社保卡银行账户支付（中国工商银行 6222 **** 0128）').waitFor();

  // The physical card is reported lost on the phone: the e-SSC is suspended at once.
  await goTo(phone, '社保卡');
  await phone.getByRole('button', { name: '挂失' }).click();
  await phone.getByRole('button', { name: '确认' }).click();
  await phone.getByText('已挂失冻结').first().waitFor();
  await goTo(phone, '电子社保卡');
  await phone.getByTestId('essc-status').getByText('已暂停').waitFor();
  await phone.getByText('实体社保卡已挂失，电子社保卡随之暂停；补领新卡后自动恢复。').waitFor();

  // The counter replaces the card; the e-SSC moves to the new card and is active again.
  const consoleCtx = await e2e().newContext();
  const counter = await consoleCtx.newPage();
  await counter.goto('/console/cards');
  await counter.getByLabel('账号（手机号或用户名）').fill(DEMO_ACCOUNTS.staff.login);
  await counter.getByLabel('密码').fill(DEMO_ACCOUNTS.staff.password);
  await counter.getByRole('button', { name: '登录' }).click();
  await counter.getByRole('button', { name: '退出登录' }).waitFor();
  await counter.getByLabel('身份证号码', { exact: true }).fill(p.idNumber);
  await counter.getByRole('button', { name: '查询' }).click();
  await counter.getByLabel('电子社保卡').getByText('已暂停（实体卡挂失）').waitFor();
  const row = counter.getByRole('row').filter({ hasText: p.cardNumber.slice(-4) });
  await row.getByRole('button', { name: '补换卡' }).click();
  const form = counter.getByRole('form', { name: /补换卡/ });
  await form.getByLabel('已核验身份证原件').check();
  await form.getByLabel('新卡密码（6位数字）').fill('135790');
  await form.getByRole('button', { name: '补换卡' }).click();
  await counter.getByRole('status').filter({ hasText: '已补换新卡' }).waitFor();
  await counter.getByLabel('电子社保卡').getByText('正常').waitFor();
  await e2e().screenshot(counter, 'essc-console');

  await phone.reload();
  await phone.getByTestId('essc-status').getByText('正常').waitFor();
  assert.ok(!(await phone.getByTestId('essc-card').innerText()).endsWith(p.cardNumber.slice(-4)), 'moved');
  await phone.getByText('转至新卡').first().waitFor();

  const l = await checkLedger(db);
  const c = await checkSettlements(db);
  assert.deepEqual([...l.problems, ...c.problems], [], 'the ledger check holds');
  await consoleCtx.close();
  await tillCtx.close();
  await phoneCtx.close();
});
