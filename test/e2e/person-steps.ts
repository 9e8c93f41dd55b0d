/**
 * Steps of the insured person's app, driven as a person would (labels, roles, visible text), for the person
 * tests and the cross-app main story. Every step waits for what the screen shows once the step is done.
 * Labels come from the app's own catalogues in the language the page shows (labels.ts).
 */
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';
import type { Citizen } from '../../src/demo/synthetic.ts';
import { decodeQrPng } from '../../src/qr/render.ts';
import { labels, labelsOf, type Labels } from './labels.ts';

/** A small real PNG (a grey ID-card-shaped picture) to upload as the ID photo. */
function idPhotoPng(): Buffer {
  const png = new PNG({ width: 86, height: 54 });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = png.data[i + 1] = png.data[i + 2] = 90 + ((i / 4) % 86);
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** A mobile number of its own for the n-th synthetic citizen, so registrations never collide. */
export const phoneOf = (n: number): string => `139${String(n).padStart(8, '0')}`;

/** A mobile number made from the citizen's ID number (year digit, birthday, sequence), when n is not at hand. */
const phoneFor = (citizen: Citizen): string => `137${citizen.idNumber.slice(9, 17)}`;

export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/app');
  const t = await labelsOf(page);
  await page.getByLabel(t('login')).fill(login);
  await page.getByLabel(t('password'), { exact: true }).fill(password);
  await page.getByRole('button', { name: t('signIn') }).click();
  await page.getByRole('button', { name: t('signOut') }).waitFor();
}

/** Opens a screen of the person's app through its navigation (a string names the link exactly: 社保卡 ≠ 电子社保卡). */
export async function goTo(page: Page, navLabel: string | RegExp): Promise<void> {
  await page
    .getByRole('navigation')
    .getByRole('link', { name: navLabel, exact: typeof navLabel === 'string' })
    .click();
}

/** Opens the registration form from the login screen, fills it for `citizen` and submits it. */
export async function submitRegistration(
  page: Page,
  citizen: Citizen,
  phone = phoneFor(citizen),
  password = 'person-pass-1',
): Promise<void> {
  await page.goto('/app');
  const t = await labelsOf(page);
  await page.getByRole('button', { name: t('person:login.register') }).click();
  await page.getByLabel(t('person:register.phone')).fill(phone);
  await page.getByLabel(t('person:register.password')).fill(password);
  await page.getByLabel(t('person:register.name')).fill(citizen.name);
  await page.getByLabel(t('person:register.idNumber')).fill(citizen.idNumber);
  await page.getByLabel(t('person:register.insuranceType')).selectOption('resident');
  await page.getByRole('button', { name: t('person:register.submit') }).click();
}

/** Registers `citizen` from the login screen; the app signs them in. */
export async function register(page: Page, citizen: Citizen, phone = phoneFor(citizen)): Promise<void> {
  await submitRegistration(page, citizen, phone);
  await page.getByRole('button', { name: (await labelsOf(page))('signOut') }).waitFor();
}

/** From the home screen, opens identity verification, chooses the ID photo and (optionally) changes the name. */
export async function submitIdentity(page: Page, opts: { name?: string } = {}): Promise<void> {
  const t = await labelsOf(page);
  await page.getByRole('link', { name: t('person:home.nextVerify') }).click();
  await page.getByLabel(t('person:identity.photo')).setInputFiles({
    name: 'id.png',
    mimeType: 'image/png',
    buffer: idPhotoPng(),
  });
  if (opts.name !== undefined) await page.getByLabel(t('person:identity.name')).fill(opts.name);
  await page.getByRole('button', { name: t('person:identity.submit') }).click();
}

/** Uploads the ID photo and verifies against the registry; a registry citizen is verified at once. */
export async function verifyIdentity(page: Page): Promise<void> {
  await submitIdentity(page);
  await page.getByText((await labelsOf(page))('person:identity.verified')).waitFor();
}

/** Registers `citizen` (a registry citizen: `syntheticCitizen(n)` with n < 200) and verifies them. */
export async function registerAndVerify(
  page: Page,
  citizen: Citizen,
  phone = phoneFor(citizen),
): Promise<void> {
  await register(page, citizen, phone);
  await verifyIdentity(page);
}

/** Applies for the e-card through the authorisation screen, then activates it with consent. */
export async function applyAndActivateEcard(
  page: Page,
  channel = 'wechat',
  onAuthorisation?: () => Promise<unknown>,
): Promise<void> {
  const t = await labelsOf(page);
  await goTo(page, t('person:nav.ecard'));
  await page.getByLabel(t('person:ecard.channel'), { exact: true }).selectOption(channel);
  await page.getByRole('region', { name: t('person:ecard.authTitle') }).waitFor();
  await page.getByLabel(t('person:ecard.authorise')).check();
  await onAuthorisation?.();
  await page.getByRole('button', { name: t('person:ecard.apply'), exact: true }).click();
  await page.getByRole('heading', { name: t('person:ecard.activateTitle') }).waitFor();
  await page.getByLabel(t('person:ecard.consentActivate')).check();
  await page.getByRole('button', { name: t('person:ecard.activate'), exact: true }).click();
  await page.getByRole('heading', { name: t('person:ecard.paymentTitle') }).waitFor();
}

