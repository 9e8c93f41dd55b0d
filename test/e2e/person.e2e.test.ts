import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { syntheticCitizen } from '../../src/demo/synthetic.ts';
import { formatFen } from '../../web/src/shared/money.ts';
import { todayInBeijing } from '../../web/src/shared/dates.ts';
import { labels } from './labels.ts';
import { ADMIN_PASSWORD, DEMO_ACCOUNTS, fieldError, useE2E } from './support.ts';
import {
  applyAndActivateEcard,
  becomePayingPerson,
  bindRelatives,
  countdownSeconds,
  decodeQr,
  goTo,
  openPayment,
  openQrScreen,
  phoneOf,
  qrImage,
  qrPainted,
  register,
  registerAndVerify,
  relativeRow,
  scanAtTerminal,
  scopedFieldError,
  signIn,
  submitIdentity,
  submitRegistration,
  verifyIdentity,
} from './person-steps.ts';

const e2e = useE2E();

/** Calls the API directly as a signed-in user, to set up or check what the screens claim. */
async function apiAs(login: string, password: string) {
  const { app } = e2e();
  const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { login, password } });
  assert.equal(res.statusCode, 200, res.body);
  const token = res.json().token as string;
  return async (
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const r = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: r.statusCode, body: r.body ? r.json() : undefined };
  };
}

