// Finds every *.test.ts under src/ and test/ and runs them with node's test runner through tsx.
// Node 20's --test does not expand globs itself, so we list the files here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const only = process.argv.slice(2);
// The browser tests drive the built web apps: build them first so they never test a stale bundle.
const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const files = only.length ? only : ['src', 'test', 'web/src'].flatMap((d) => findTests(d)).sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, YIBAO_LOG_LEVEL: process.env.YIBAO_LOG_LEVEL ?? 'silent' } },
);
process.exit(result.status ?? 1);
