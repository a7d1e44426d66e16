/**
 * The host agent installs without the server: everything `agent/cli.ts` reaches, transitively, imports only node
 * built-ins, ws, systeminformation, zod and node-datachannel (streaming), and local files under agent/. No
 * discord.js, grammy, express, MikroORM, pg or redis on a host: `agent/package.json` is a package of its own
 * (`npm install -g ./agent`) with those packages and tsx, and its tarball holds every file the agent loads.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.join(import.meta.dirname, '..');
const PACKAGES = new Set(['ws', 'systeminformation', 'zod', 'node-datachannel']);
const AGENT_DIR = path.join(root, 'agent') + path.sep;

/** Every module specifier of a source: static imports and re-exports, bare imports, dynamic import(). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g])
    for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

/** Every file `agent/cli.ts` loads, transitively, checked against the allowed imports on the way. */
function agentFiles(): Set<string> {
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
        assert.ok(target.startsWith(AGENT_DIR), `${where} imports ${spec}: outside agent/`);
        assert.ok(existsSync(target), `${where} imports ${spec}, which does not exist`);
        queue.push(target);
      } else {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        assert.ok(spec.startsWith('node:') || PACKAGES.has(name), `${where} imports ${spec}`);
      }
    }
  }
  return seen;
}

test('everything the agent command reaches stays within its allowed imports', () => {
  const files = agentFiles();
  assert.ok(files.has(path.join(root, 'agent', 'connection.ts')));
  assert.ok(files.has(path.join(root, 'agent', 'stream.ts')));
});

test("the agent's own package: its packages at the server's versions, every file it loads, a working bin", () => {
  const readJson = (file: string) =>
    JSON.parse(readFileSync(file, 'utf8')) as { dependencies: Record<string, string>; bin: Record<string, string> };
  const agent = readJson(path.join(root, 'agent', 'package.json'));
  const server = readJson(path.join(root, 'package.json'));
  assert.deepEqual(Object.keys(agent.dependencies).sort(), [...PACKAGES, 'tsx'].sort());
  for (const [name, version] of Object.entries(agent.dependencies))
    assert.equal(version, server.dependencies[name], `${name} as the server has it`);
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', './agent'], { cwd: root }).toString(),
  ) as { files: { path: string }[] }[];
  const inTarball = new Set(packed?.files.map((f) => f.path));
  for (const file of agentFiles()) assert.ok(inTarball.has(path.relative(AGENT_DIR, file)), `${file} in the tarball`);
  assert.ok(inTarball.has(agent.bin['power-realms-agent'] ?? ''), 'the bin in the tarball');
  assert.ok(![...inTarball].some((f) => f.includes('test')), 'no tests in the tarball');
  const help = execFileSync(process.execPath, [path.join(root, 'agent', 'bin.js')], { cwd: root }).toString();
  assert.match(help, /join CODE .*\n.*\n\s+run /);
});

test('the command line loads the agent without the server', () => {
  const bin = readFileSync(path.join(root, 'bin', 'power-realms.js'), 'utf8');
  const agentBranch = bin.slice(bin.indexOf("if (command === 'agent')"), bin.indexOf('} else {'));
  assert.deepEqual(specifiers(agentBranch), ['../agent/cli.ts']);
});
