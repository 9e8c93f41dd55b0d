import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_ACCOUNTS, fieldError, useE2E } from './support.ts';

const e2e = useE2E();

test('the front door opens in Chinese, switches to English and remembers it', async () => {
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  await page.goto('/');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.getByRole('link', { name: /参保人/ }).waitFor();
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('link', { name: /Insured person/ }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.reload();
  await page.getByRole('link', { name: /Institution terminal/ }).waitFor();
  await e2e().screenshot(page, 'home');
  await ctx.close();
});

test('a deep link opens its app, and an API path that does not exist stays a JSON 404', async () => {
  const ctx = await e2e().newContext();
  const page = await ctx.newPage();
  const res = await page.goto('/console');
  assert.equal(res?.status(), 200);
  await page.getByRole('heading', { name: '经办柜台' }).waitFor();
  const api = await page.request.get('/v1/nothing-here', { headers: { accept: 'text/html' } });
  assert.equal(api.status(), 404);
  assert.equal((await api.json()).error.code, 'route_not_found');
  await ctx.close();
});

test('a wrong password is shown next to the password field; the right one signs in', async () => {
  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  await page.goto('/app');
  await page.getByLabel('账号（手机号或用户名）').fill(DEMO_ACCOUNTS.person.login);
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  assert.match(await fieldError(page, '密码'), /账号或密码错误/);
  await page.getByLabel('密码').fill(DEMO_ACCOUNTS.person.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
  await ctx.close();
});
