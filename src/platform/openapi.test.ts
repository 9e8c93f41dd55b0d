import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { call, createTestEnv } from '../../test/support/env.ts';

test('the served OpenAPI document describes every route and passes the Redocly linter', async () => {
  const env = await createTestEnv('pglite');
  try {
    const r = await call(env.app, 'GET', '/openapi.json');
    assert.equal(r.status, 200);
    const doc = r.body;
    let operations = 0;
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        operations++;
        assert.ok(op.operationId, `${method} ${path} has an operationId`);
        assert.ok(op.summary, `${method} ${path} has a summary`);
        assert.ok(
          Object.keys(op.responses).some((s) => s.startsWith('4')),
          `${method} ${path} documents a 4xx`,
        );
      }
    }
    assert.ok(operations >= 15, `expected the whole API, saw ${operations} operations`);
    const file = join(mkdtempSync(join(tmpdir(), 'yibao-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const out = execFileSync(
      process.execPath,
      ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--format=stylish'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    assert.doesNotMatch(out, /\berror\b/, out);
    assert.doesNotMatch(out, /\bwarning\b/, out);
  } finally {
    await env.close();
  }
});