test('a new person registers, is verified, gets the e-card, opens payment, binds relatives and pays by QR', async () => {
  const { db, baseUrl, terminalCredential } = e2e();
  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  const citizen = syntheticCitizen(150);
  const relative = syntheticCitizen(1); // the demo relative, insured with an active e-card

  await register(page, citizen, phoneOf(150));
  await e2e().screenshot(page, 'person-home');
  await page.getByRole('link', { name: '下一步：完成实名认证' }).waitFor();
  await verifyIdentity(page);
  await e2e().screenshot(page, 'person-identity');
  const person = await db.query<{ id: string; identity_status: string }>(
    'select id, identity_status from persons where id_number = $1',
    [citizen.idNumber],
  );
  assert.equal(person.rows[0]?.identity_status, 'verified');
  const personId = person.rows[0]!.id;

  // Without ticking the authorisation nothing is applied for; the refusal shows under the box.
  await goTo(page, '电子凭证');
  await page.getByRole('button', { name: '申领', exact: true }).click();
  assert.match(await fieldError(page, /我已阅读并同意以上授权/), /请勾选同意授权/);
  await applyAndActivateEcard(page, 'wechat', async () => {
    // What is shared with whom is on screen before the person agrees.
    await page
      .getByRole('region', { name: '授权说明' })
      .getByText(/共享给所选渠道（微信）/)
      .waitFor();
    await e2e().screenshot(page, 'person-ecard-authorise');
  });
  // The PINs differ: shown under the second PIN field, and nothing is opened.
  await openPayment(page, '246810', '246811');
  assert.match(await fieldError(page, '再次输入支付密码'), /两次输入的支付密码不一致/);
  await openPayment(page, '246810');
  await e2e().screenshot(page, 'person-ecard');
  const ecard = await db.query<{ status: string; payment_open: boolean; applied_channel: string }>(
    'select status, payment_open, applied_channel from ecards where person_id = $1',
    [personId],
  );
  assert.deepEqual(ecard.rows[0], { status: 'active', payment_open: true, applied_channel: 'wechat' });
  // One more channel, through the same authorisation.
  await page.getByText('授权新渠道').click();
  await page.getByLabel('申领渠道').selectOption('alipay');
  await page.getByLabel(/我已阅读并同意以上授权/).check();
  await page.getByRole('button', { name: '授权', exact: true }).click();
  await page.getByText('已授权新渠道。').waitFor();
  await page.getByRole('listitem').filter({ hasText: '支付宝' }).waitFor();
  const channels = await db.query<{ channel: string }>(
    `select channel from ecard_channels where ecard_id = (select id from ecards where person_id = $1) order by channel`,
    [personId],
  );
  assert.deepEqual(
    channels.rows.map((r) => r.channel),
    ['alipay', 'wechat'],
  );

  // Two rows at once: the demo relative binds, the second row's ID number is refused next to its field.
  const summary = await bindRelatives(page, [
    {
      idNumber: relative.idNumber,
      name: relative.name,
      kinship: 'sibling',
      mutualAid: true,
      cardDisplay: true,
    },
    { idNumber: '110101199001011235', name: '王小明', kinship: 'child' },
  ]);
  assert.match(summary, /绑定成功 1 位，失败 1 位/);
  assert.match(summary, new RegExp(`已绑定：${relative.name}`));
  const failedRow = relativeRow(page, 1);
  assert.match(await scopedFieldError(failedRow, '身份证号'), /身份证号无效/);
  assert.equal(await failedRow.getByLabel('身份证号').inputValue(), '110101199001011235');
  await page
    .getByRole('listitem', { name: new RegExp(relative.name) })
    .getByText('待对方确认')
    .waitFor();
  await e2e().screenshot(page, 'person-family');
  const bindings = await db.query<{ card_display: string; mutual_aid: boolean }>(
    'select card_display, mutual_aid from family_bindings where binder_person_id = $1',
    [personId],
  );
  assert.deepEqual(bindings.rows, [{ card_display: 'pending', mutual_aid: true }]);

  // The relative confirms on their own phone that the new person may show their code.
  const relCtx = await e2e().newContext({ mobile: true });
  const relPage = await relCtx.newPage();
  await signIn(relPage, DEMO_ACCOUNTS.relative.login, DEMO_ACCOUNTS.relative.password);
  await goTo(relPage, '家庭共济');
  await relPage.getByText(`${citizen.name}（兄弟姐妹）希望代为出示您的医保码`).waitFor();
  await relPage.getByRole('button', { name: '同意' }).click();
  await relPage.getByText(`${citizen.name}（兄弟姐妹）：已确认`).waitFor();
  await relCtx.close();

  // The QR screen: the code in a screenshot decodes to a token the terminal accepts.
  await openQrScreen(page);
  const holder = await page.locator('.qr-holder').innerText();
  const shot = await e2e().screenshot(page, 'person-qr');
  const token = decodeQr(shot);
  const scan = await scanAtTerminal(baseUrl, terminalCredential, token);
  assert.equal(scan.status, 200, JSON.stringify(scan.body));
  assert.equal(scan.body.method, 'qr');
  assert.equal(holder, `持码人：${scan.body.person.maskedName}`);
  assert.equal(
    await qrImage(page).getAttribute('alt'),
    `${scan.body.person.maskedName} 的医保电子凭证二维码`,
  );

  // The countdown moves, and a refresh shows a new code that also scans.
  const before = await countdownSeconds(page);
  assert.ok(before > 0 && before <= 60, `countdown ${before}`);
  await page.waitForFunction((s) => {
    const m = /(\d+)/.exec(document.querySelector('[role=timer]')?.textContent ?? '');
    return m !== null && Number(m[1]) < s;
  }, before);
  const generation = await qrImage(page).getAttribute('data-generation');
  await page.getByRole('button', { name: '刷新二维码' }).click();
  await page.waitForFunction(
    (was) => document.querySelector('img.qr-image')?.getAttribute('data-generation') !== was,
    generation,
  );
  await qrPainted(page);
  const refreshed = decodeQr(await qrImage(page).screenshot());
  assert.notEqual(refreshed, token);
  assert.equal((await scanAtTerminal(baseUrl, terminalCredential, refreshed)).status, 200);

  // Now that the relative confirmed, the new person can show the relative's code instead.
  await openQrScreen(page, relative.name);
  const relToken = decodeQr(await qrImage(page).screenshot());
  const relScan = await scanAtTerminal(baseUrl, terminalCredential, relToken);
  assert.equal(relScan.status, 200);
  assert.notEqual(relScan.body.person.maskedName, scan.body.person.maskedName);
  assert.equal(await page.locator('.qr-holder').innerText(), `持码人：${relScan.body.person.maskedName}`);
  await ctx.close();
});

