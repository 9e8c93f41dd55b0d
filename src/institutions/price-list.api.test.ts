import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, forEachStore } from '../../test/support/env.ts';
import { countRows, createTill, registerPerson } from '../../test/support/factories.ts';

const amoxicillin = {
  code: 'XJ01CA04',
  name: '阿莫西林胶囊',
  unit: '盒',
  unitPrice: 2_580,
};

forEachStore('the institution price list', (env) => {
  const post = (token: string, body: unknown) =>
    call(env().app, 'POST', '/v1/institution/price-list', { token, body });
  const list = async (token: string, path = '/v1/institution/price-list') => {
    const r = await call(env().app, 'GET', path, { token });
    assert.equal(r.status, 200, r.raw);
    return r.body.items as Array<Record<string, unknown>>;
  };

  test('staff add items in exact fen; bad items are refused naming the field, and nothing is written', async () => {
    const till = await createTill(env());
    const ok = await post(till.staffToken, amoxicillin);
    assert.equal(ok.status, 201, ok.raw);
    assert.deepEqual(
      { ...ok.body, id: undefined, updatedAt: undefined },
      { ...amoxicillin, mapping: null, id: undefined, updatedAt: undefined },
    );
    // The largest price allowed stays an exact integer number of fen.
    const dear = await post(till.staffToken, {
      code: 'M-1',
      name: '进口支架',
      unitPrice: 10_000_000_000,
    });
    assert.equal(dear.status, 201, dear.raw);
    assert.deepEqual([dear.body.unitPrice, dear.body.unit], [10_000_000_000, '']);
    // A code of the catalogue the institution's items are mapped to shows its mapping and entry.
    const mapped = await post(till.staffToken, { code: 'LIMITED', name: '限价药', unitPrice: 1_500 });
    assert.equal(mapped.status, 201, mapped.raw);
    assert.deepEqual(mapped.body.mapping, {
      catalogueCode: 'LIMITED',
      status: 'approved',
      catalogueName: '药品LIMITED',
      class: 'A',
      priceLimit: 1_000,
    });

    const before = await countRows(env(), 'price_list_items');
    const cases: Array<[unknown, number, string, string]> = [
      [{ ...amoxicillin, code: 'N1', unitPrice: -1 }, 400, 'validation_failed', 'unitPrice'],
      [{ ...amoxicillin, code: 'N2', unitPrice: 12.5 }, 400, 'validation_failed', 'unitPrice'],
      [{ ...amoxicillin, code: 'N3', name: '' }, 400, 'validation_failed', 'name'],
      [{ ...amoxicillin, code: ' padded ' }, 400, 'validation_failed', 'code'],
      // What the fund covers is the catalogue's to say, through the code's mapping.
      [{ ...amoxicillin, code: 'N5', catalogue: 'in' }, 400, 'validation_failed', 'catalogue'],
      [{ ...amoxicillin, name: 'again' }, 409, 'price_item_exists', 'code'],
    ];
    for (const [body, status, code, field] of cases) {
      const r = await post(till.staffToken, body);
      assert.equal(r.status, status, r.raw);
      assert.equal(r.body.error.code, code, r.raw);
      assert.match(String(r.body.error.details?.field), new RegExp(field), r.raw);
    }
    assert.equal(await countRows(env(), 'price_list_items'), before);
    assert.deepEqual(
      (await list(till.staffToken)).map((i) => i.code),
      ['LIMITED', 'M-1', 'XJ01CA04'],
    );
  });

  test('staff change and remove items', async () => {
    const till = await createTill(env());
    const a = (await post(till.staffToken, amoxicillin)).body;
    const b = (await post(till.staffToken, { ...amoxicillin, code: 'XM01AE01', name: '布洛芬' })).body;
    const patch = (id: string, body: unknown) =>
      call(env().app, 'PATCH', `/v1/institution/price-list/${id}`, { token: till.staffToken, body });

    const price = await patch(a.id, { unitPrice: 2_990 });
    assert.equal(price.status, 200, price.raw);
    assert.deepEqual(
      [price.body.unitPrice, price.body.name, price.body.mapping],
      [2_990, '阿莫西林胶囊', null],
    );
    assert.equal((await patch(a.id, { category: 'B' })).status, 400, 'coverage is not the price list’s');
    // Renamed to a code with an approved mapping, the item is in the catalogue.
    const renamed = await patch(a.id, { code: 'A1' });
    assert.deepEqual([renamed.body.mapping.catalogueCode, renamed.body.mapping.class], ['A1', 'A']);
    await patch(a.id, { code: 'XJ01CA04' });
    const dup = await patch(b.id, { code: 'XJ01CA04' });
    assert.equal(dup.status, 409, dup.raw);
    assert.equal(dup.body.error.code, 'price_item_exists');
    assert.equal((await patch(b.id, {})).status, 400);

    const del = await call(env().app, 'DELETE', `/v1/institution/price-list/${b.id}`, {
      token: till.staffToken,
    });
    assert.equal(del.status, 204, del.raw);
    const again = await call(env().app, 'DELETE', `/v1/institution/price-list/${b.id}`, {
      token: till.staffToken,
    });
    assert.equal(again.status, 404);
    assert.equal(again.body.error.code, 'price_item_not_found');
    assert.deepEqual(
      (await list(till.staffToken)).map((i) => [i.code, i.unitPrice]),
      [['XJ01CA04', 2_990]],
    );
  });

  test('each institution sees and changes only its own list; its terminals read that list', async () => {
    const a = await createTill(env());
    const b = await createTill(env(), { kind: 'hospital' });
    const item = (await post(a.staffToken, amoxicillin)).body;
    await post(b.staffToken, { ...amoxicillin, name: '医院的阿莫西林', unitPrice: 2_700 });

    for (const [method, body] of [
      ['PATCH', { unitPrice: 1 }],
      ['DELETE', undefined],
    ] as const) {
      const r = await call(env().app, method, `/v1/institution/price-list/${item.id}`, {
        token: b.staffToken,
        body,
      });
      assert.equal(r.status, 404, r.raw);
      assert.equal(r.body.error.code, 'price_item_not_found');
    }
    assert.deepEqual(
      (await list(a.terminal, '/v1/terminal/price-list')).map((i) => [i.name, i.unitPrice]),
      [['阿莫西林胶囊', 2_580]],
    );
    assert.deepEqual(
      (await list(b.terminal, '/v1/terminal/price-list')).map((i) => [i.name, i.unitPrice]),
      [['医院的阿莫西林', 2_700]],
    );
  });

  test('wrong roles are refused', async () => {
    const till = await createTill(env());
    const person = await registerPerson(env());
    const get = (path: string, token?: string) => call(env().app, 'GET', path, { token });
    assert.equal((await get('/v1/institution/price-list')).status, 401);
    assert.equal((await get('/v1/institution/price-list', till.terminal)).status, 403);
    assert.equal((await get('/v1/institution/price-list', person.token)).status, 403);
    assert.equal((await get('/v1/terminal/price-list', till.staffToken)).status, 403);
    assert.equal((await post(till.terminal, amoxicillin)).status, 403);
  });
});
