import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineStatements } from './db.ts';

test('combineStatements renumbers each statement’s placeholders after the ones before it', () => {
  const one = combineStatements([
    { sql: 'insert into a (x, y) values ($1, $2)', params: [1, 2] },
    { sql: 'update b set z = $2 where id = $1', params: ['id', 3] },
    { sql: 'insert into c select * from unnest($1::int[])', params: [[4, 5]] },
  ]);
  assert.equal(
    one.sql,
    'with w0 as (insert into a (x, y) values ($1, $2)),\n' +
      'w1 as (update b set z = $4 where id = $3),\n' +
      'w2 as (insert into c select * from unnest($5::int[]))\nselect 1',
  );
  assert.deepEqual(one.params, [1, 2, 'id', 3, [4, 5]]);
  const single = { sql: 'select $1', params: [1] };
  assert.equal(combineStatements([single]), single, 'one statement is left as it is');
});
