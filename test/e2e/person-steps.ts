/**
 * Steps of the insured person's app, driven as a person would (labels, roles, visible text), for the person
 * tests and the cross-app main story. Every step waits for what the screen shows once the step is done.
 */
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';
import type { Citizen } from '../../src/demo/synthetic.ts';
import { decodeQrPng } from '../../src/qr/render.ts';

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
  await page.getByLabel('账号（手机号或用户名）').fill(login);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
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
  await page.getByRole('button', { name: '注册' }).click();
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码（至少 8 位）').fill(password);
  await page.getByLabel('姓名').fill(citizen.name);
  await page.getByLabel('身份证号').fill(citizen.idNumber);
  await page.getByLabel('参保类型').selectOption('resident');
  await page.getByRole('button', { name: '注册并登录' }).click();
}

/** Registers `citizen` from the login screen; the app signs them in. */
export async function register(page: Page, citizen: Citizen, phone = phoneFor(citizen)): Promise<void> {
  await submitRegistration(page, citizen, phone);
  await page.getByRole('button', { name: '退出登录' }).waitFor();
}

/** From the home screen, opens identity verification, chooses the ID photo and (optionally) changes the name. */
export async function submitIdentity(page: Page, opts: { name?: string } = {}): Promise<void> {
  await page.getByRole('link', { name: '下一步：完成实名认证' }).click();
  await page.getByLabel('身份证照片（JPEG 或 PNG）').setInputFiles({
    name: 'id.png',
    mimeType: 'image/png',
    buffer: idPhotoPng(),
  });
  if (opts.name !== undefined) await page.getByLabel('姓名').fill(opts.name);
  await page.getByRole('button', { name: '提交认证' }).click();
}

/** Uploads the ID photo and verifies against the registry; a registry citizen is verified at once. */
export async function verifyIdentity(page: Page): Promise<void> {
  await submitIdentity(page);
  await page.getByText('您的身份已认证，可以申领医保电子凭证。').waitFor();
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
  await goTo(page, '电子凭证');
  await page.getByLabel('申领渠道').selectOption(channel);
  await page.getByRole('region', { name: '授权说明' }).waitFor();
  await page.getByLabel(/我已阅读并同意以上授权/).check();
  await onAuthorisation?.();
  await page.getByRole('button', { name: '申领', exact: true }).click();
  await page.getByRole('heading', { name: '激活电子凭证' }).waitFor();
  await page.getByLabel('我同意激活医保电子凭证').check();
  await page.getByRole('button', { name: '激活', exact: true }).click();
  await page.getByRole('heading', { name: '开通支付功能' }).waitFor();
}

/** Opens the payment function with a 6-digit PIN entered twice. */
export async function openPayment(page: Page, pin: string, pinAgain = pin): Promise<void> {
  await page.getByLabel('支付密码（6 位数字）').fill(pin);
  await page.getByLabel('再次输入支付密码').fill(pinAgain);
  await page.getByLabel('我同意开通医保电子凭证支付功能').check();
  await page.getByRole('button', { name: '开通支付' }).click();
  if (pin === pinAgain) await page.getByText('支付功能已开通，可以出示医保码付款了。').waitFor();
}

export interface RelativeRow {
  idNumber: string;
  name: string;
  kinship: 'spouse' | 'parent' | 'child' | 'grandparent' | 'grandchild' | 'sibling';
  mutualAid?: boolean;
  cardDisplay?: boolean;
}

/** The fieldset of the n-th (1-based) relative row of the binding form. */
export const relativeRow = (page: Page, n: number): Locator => page.getByRole('group', { name: `亲属 ${n}` });

/** Fills the binding form with several relatives and submits them at once; returns the summary text. */
export async function bindRelatives(page: Page, rows: RelativeRow[]): Promise<string> {
  await goTo(page, '家庭共济');
  for (const [i, r] of rows.entries()) {
    if (i > 0) await page.getByRole('button', { name: '再添加一位' }).click();
    const row = relativeRow(page, i + 1);
    await row.getByLabel('身份证号').fill(r.idNumber);
    await row.getByLabel('姓名').fill(r.name);
    await row.getByLabel('关系').selectOption(r.kinship);
    await row.getByLabel(/家庭共济/).setChecked(r.mutualAid ?? true);
    await row.getByLabel(/代为出示医保码/).setChecked(r.cardDisplay ?? false);
  }
  await page.getByRole('button', { name: '绑定', exact: true }).click();
  const summary = page.getByRole('status').filter({ hasText: /绑定成功/ });
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
export const qrImage = (page: Page): Locator => page.getByRole('img', { name: /医保电子凭证二维码/ });

/** Opens the QR screen and waits for a code; optionally switches to a relative by the option's label. */
export async function openQrScreen(page: Page, relative?: string | RegExp): Promise<void> {
  await goTo(page, '医保码');
  await qrImage(page).waitFor();
  if (relative) {
    const select = page.getByLabel('显示谁的医保码');
    const options = await select.locator('option').allInnerTexts();
    const label = options.find((o) =>
      typeof relative === 'string' ? o.includes(relative) : relative.test(o),
    );
    assert.ok(label, `no relative ${relative} among ${options.join(', ')}`);
    await select.selectOption({ label });
    await page.getByText('正在显示亲属的医保码').waitFor();
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