test('the demo person reads a settlement with its breakdown, the account movement, and shows a relative’s code', async () => {
  const { baseUrl, terminalCredential } = e2e();
  const demo = syntheticCitizen(0);
  const month = new Date().toISOString().slice(0, 7);
  const year = new Date().getUTCFullYear();
  // The employer pays this month's premiums; the administrator sends this year's personal rights records.
  const asEmployer = await apiAs(DEMO_ACCOUNTS.employer.login, DEMO_ACCOUNTS.employer.password);
  const run = await asEmployer('POST', `/v1/employer/contributions/${month}`, {
    declarations: [{ idNumber: demo.idNumber, declaredBase: 800_000 }],
    paid: true,
  });
  assert.ok(run.status === 200 || run.status === 201, JSON.stringify(run.body));
  const line = run.body.run.lines[0];
  const asAdmin = await apiAs('admin', ADMIN_PASSWORD);
  let job = await asAdmin('POST', '/v1/admin/statement-jobs', { regionCode: 'demo', year });
  assert.ok(job.status < 300, JSON.stringify(job.body));
  for (let i = 0; job.body.status !== 'done' && i < 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
    job = await asAdmin('GET', `/v1/admin/statement-jobs/${job.body.id}`);
  }
  assert.equal(job.body.status, 'done');

  // A settlement at the demo pharmacy, made through the API as the till would.
  const asPerson = await apiAs(DEMO_ACCOUNTS.person.login, DEMO_ACCOUNTS.person.password);
  const qr = await asPerson('GET', '/v1/me/ecard/qr');
  assert.equal(qr.status, 200);
  const settled = await e2e().app.inject({
    method: 'POST',
    url: '/v1/terminal/settlements',
    headers: { authorization: `Bearer ${terminalCredential}`, 'idempotency-key': randomUUID() },
    payload: {
      qr: qr.body.token,
      bill: {
        setting: 'outpatient',
        items: [
          // The pharmacy's own codes: amoxicillin is mapped to a class A entry, the health product is not.
          { code: 'XJ01CA04', name: '阿莫西林', quantity: 2, unitPrice: 1850 },
          { code: 'ZZ-VC-100', name: '保健品', quantity: 1, unitPrice: 3000 },
        ],
      },
    },
  });
  assert.equal(settled.statusCode, 201, settled.body);
  const totals = settled.json().result.totals;
  // The relative's bill, larger than their own account: family mutual aid pays the rest from the demo person's.
  const { rows: rel } = await e2e().db.query<{ id: string }>('select id from persons where id_number = $1', [
    syntheticCitizen(1).idNumber,
  ]);
  const relQr = await asPerson('GET', `/v1/me/ecard/qr?for=${rel[0]!.id}`);
  assert.equal(relQr.status, 200, JSON.stringify(relQr.body));
  const forRelative = await e2e().app.inject({
    method: 'POST',
    url: '/v1/terminal/settlements',
    headers: { authorization: `Bearer ${terminalCredential}`, 'idempotency-key': randomUUID() },
    payload: {
      qr: relQr.body.token,
      bill: {
        setting: 'outpatient',
        items: [{ code: 'XM01AE01', name: '布洛芬', quantity: 4, unitPrice: 2500 }],
      },
    },
  });
  assert.equal(forRelative.statusCode, 201, forRelative.body);
  const aid = forRelative.json().result.totals.relativeAccountPaid;
  assert.ok(aid > 0, forRelative.body);
  const account = await asPerson('GET', '/v1/me/account');

  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  await signIn(page, DEMO_ACCOUNTS.person.login, DEMO_ACCOUNTS.person.password);
  await goTo(page, '记录');
  const balance = page.locator('.balance');
  await balance.getByText(formatFen(account.body.balance)).waitFor();
  const settlements = page.getByRole('region', { name: '结算记录' });
  const summary = settlements.locator('summary').first();
  assert.match(
    await summary.innerText(),
    new RegExp(`已结算[\\s\\S]*${formatFen(totals.total).replace('.', '\\.')}`),
  );
  await summary.click(); // opens the breakdown
  const breakdown = settlements.locator('dl.breakdown');
  const figure = (label: string) =>
    breakdown.locator('.spread', { has: page.getByText(label, { exact: true }) });
  assert.equal(await figure('医疗费总额').locator('dd').innerText(), formatFen(totals.total));
  assert.equal(await figure('目录外自费').locator('dd').innerText(), formatFen(totals.outOfCatalogue));
  assert.equal(await figure('统筹基金支付').locator('dd').innerText(), formatFen(totals.fund));
  assert.equal(await figure('个人账户支付').locator('dd').innerText(), formatFen(totals.accountPaid));
  assert.equal(await figure('现金支付').locator('dd').innerText(), formatFen(totals.cashPaid));
  assert.ok(totals.outOfCatalogue === 3000 && totals.accountPaid > 0, JSON.stringify(totals));
  await settlements.getByRole('cell', { name: '阿莫西林' }).waitFor();
  // The catalogue version the lines were resolved against.
  await settlements.getByText(`按第 ${settled.json().catalogueVersion} 版医保目录结算`).first().waitFor();
  const movements = page.getByRole('region', { name: '个人账户' });
  await movements.getByText('医疗结算').first().waitFor();
  await movements.getByText(formatFen(-totals.accountPaid)).first().waitFor();
  const aidMovement = movements.getByRole('listitem').filter({ hasText: '为亲属支付（家庭共济）' });
  await aidMovement.getByText(formatFen(-aid)).waitFor();
  const contributions = page.getByRole('region', { name: '缴费记录' });
  const monthItem = contributions.getByRole('listitem', { name: month });
  await monthItem.getByText('已缴').waitFor();
  const paid = (label: string) =>
    monthItem
      .locator('.spread', { has: page.getByText(label, { exact: true }) })
      .locator('dd')
      .innerText();
  assert.equal(await paid('缴费基数'), formatFen(line.base));
  assert.equal(await paid('单位缴纳'), formatFen(line.employerPremium));
  assert.equal(await paid('个人缴纳'), formatFen(line.employeePremium));
  assert.equal(await paid('划入个人账户'), formatFen(line.toIndividualAccount));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: `下载 ${year} 年 PDF` }).click();
  const pdf = await download;
  assert.equal(pdf.suggestedFilename(), `yibao-statement-${year}.pdf`);
  const { readFile } = await import('node:fs/promises');
  assert.equal((await readFile((await pdf.path())!)).subarray(0, 5).toString(), '%PDF-');
  await e2e().screenshot(page, 'person-records');

  // The relative confirmed card display in the seed: their code shows, decodes and scans as theirs.
  const relative = syntheticCitizen(1);
  await openQrScreen(page, relative.name);
  const token = decodeQr(await e2e().screenshot(page, 'person-qr-relative'));
  const scan = await scanAtTerminal(baseUrl, terminalCredential, token);
  assert.equal(scan.status, 200, JSON.stringify(scan.body));
  assert.equal(await page.locator('.qr-holder').innerText(), `持码人：${scan.body.person.maskedName}`);
  assert.equal(scan.body.person.maskedName[0], relative.name[0]);
  await ctx.close();
});

