/**
 * The seeds' story across the apps, in one browser: a new person gets a payable e-card on their phone, the
 * pharmacy till reads the code from a screenshot of that phone's QR screen, settles and prints the receipt,
 * and the person sees the settlement and the new balance. Told once in each language the apps speak, each
 * actor choosing it in the language menu, with the browsers in New York: every text the server sends reads
 * in the chosen language, and every time shown is Beijing's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticCitizen } from '../../src/demo/synthetic.ts';
import { DEMO_PRICE_LIST } from '../../src/demo/seed.ts';
import { t as serverText } from '../../src/i18n/index.ts';
import { formatFen } from '../../web/src/shared/money.ts';
import { BROWSER_TIME_ZONE, DEMO_ACCOUNTS, useE2E } from './support.ts';
import { chooseLanguage, labels, type Language } from './labels.ts';
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

/** An English sentence: four words or more in a row. */
const ENGLISH_SENTENCE = /[A-Za-z]{2,}(?:[ ,;:]+[A-Za-z]{2,}){3,}/;

/**
 * Asserts that `text`, a screen or the receipt, says nothing in the other language: no English sentence on a
 * Chinese screen; no Chinese character on an English one once the `data` shown there (names of people, items
 * and the institution, as registered) are taken out.
 */
function assertReadsIn(lang: Language, where: string, text: string, data: string[]): void {
  if (lang === 'zh-CN') {
    assert.doesNotMatch(text, ENGLISH_SENTENCE, `English on the Chinese ${where}`);
    return;
  }
  const rest = data.reduce((left, d) => left.replaceAll(d, ''), text);
  const chinese = rest.split('\n').filter((line) => /\p{Script=Han}/u.test(line));
  assert.deepEqual(chinese, [], `Chinese on the English ${where}:\n${text}`);
}

/** An instant as Beijing's date and minute (YYYY-MM-DD HH:mm), through the platform's own time zone data. */
const beijing = (iso: string): string =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(new Date(iso));

/**
 * The story in `lang`. The `n`-th synthetic citizen (a fresh one per run) binds the `relativeN`-th; their employer
 * pays `monthsAgo` months before this one (one run per employer and month).
 */
