/**
 * Input from the viewer: events are checked field by field, browser key codes become X keysyms from a fixed table
 * (a viewer cannot smuggle xdotool commands), mouse buttons become presses and releases, and with Xvfb and xdotool
 * installed (.ci/run installs both) the events move the pointer of a real X display.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import fc from 'fast-check';
import { createInjector, keysymOf, xdotoolLines } from '../agent/inject.ts';
import { inputEvent } from '../agent/stream.ts';

const installed = (command: string) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const hasX = installed('Xvfb');
const hasXdotool = installed('xdotool');

test('browser key codes map to X keysyms; anything else maps to nothing', () => {
  assert.equal(keysymOf('KeyW'), 'w');
  assert.equal(keysymOf('Digit7'), '7');
  assert.equal(keysymOf('Numpad7'), 'KP_7');
  assert.equal(keysymOf('F11'), 'F11');
  assert.equal(keysymOf('ShiftLeft'), 'Shift_L');
  assert.equal(keysymOf('ArrowUp'), 'Up');
  assert.equal(keysymOf('Space'), 'space');
  assert.equal(keysymOf('F13'), null);
  assert.equal(keysymOf('toString'), null);
  assert.equal(keysymOf('KeyW\nexec rm -rf /'), null);
});

test('no event, however formed, writes anything but plain xdotool key and mouse commands', () => {
  const line = /^(keydown|keyup) [A-Za-z0-9_]+$|^mousemove \d+ \d+$|^mouse(down|up) [123]$/;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.record({ kind: fc.constant('key'), code: fc.string(), down: fc.boolean() }),
        fc.record({ kind: fc.constant('mouse'), x: fc.double(), y: fc.double(), buttons: fc.integer() }),
        fc.anything(),
      ),
      fc.integer({ min: 0, max: 7 }),
      (raw, held) => {
        const event = inputEvent(raw);
        if (!event) return;
        for (const out of xdotoolLines(event, held).lines) assert.match(out, line);
      },
    ),
  );
});

test('mouse buttons: a press when a bit appears, a release when it goes; right is X button 3', () => {
  let held = 0;
  const step = (buttons: number) => {
    const out = xdotoolLines({ kind: 'mouse', x: 10.4, y: 20.6, buttons }, held);
    held = out.held;
    return out.lines;
  };
  assert.deepEqual(step(1), ['mousemove 10 21', 'mousedown 1']);
  assert.deepEqual(step(3), ['mousemove 10 21', 'mousedown 3']);
  assert.deepEqual(step(0), ['mousemove 10 21', 'mouseup 1', 'mouseup 3']);
  assert.deepEqual(xdotoolLines({ kind: 'key', code: 'KeyW', down: true }, 0).lines, ['keydown w']);
  assert.equal(inputEvent({ kind: 'key', code: 'KeyW' }), null, 'a key without down/up is dropped');
  assert.equal(inputEvent({ kind: 'mouse', x: 'left', y: 1, buttons: 0 }), null);
  assert.deepEqual(inputEvent({ kind: 'pad', index: 0, buttons: [1, 0], axes: [0.5] }), {
    kind: 'pad',
    index: 0,
    buttons: [1, 0],
    axes: [0.5],
  });
});

test(
  'on an X display, the viewer moves the pointer through xdotool',
  { skip: !(hasX && hasXdotool) && 'Xvfb or xdotool is not installed' },
  async () => {
    const display = `:${90 + (process.pid % 9)}`;
    const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const logged: string[] = [];
    let injector: ReturnType<typeof createInjector> | null = null;
    try {
      const where = () => {
        try {
          return execFileSync('xdotool', ['getmouselocation'], { env: { ...process.env, DISPLAY: display } })
            .toString()
            .trim();
        } catch {
          return '';
        }
      };
      for (let i = 0; i < 50 && !where(); i += 1) await sleep(100);
      injector = createInjector(display, (line) => logged.push(line));
      assert.equal(injector.kind, 'xdotool');
      injector.inject('s1', { kind: 'mouse', x: 321, y: 123, buttons: 0 });
      for (let i = 0; i < 50 && !where().startsWith('x:321 y:123'); i += 1) await sleep(50);
      assert.match(where(), /^x:321 y:123 /);
      injector.inject('s1', { kind: 'key', code: 'ShiftLeft', down: true });
      injector.inject('s1', { kind: 'key', code: 'ShiftLeft', down: false });
      await sleep(100);
      assert.deepEqual(logged, []);
    } finally {
      injector?.close();
      xvfb.kill();
    }
  },
);

test('without a display, input is logged', () => {
  const logged: string[] = [];
  const injector = createInjector(null, (line) => logged.push(line));
  assert.equal(injector.kind, 'log');
  injector.inject('s1', { kind: 'key', code: 'KeyA', down: true });
  assert.deepEqual(logged, ['input s1 {"kind":"key","code":"KeyA","down":true}']);
  injector.close();
});