test('the QR code refreshes itself a few seconds before it expires', async () => {
  const { baseUrl, terminalCredential } = e2e();
  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  await becomePayingPerson(page, syntheticCitizen(155), '975310');
  // The page's clock is ours to move: 50 seconds pass in an instant.
  await page.clock.install();
  await page.goto('/app/qr');
  await qrImage(page).waitFor();
  await qrPainted(page);
  const first = decodeQr(await qrImage(page).screenshot());
  const generation = await qrImage(page).getAttribute('data-generation');
  assert.ok((await countdownSeconds(page)) >= 58);
  await page.clock.fastForward(50_000);
  await page.waitForFunction(() =>
    /^([6-9]|1[01]) /.test(document.querySelector('[role=timer]')?.textContent ?? ''),
  );
  assert.equal(
    await qrImage(page).getAttribute('data-generation'),
    generation,
    'no refresh yet at 10 s left',
  );
  await page.clock.fastForward(6_000);
  await page.waitForFunction(
    (was) => document.querySelector('img.qr-image')?.getAttribute('data-generation') !== was,
    generation,
  );
  await qrPainted(page);
  const second = decodeQr(await qrImage(page).screenshot());
  assert.notEqual(second, first);
  assert.ok((await countdownSeconds(page)) >= 58);
  assert.equal((await scanAtTerminal(baseUrl, terminalCredential, second)).status, 200);
  await ctx.close();
});