/** Opens the payment function with a 6-digit PIN entered twice. */
export async function openPayment(page: Page, pin: string, pinAgain = pin): Promise<void> {
  const t = await labelsOf(page);
  await page.getByLabel(t('person:ecard.pin')).fill(pin);
  await page.getByLabel(t('person:ecard.pinConfirm')).fill(pinAgain);
  await page.getByLabel(t('person:ecard.consentPayment')).check();
  await page.getByRole('button', { name: t('person:ecard.openPayment') }).click();
  if (pin === pinAgain) await page.getByText(t('person:ecard.paymentOpened')).waitFor();
}

export interface RelativeRow {
  idNumber: string;
  name: string;
  kinship: 'spouse' | 'parent' | 'child' | 'grandparent' | 'grandchild' | 'sibling';
  mutualAid?: boolean;
  cardDisplay?: boolean;
}

/** The fieldset of the n-th (1-based) relative row of the binding form. */
export const relativeRow = (page: Page, n: number, t: Labels = labels()): Locator =>
  page.getByRole('group', { name: t('person:family.row', { n }) });

/** Fills the binding form with several relatives and submits them at once; returns the summary text. */
export async function bindRelatives(page: Page, rows: RelativeRow[]): Promise<string> {
  const t = await labelsOf(page);
  await goTo(page, t('person:nav.family'));
  for (const [i, r] of rows.entries()) {
    if (i > 0) await page.getByRole('button', { name: t('person:family.addRow') }).click();
    const row = relativeRow(page, i + 1, t);
    await row.getByLabel(t('person:family.idNumber')).fill(r.idNumber);
    await row.getByLabel(t('person:family.name')).fill(r.name);
    await row.getByLabel(t('person:family.kinship')).selectOption(r.kinship);
    await row.getByLabel(t('person:family.mutualAidLabel')).setChecked(r.mutualAid ?? true);
    await row.getByLabel(t('person:family.displayLabel')).setChecked(r.cardDisplay ?? false);
  }
  await page.getByRole('button', { name: t('person:family.bind'), exact: true }).click();
  const summary = page.getByRole('status').filter({ hasText: t.pattern('person:family.summary') });
  await summary.waitFor();
  return summary.innerText();
}

/** The error shown under the field labelled `label` inside `scope` (a row of a multi-row form). */
export async function scopedFieldError(scope: Locator, label: string): Promise<string> {
  const input = scope.getByLabel(label, { exact: true });
  await scope
    .page()
    .waitForFunction((el) => el?.getAttribute('aria-invalid') === 'true', await input.elementHandle(), {
      timeout: 10_000,
    });
  const errorId = (await input.getAttribute('aria-describedby'))
    ?.split(' ')
    .find((id) => id.endsWith('-error'));
  assert.ok(errorId, `field ${label} has no error attached`);
  return scope.page().locator(`[id="${errorId}"]`).innerText();
}

/** The QR image on the QR screen (its accessible name names the holder). */
export const qrImage = (page: Page, t: Labels = labels()): Locator =>
  page.getByRole('img', { name: t.pattern('person:qr.alt') });

/** Opens the QR screen and waits for a code; optionally switches to a relative by the option's label. */
export async function openQrScreen(page: Page, relative?: string | RegExp): Promise<void> {
  const t = await labelsOf(page);
  await goTo(page, t('person:nav.qr'));
  await qrImage(page, t).waitFor();
  if (relative) {
    const select = page.getByLabel(t('person:qr.whose'));
    const options = await select.locator('option').allInnerTexts();
    const label = options.find((o) =>
      typeof relative === 'string' ? o.includes(relative) : relative.test(o),
    );
    assert.ok(label, `no relative ${relative} among ${options.join(', ')}`);
    await select.selectOption({ label });
    await page.getByText(t('person:qr.relativeNote')).waitFor();
  }
  await qrPainted(page);
}

/** The seconds the countdown under the code shows. */
export async function countdownSeconds(page: Page): Promise<number> {
  const text = await page.getByRole('timer').innerText();
  const m = /(\d+)/.exec(text);
  assert.ok(m, `no seconds in "${text}"`);
  return Number(m[1]);
}

/** Reads the QR code out of a screenshot, as a cashier's scanner would. */
export const decodeQr = (png: Buffer): string => decodeQrPng(png);

/** The terminal's answer to a scanned QR text (`POST /v1/terminal/scan`). */
export async function scanAtTerminal(
  baseUrl: string,
  terminalCredential: string,
  qr: string,
): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL('/v1/terminal/scan', baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${terminalCredential}`, 'content-type': 'application/json' },
    body: JSON.stringify({ qr }),
  });
  return { status: res.status, body: await res.json() };
}

/** Waits until the QR image on screen has been decoded by the browser. */
export async function qrPainted(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('img.qr-image');
    return !!img && img.complete && img.naturalWidth > 0;
  });
}

export type { Page };

/**
 * The whole way from nothing to a payable QR code: register, verify, apply for and activate the e-card,
 * open payment with `pin`, and open the QR screen.
 */
export async function becomePayingPerson(page: Page, citizen: Citizen, pin: string): Promise<void> {
  await registerAndVerify(page, citizen);
  await applyAndActivateEcard(page);
  await openPayment(page, pin);
  await openQrScreen(page);
}
