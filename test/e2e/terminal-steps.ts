/**
 * Steps of the institution terminal, for the terminal's browser tests and the cross-app main story.
 * They drive the till as a cashier would (labels and roles, from the app's catalogues in the language the page
 * shows: labels.ts) and wait on what the screen shows, never on time.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { labelsOf } from './labels.ts';

/** One item to put on the bill: part of its name on the price list, and how many. */
export interface BillEntry {
  name: string;
  quantity?: number;
}

/** Calls the API directly (not through the page), as any client would. */
export async function apiCall<T = any>(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<T> {
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Logs a person in through the API and returns their session token. */
export async function personToken(baseUrl: string, login: string, password: string): Promise<string> {
  return (await apiCall<{ token: string }>(baseUrl, 'POST', '/v1/auth/login', { body: { login, password } }))
    .token;
}

/**
 * A fresh QR code of the person's e-card (GET /v1/me/ecard/qr), its PNG written to a file as a phone
 * screenshot would be. Returns the file and the token text inside the code.
 */
export async function qrImageFor(baseUrl: string, token: string): Promise<{ pngPath: string; text: string }> {
  const qr = await apiCall<{ token: string; pngDataUrl: string }>(baseUrl, 'GET', '/v1/me/ecard/qr', {
    token,
  });
  const png = Buffer.from(qr.pngDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
  const pngPath = join(mkdtempSync(join(tmpdir(), 'yibao-qr-')), 'qr.png');
  writeFileSync(pngPath, png);
  return { pngPath, text: qr.token };
}

/** The person's individual account balance in fen. */
export async function balanceOf(baseUrl: string, token: string): Promise<number> {
  return (await apiCall<{ balance: number }>(baseUrl, 'GET', '/v1/me/account?limit=1', { token })).balance;
}

/** Opens the till and signs it in with a terminal credential (`ybt_…`). */
export async function signInTerminal(page: Page, credential: string): Promise<void> {
  await page.goto('/terminal');
  const t = await labelsOf(page);
  await page.getByLabel(t('terminal:login.credential')).fill(credential);
  await page.getByRole('button', { name: t('terminal:login.submit') }).click();
  await page.getByRole('heading', { name: t('terminal:scan.title') }).waitFor();
}

/** Reads the customer's QR code from an image file through the decoder, and waits for the eligibility panel. */
export async function scanFromImage(page: Page, pngPath: string): Promise<void> {
  const t = await labelsOf(page);
  await page.getByLabel(t('terminal:scan.image')).setInputFiles(pngPath);
  await page.getByRole('heading', { name: t('terminal:elig.title') }).waitFor();
}

/** Types the QR code's text as a hand scanner does (text, then Enter), and waits for the eligibility panel. */
export async function scanText(page: Page, text: string): Promise<void> {
  const t = await labelsOf(page);
  const field = page.getByLabel(t('terminal:scan.text'));
  await field.fill(text);
  await field.press('Enter');
  await page.getByRole('heading', { name: t('terminal:elig.title') }).waitFor();
}

/** Picks each item from the price list (by part of its name) with its quantity and adds it to the bill. */
export async function addItems(page: Page, items: BillEntry[]): Promise<void> {
  const t = await labelsOf(page);
  const select = page.getByLabel(t('terminal:bill.item'), { exact: true });
  for (const item of items) {
    const value = await select.evaluate(
      (el, name) => [...(el as HTMLSelectElement).options].find((o) => o.text.includes(name))?.value ?? null,
      item.name,
    );
    if (!value) throw new Error(`no price-list item named ${item.name}`);
    await select.selectOption(value);
    await page.getByLabel(t('terminal:bill.quantity'), { exact: true }).fill(String(item.quantity ?? 1));
    await page.getByRole('button', { name: t('terminal:bill.add'), exact: true }).click();
    await page
      .getByRole('cell', { name: new RegExp(escapeRegExp(item.name)) })
      .first()
      .waitFor();
  }
}

/** The bill's running total as shown, e.g. "¥90.60". */
export async function billTotalText(page: Page): Promise<string> {
  return (await page.locator('.bill-total').innerText()).trim();
}

/**
 * Adds `items` to the bill and settles it (with the payment PIN when given); waits for the settlement
 * screen and returns the settlement's id from its address.
 */
export async function settleBill(page: Page, items: BillEntry[], pin?: string): Promise<string> {
  await addItems(page, items);
  const t = await labelsOf(page);
  if (pin) await page.getByLabel(t('terminal:settle.pin')).fill(pin);
  await page.getByRole('button', { name: t('terminal:settle.settle') }).click();
  await page.getByRole('heading', { name: t('terminal:result.title') }).waitFor();
  const id = /\/terminal\/settlements\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
  if (!id) throw new Error(`not on a settlement page: ${page.url()}`);
  return id;
}

/** The amount shown for one figure of the visible breakdown (`accountPaid`, `fund`, `total` …). */
export async function figureText(page: Page, figure: string): Promise<string> {
  return (
    await page.locator(`[data-figure="${figure}"] dd, dd[data-figure="${figure}"]`).first().innerText()
  ).trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