test('refusals show next to their fields: a bad ID number at registration, a name that differs at verification', async () => {
  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  const citizen = syntheticCitizen(151);
  await submitRegistration(page, { ...citizen, idNumber: '110101199001011235' }, phoneOf(151));
  assert.match(await fieldError(page, '身份证号'), /身份证号无效：校验码不符/);
  await e2e().screenshot(page, 'person-register');
  await page.getByLabel('身份证号').fill(citizen.idNumber);
  await page.getByRole('button', { name: '注册并登录' }).click();
  await page.getByRole('button', { name: '退出登录' }).waitFor();

  await submitIdentity(page, { name: `${citizen.name}甲` });
  assert.match(await fieldError(page, '姓名'), /与注册时填写的姓名或身份证号不一致/);
  const { rows } = await e2e().db.query<{ identity_status: string }>(
    'select identity_status from persons where id_number = $1',
    [citizen.idNumber],
  );
  assert.equal(rows[0]?.identity_status, 'unverified');
  await ctx.close();
});

test('a person outside the registry waits for staff review; a name the registry does not know is rejected', async () => {
  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  const stranger = syntheticCitizen(700); // the registry holds only the first 200
  await register(page, stranger, phoneOf(700));
  await submitIdentity(page);
  await page.getByText('您的资料已提交，等待经办人员审核。').waitFor();
  const { rows } = await e2e().db.query<{ identity_status: string }>(
    'select identity_status from persons where id_number = $1',
    [stranger.idNumber],
  );
  assert.equal(rows[0]?.identity_status, 'pending_review');
  await ctx.close();

  const other = await e2e().newContext({ mobile: true });
  const page2 = await other.newPage();
  const citizen = syntheticCitizen(153);
  await register(page2, { ...citizen, name: `${citizen.name}乙` }, phoneOf(153));
  await submitIdentity(page2);
  await page2
    .getByRole('alert')
    .getByText(/认证未通过：姓名与人口信息库不一致/)
    .waitFor();
  // The form stays, to try again.
  await page2.getByRole('button', { name: '提交认证' }).waitFor();
  const rejected = await e2e().db.query<{ identity_status: string }>(
    'select identity_status from persons where id_number = $1',
    [citizen.idNumber],
  );
  assert.equal(rejected.rows[0]?.identity_status, 'rejected');
  await other.close();
});

test('family permissions change and a relative is unbound after confirming', async () => {
  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  const citizen = syntheticCitizen(154);
  const relative = syntheticCitizen(1);
  await registerAndVerify(page, citizen, phoneOf(154));
  await bindRelatives(page, [{ idNumber: relative.idNumber, name: relative.name, kinship: 'sibling' }]);
  const item = page.getByRole('listitem', { name: new RegExp(relative.name) });
  const binding = async () =>
    (
      await e2e().db.query<{ mutual_aid: boolean; card_display: string; status: string }>(
        `select b.mutual_aid, b.card_display, b.status from family_bindings b join persons p on p.id = b.binder_person_id
          where p.id_number = $1`,
        [citizen.idNumber],
      )
    ).rows;
  assert.deepEqual(await binding(), [{ mutual_aid: true, card_display: 'off', status: 'active' }]);

  await item.getByLabel('家庭共济').uncheck();
  await page.getByText('已更新。').waitFor();
  await item.getByLabel('代为出示医保码').check();
  await item.getByText('出示权限：待对方确认').waitFor();
  assert.deepEqual(await binding(), [{ mutual_aid: false, card_display: 'pending', status: 'active' }]);

  await item.getByRole('button', { name: '解除绑定' }).click();
  const ask = page.getByRole('group', { name: `确定解除与 ${relative.name} 的绑定？` });
  await ask.getByRole('button', { name: '取消' }).click(); // changing one's mind keeps the binding
  await item.getByRole('button', { name: '解除绑定' }).click();
  await ask.getByRole('button', { name: '确认' }).click();
  await page.getByText('已解除绑定。').waitFor();
  await page.getByText('还没有绑定亲属。').waitFor();
  assert.deepEqual(
    (await binding()).map((r) => r.status),
    ['unbound'],
  );
  await ctx.close();
});

