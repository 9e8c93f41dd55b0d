/**
 * The seeds' story across the apps, in one browser: a new person gets a payable e-card on their phone, the
 * pharmacy till reads the code from a screenshot of that phone's QR screen, settles and prints the receipt,
 * and the person sees the settlement and the new balance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticCitizen } from '../../src/demo/synthetic.ts';
import { formatFen } from '../../web/src/shared/money.ts';
import { DEMO_ACCOUNTS, useE2E } from './support.ts';
import {
  applyAndActivateEcard,
  bindRelatives,
  decodeQr,
  goTo,
  openPayment,
  openQrScreen,
  phoneOf,
  registerAndVerify,
} from './person-steps.ts';
import {
  apiCall,
  balanceOf,
  figureText,
  personToken,
  scanFromImage,
  settleBill,
  signInTerminal,
} from './terminal-steps.ts';

const e2e = useE2E();

test('a new person pays at the pharmacy with the QR code on their phone, and sees the settlement and the new balance', async () => {
  const { baseUrl, terminalCredential } = e2e();
  const citizen = syntheticCitizen(120);
  const relative = syntheticCitizen(1);
  const phone = phoneOf(120);

  // On the phone: register, verify, apply for and activate the e-card, open payment, bind a relative.
  const phoneCtx = await e2e().newContext({ mobile: true });
  const person = await phoneCtx.newPage();
  await registerAndVerify(person, citizen, phone);
  await applyAndActivateEcard(person);
  await openPayment(person, '246813');
  const bound = await bindRelatives(person, [
    { idNumber: relative.idNumber, name: relative.name, kinship: 'sibling', mutualAid: true },
  ]);
  assert.match(bound, /绑定成功\s*1/);

  // The person starts a job: the employer registers them and pays the month, which credits their account.
  const employer = await personToken(baseUrl, DEMO_ACCOUNTS.employer.login, DEMO_ACCOUNTS.employer.password);
  const today = new Date().toISOString().slice(0, 10);
  await apiCall(baseUrl, 'POST', '/v1/employer/employees', {
    token: employer,
    body: { employees: [{ idNumber: citizen.idNumber, name: citizen.name, hireDate: today }] },
  });
  await apiCall(baseUrl, 'POST', `/v1/employer/contributions/${today.slice(0, 7)}`, {
    token: employer,
    body: { declarations: [{ idNumber: citizen.idNumber, declaredBase: 800_000 }], paid: true },
  });
  const token = await personToken(baseUrl, phone, 'person-pass-1');
  const before = await balanceOf(baseUrl, token);
  assert.ok(before > 0, 'the contribution credited the individual account');

  // The person shows the QR screen; the cashier's scanner sees exactly what the phone shows.
  await openQrScreen(person);
  const screen = await e2e().screenshot(person, 'story-person-qr');
  const shownToken = decodeQr(screen);
  const screenshotPath = join(mkdtempSync(join(tmpdir(), 'yibao-story-')), 'phone.png');
  writeFileSync(screenshotPath, screen);

  // At the till: read the code from the phone's screenshot through the browser's decoder, then settle.
  const tillCtx = await e2e().newContext();
  const till = await tillCtx.newPage();
  await signInTerminal(till, terminalCredential);
  await scanFromImage(till, screenshotPath);
  const panel = till.getByRole('region', { name: '参保信息' });
  const maskedName = citizen.name[0] + '*'.repeat(citizen.name.length - 1);
  await panel.getByText(maskedName, { exact: false }).first().waitFor();
  assert.equal(
    await till.getByText(citizen.idNumber).count(),
    0,
    'the full ID number never shows at the till',
  );
  const id = await settleBill(till, [{ name: '阿莫西林', quantity: 1 }]);
  const settlement = await apiCall<{
    result: { totals: { total: number; accountPaid: number; cashPaid: number } };
  }>(baseUrl, 'GET', `/v1/terminal/settlements/${id}`, { token: terminalCredential });
  const totals = settlement.result.totals;
  assert.equal(totals.total, 2_580);
  assert.equal(
    totals.accountPaid + totals.cashPaid,
    2_580,
    'an outpatient bill below the threshold is the person’s',
  );
  assert.equal(await figureText(till, 'accountPaid'), formatFen(totals.accountPaid));
  const receipt = till.locator('pre.printable.receipt');
  await receipt.waitFor();
  assert.match(await receipt.innerText(), /25\.80/);
  await till.emulateMedia({ media: 'print' });
  await e2e().screenshot(till, 'story-receipt');

  // The code the till read is the one the phone showed, and it cannot pay twice.
  const replay = await fetch(new URL('/v1/terminal/scan', baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${terminalCredential}`, 'content-type': 'application/json' },
    body: JSON.stringify({ qr: shownToken }),
  });
  assert.equal(replay.status, 409);
  assert.equal(((await replay.json()) as { error: { code: string } }).error.code, 'qr_replayed');

  // Back on the phone: the settlement and the new balance.
  const after = await balanceOf(baseUrl, token);
  assert.equal(after, before - totals.accountPaid);
  await goTo(person, '记录');
  await person.locator('.balance').getByText(formatFen(after)).waitFor();
  const records = person.getByRole('region', { name: '结算记录' });
  await records.locator('summary').first().getByText(formatFen(totals.total)).waitFor();
  await e2e().screenshot(person, 'story-person-records');
  // Nothing the server said reads in English on the Chinese phone: records, then the inbox.
  const noEnglish = /[A-Za-z]{2,}(?:[ ,;:]+[A-Za-z]{2,}){3,}/;
  assert.doesNotMatch(await person.locator('main').innerText(), noEnglish);
  await goTo(person, /消息/);
  await person
    .getByRole('heading', { name: /身份已认证/ })
    .first()
    .waitFor();
  assert.doesNotMatch(await person.locator('main').innerText(), noEnglish);
  await tillCtx.close();
  await phoneCtx.close();
});