async function mainStory(lang: Language, n: number, relativeN: number, monthsAgo: number): Promise<void> {
  const { baseUrl, terminalCredential } = e2e();
  const t = labels(lang);
  const suffix = lang === 'zh-CN' ? '' : `-${lang}`;
  const browserLocale = lang === 'zh-CN' ? 'zh-CN' : 'en-US';
  const citizen = syntheticCitizen(n);
  const relative = syntheticCitizen(relativeN);
  const phone = phoneOf(n);

  // On the phone: choose the language, register, verify, apply for and activate the e-card, open payment,
  // bind a relative.
  const phoneCtx = await e2e().newContext({ mobile: true, locale: browserLocale });
  const person = await phoneCtx.newPage();
  assert.equal(
    await person.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    BROWSER_TIME_ZONE,
  );
  await person.goto('/app');
  await chooseLanguage(person, lang);
  await registerAndVerify(person, citizen, phone);
  await applyAndActivateEcard(person);
  await openPayment(person, '246813');
  const bound = await bindRelatives(person, [
    { idNumber: relative.idNumber, name: relative.name, kinship: 'sibling', mutualAid: true },
  ]);
  assert.ok(bound.includes(t('person:family.summary', { bound: 1, failed: 0 })), bound);

  // The person starts a job: the employer registers them and pays the month, which credits their account.
  const employer = await personToken(baseUrl, DEMO_ACCOUNTS.employer.login, DEMO_ACCOUNTS.employer.password);
  const now = new Date();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1))
    .toISOString()
    .slice(0, 7);
  const hireDate = monthsAgo === 0 ? now.toISOString().slice(0, 10) : `${month}-01`;
  await apiCall(baseUrl, 'POST', '/v1/employer/employees', {
    token: employer,
    body: { employees: [{ idNumber: citizen.idNumber, name: citizen.name, hireDate }] },
  });
  await apiCall(baseUrl, 'POST', `/v1/employer/contributions/${month}`, {
    token: employer,
    body: { declarations: [{ idNumber: citizen.idNumber, declaredBase: 800_000 }], paid: true },
  });
  const token = await personToken(baseUrl, phone, 'person-pass-1');
  const before = await balanceOf(baseUrl, token);
  assert.ok(before > 0, 'the contribution credited the individual account');

  // The person shows the QR screen; the cashier's scanner sees exactly what the phone shows.
  await openQrScreen(person);
  const screen = await e2e().screenshot(person, `story-person-qr${suffix}`);
  const shownToken = decodeQr(screen);
  const screenshotPath = join(mkdtempSync(join(tmpdir(), 'yibao-story-')), 'phone.png');
  writeFileSync(screenshotPath, screen);

  // At the till, in the same language: read the code from the phone's screenshot through the browser's
  // decoder, then settle.
  const tillCtx = await e2e().newContext({ locale: browserLocale });
  const till = await tillCtx.newPage();
  await till.goto('/terminal');
  await chooseLanguage(till, lang);
  await signInTerminal(till, terminalCredential);
  await scanFromImage(till, screenshotPath);
  const panel = till.getByRole('region', { name: t('terminal:elig.title') });
  const maskedName = citizen.name[0] + '*'.repeat(citizen.name.length - 1);
  await panel.getByText(maskedName, { exact: false }).first().waitFor();
  assert.equal(
    await till.getByText(citizen.idNumber).count(),
    0,
    'the full ID number never shows at the till',
  );
  // Data, not texts of the server: the masked name, the item (word by word: the receipt wraps it) and the
  // institution as registered.
  const item = DEMO_PRICE_LIST.pharmacy.find((i) => i.name.startsWith('阿莫西林'))!;
  const { institution } = await apiCall<{ institution: { name: string } }>(
    baseUrl,
    'GET',
    '/v1/terminal/me',
    {
      token: terminalCredential,
    },
  );
  const data = [maskedName, item.name, ...item.name.split(' '), institution.name];
  assertReadsIn(lang, 'eligibility panel', await panel.innerText(), data);

  const id = await settleBill(till, [{ name: '阿莫西林', quantity: 1 }]);
  const settlement = await apiCall<{
    createdAt: string;
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
  const settledAt = beijing(settlement.createdAt);
  const result = till.getByRole('region', { name: t('terminal:result.title') });
  // The calculator's explanation lines, folded under their summary.
  await result.getByText(t('terminal:breakdown.explanations')).click();
  await result.locator('.explanations li').first().waitFor();
  assert.ok((await result.innerText()).includes(settledAt), `the settlement shows Beijing's ${settledAt}`);
  assertReadsIn(lang, 'settlement result', await result.innerText(), data);
  const receipt = till.locator('pre.printable.receipt');
  await receipt.waitFor();
  const receiptText = await receipt.innerText();
  assert.match(receiptText, /25\.80/);
  assert.ok(receiptText.includes(settledAt), `the receipt shows Beijing's ${settledAt}:\n${receiptText}`);
  assertReadsIn(lang, 'receipt', receiptText, data);
  await till.emulateMedia({ media: 'print' });
  await e2e().screenshot(till, `story-receipt${suffix}`);

  // The code the till read is the one the phone showed, and it cannot pay twice.
  const replay = await fetch(new URL('/v1/terminal/scan', baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${terminalCredential}`, 'content-type': 'application/json' },
    body: JSON.stringify({ qr: shownToken }),
  });
  assert.equal(replay.status, 409);
  assert.equal(((await replay.json()) as { error: { code: string } }).error.code, 'qr_replayed');

  // Back on the phone: the settlement at Beijing's time and the new balance.
  const after = await balanceOf(baseUrl, token);
  assert.equal(after, before - totals.accountPaid);
  await goTo(person, t('person:nav.records'));
  await person.locator('.balance').getByText(formatFen(after)).waitFor();
  const records = person.getByRole('region', { name: t('person:records.settlements') });
  const latest = records.locator('summary').first();
  await latest.getByText(formatFen(totals.total)).waitFor();
  await latest.getByText(settledAt).waitFor();
  await e2e().screenshot(person, `story-person-records${suffix}`);
  await latest.click(); // the settlement's breakdown
  await records.getByText(t('person:records.breakdown')).waitFor();
  // Nothing the server said reads in the other language on the phone: records, then the inbox.
  assertReadsIn(lang, 'records', await person.locator('main').innerText(), data);
  // The inbox's link carries the unread count: 消息（3）.
  await goTo(person, new RegExp(`^${t('person:nav.inbox')}`));
  await person
    .getByRole('heading', { name: serverText(lang, 'notice.identity_verified.title') })
    .first()
    .waitFor();
  assertReadsIn(lang, 'inbox', await person.locator('main').innerText(), data);
  await tillCtx.close();
  await phoneCtx.close();
}

test('a new person pays at the pharmacy with the QR code on their phone, and sees the settlement and the new balance', () =>
  mainStory('zh-CN', 120, 1, 0));

test('the same story in English: no Chinese from the server on the phone, at the till or on the receipt', () =>
  mainStory('en', 121, 1, 1));