test('physical card: apply, cancel, apply again, issued at the county centre, report loss; the inbox marks read', async () => {
  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  const citizen = syntheticCitizen(152);
  await registerAndVerify(page, citizen, phoneOf(152));

  await goTo(page, '社保卡');
  await page.getByLabel('办理方式').selectOption('service_point');
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.getByText('申请已提交。').waitFor();
  await page.getByText('制卡中', { exact: true }).waitFor();
  await page.getByText(/预计 \d{4}-\d{2}-\d{2} 可领取/).waitFor();
  await page.getByRole('button', { name: '撤销申请' }).click();
  await page
    .getByRole('group', { name: '确定撤销这份社保卡申请？' })
    .getByRole('button', { name: '确认' })
    .click();
  await page.getByText('申请已撤销。').waitFor();
  await page.getByText('已撤销', { exact: true }).waitFor();

  await page.getByLabel('办理方式').selectOption('county_centre');
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.getByText('申请已提交。').waitFor();
  // At the counter, staff issue the card on the spot.
  const asStaff = await apiAs(DEMO_ACCOUNTS.staff.login, DEMO_ACCOUNTS.staff.password);
  const queue = await asStaff('GET', '/v1/staff/cards/applications');
  const { rows: who } = await e2e().db.query<{ id: string }>('select id from persons where id_number = $1', [
    citizen.idNumber,
  ]);
  const application = queue.body.applications.find(
    (a: any) => a.personId === who[0]!.id && a.status === 'pending',
  );
  assert.ok(application, JSON.stringify(queue.body));
  const issued = await asStaff('POST', `/v1/staff/cards/applications/${application.id}/issue`, {
    idChecked: true,
    pin: '135790',
    bank: 'Demo Bank',
  });
  assert.equal(issued.status, 200, JSON.stringify(issued.body));

  await page.reload();
  await page.getByText(/Demo Bank · /).waitFor();
  await page.getByRole('button', { name: '挂失' }).click();
  await page
    .getByRole('group', { name: /确定挂失这张社保卡/ })
    .getByRole('button', { name: '确认' })
    .click();
  await page.getByText('已挂失，卡片已冻结。').waitFor();
  await page.getByText('已挂失冻结', { exact: true }).waitFor();
  await page.getByRole('heading', { name: '办理记录' }).waitFor();
  await e2e().screenshot(page, 'person-cards');
  const cards = await e2e().db.query<{ status: string }>(
    'select c.status from cards c join persons p on p.id = c.person_id where p.id_number = $1',
    [citizen.idNumber],
  );
  assert.deepEqual(
    cards.rows.map((r) => r.status),
    ['frozen'],
  );

  // The inbox: unread messages (identity verified, card issued…) are marked and can be marked read.
  const unreadBefore = await e2e().db.query<{ n: number }>(
    `select count(*)::int8 as n from notifications n join persons p on p.id = n.person_id
      where p.id_number = $1 and n.read_at is null`,
    [citizen.idNumber],
  );
  assert.ok(unreadBefore.rows[0]!.n > 0);
  await goTo(page, /消息（\d+）/);
  // The server's messages read in the screen's language: Chinese, with no English sentence left.
  await page
    .getByRole('heading', { name: /身份已认证/ })
    .first()
    .waitFor();
  const inboxText = await page.locator('main').innerText();
  assert.doesNotMatch(
    inboxText,
    /[A-Za-z]{2,}(?:[ ,;:]+[A-Za-z]{2,}){3,}/,
    'an English sentence in the Chinese inbox',
  );
  await e2e().screenshot(page, 'person-inbox');
  const markButtons = page.getByRole('button', { name: '标为已读' });
  const count = await markButtons.count();
  assert.equal(count, unreadBefore.rows[0]!.n);
  await markButtons.first().click();
  await page.waitForFunction((n) => document.querySelectorAll('li.unread').length === n - 1, count);
  await page.getByRole('link', { name: count - 1 ? `消息（${count - 1}）` : '消息' }).waitFor();
  const unreadAfter = await e2e().db.query<{ n: number }>(
    `select count(*)::int8 as n from notifications n join persons p on p.id = n.person_id
      where p.id_number = $1 and n.read_at is null`,
    [citizen.idNumber],
  );
  assert.equal(unreadAfter.rows[0]!.n, count - 1);
  await ctx.close();
});

