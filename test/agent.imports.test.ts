/**
 * The host agent installs without the server: everything `agent/cli.ts` reaches, transitively, imports only node
 * built-ins, ws, systeminformation, zod and node-datachannel (streaming), and local files under agent/ or lib/.
 * No discord.js, grammy, express, MikroORM, pg or redis on a host.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.join(import.meta.dirname, '..');
const PACKAGES = new Set(['ws', 'systeminformation', 'zod', 'node-datachannel']);
const LOCAL_DIRS = ['agent', 'lib'].map((dir) => path.join(root, dir) + path.sep);

/** Every module specifier of a source: static imports and re-exports, bare imports, dynamic import(). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g])
    for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

test('everything the agent command reaches stays within its allowed imports', () => {
  const seen = new Set<string>();
  const queue = [path.join(root, 'agent', 'cli.ts')];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    assert.ok(seen.size < 200, 'the agent stays small');
    for (const spec of specifiers(readFileSync(next, 'utf8'))) {
      const where = path.relative(root, next);
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(next), spec);
        assert.ok(
          LOCAL_DIRS.some((dir) => target.startsWith(dir)),
          `${where} imports ${spec}: outside agent/ and lib/`,
        );
        assert.ok(existsSync(target), `${where} imports ${spec}, which does not exist`);
        queue.push(target);
      } else {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        assert.ok(spec.startsWith('node:') || PACKAGES.has(name), `${where} imports ${spec}`);
      }
    }
  }
  assert.ok(seen.has(path.join(root, 'agent', 'connection.ts')));
});

test('the command line loads the agent without the server', () => {
  const bin = readFileSync(path.join(root, 'bin', 'power-realms.js'), 'utf8');
  const agentBranch = bin.slice(bin.indexOf("if (command === 'agent')"), bin.indexOf('} else {'));
  assert.deepEqual(specifiers(agentBranch), ['../agent/cli.ts']);
});