test('the app switches to English, and the e-card can be suspended and resumed', async () => {
  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  await signIn(page, DEMO_ACCOUNTS.relative.login, DEMO_ACCOUNTS.relative.password);
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('navigation').getByRole('link', { name: 'E-card' }).click();
  await page.getByRole('heading', { name: 'Medical insurance e-card' }).waitFor();
  await page.getByRole('button', { name: 'Suspend' }).click();
  await page
    .getByRole('group', { name: /Suspend the e-card/ })
    .getByRole('button', { name: 'Confirm' })
    .click();
  await page.getByText('E-card suspended.').waitFor();
  const asRelative = await apiAs(DEMO_ACCOUNTS.relative.login, DEMO_ACCOUNTS.relative.password);
  assert.equal((await asRelative('GET', '/v1/me/ecard')).body.status, 'suspended');
  await page.getByRole('navigation').getByRole('link', { name: 'QR code' }).click();
  await page.getByRole('alert').getByText('The e-card is not active').waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'E-card' }).click();
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByText('E-card resumed.').waitFor();
  assert.equal((await asRelative('GET', '/v1/me/ecard')).body.status, 'active');
  await page.getByRole('navigation').getByRole('link', { name: 'QR code' }).click();
  await page.getByRole('img', { name: /^Medical insurance e-card QR code of / }).waitFor();
  await page
    .getByRole('timer')
    .getByText(/^Refreshes in \d+ s$/)
    .waitFor();
  await qrPainted(page);
  await e2e().screenshot(page, 'person-qr-en');
  // Signing out ends the session on the server, not only on the phone.
  const token = await page.evaluate(() => sessionStorage.getItem('yibao.person.token'));
  assert.ok(token);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  const me = await e2e().app.inject({
    method: 'GET',
    url: '/v1/me',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(me.statusCode, 401);
  await ctx.close();
});

test('the person reads their approvals in their records: kind, disease, validity and where', async () => {
  const { baseUrl } = e2e();
  const demo = syntheticCitizen(0);
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    assert.ok(res.ok, await res.clone().text());
    return (await res.json()) as Record<string, string>;
  };
  const staff = await post('/v1/auth/login', DEMO_ACCOUNTS.staff);
  const person = await fetch(new URL(`/v1/staff/persons?idNumber=${demo.idNumber}`, baseUrl), {
    headers: { authorization: `Bearer ${staff.token}` },
  }).then((r) => r.json() as Promise<{ id: string }>);
  const year = Number(todayInBeijing().slice(0, 4)) + 1;
  await post(
    `/v1/staff/persons/${person.id}/approvals`,
    {
      kind: 'special_outpatient',
      subject: 'chemotherapy',
      validFrom: `${year - 1}-01-01`,
      validTo: `${year}-12-31`,
    },
    staff.token,
  );
  const ctx = await e2e().newContext({ mobile: true });
  const page = await ctx.newPage();
  await signIn(page, DEMO_ACCOUNTS.person.login, DEMO_ACCOUNTS.person.password);
  const t = labels();
  await goTo(page, t('person:nav.records'));
  const approvals = page.getByRole('region', { name: t('person:approvals.title') });
  const item = approvals
    .getByRole('listitem')
    .filter({ hasText: t('person:approvals.diseases.chemotherapy') });
  await item.getByText(t('person:approvals.kinds.special_outpatient'), { exact: false }).waitFor();
  await item
    .getByText(t('person:approvals.valid', { from: `${year - 1}-01-01`, to: `${year}-12-31` }), {
      exact: false,
    })
    .waitFor();
  await item.getByText(t('person:approvals.anyInstitution'), { exact: false }).waitFor();
  await item.getByText(t('person:approvals.statuses.active'), { exact: true }).waitFor();
  await ctx.close();
});
