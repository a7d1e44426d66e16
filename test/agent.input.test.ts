/**
 * Input from the viewer: events are checked field by field, browser key codes become X keysyms from a fixed table
 * (a viewer cannot smuggle xdotool commands), mouse buttons become presses and releases, and with Xvfb and xdotool
 * installed (.ci/run installs both) the events move the pointer of a real X display.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import fc from 'fast-check';
import { createInjector, keysymOf, xdotoolLines } from '../agent/inject.ts';
import { inputEvent } from '../agent/stream.ts';
import { LOOK_PIXELS_PER_TICK, padState, padTransition, RESTING_PAD, type PadState } from '../agent/pad.ts';
import { installed, startXvfb } from './helpers/host-tools.ts';

const hasX = installed('Xvfb');
const hasXdotool = installed('xdotool');
const hasXev = installed('xev');

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

test('a gamepad plays as keys and mouse: sticks walk and look, triggers aim and fire, past half way', () => {
  const buttons = (...pressed: [index: number, value: number][]) => {
    const all = new Array<number>(17).fill(0);
    for (const [index, value] of pressed) all[index] = value;
    return all;
  };
  assert.deepEqual(padState(buttons([0, 1], [12, 1]), [0, -1, 0, 0]), {
    keys: ['Up', 'space', 'w'],
    mouseButtons: [],
    look: [0, 0],
  });
  assert.deepEqual(padState(buttons([6, 0.8], [7, 0.5], [1, 0.49]), [0.49, 0.6, -1, 0.1]), {
    keys: ['s'],
    mouseButtons: [1, 3],
    look: [-LOOK_PIXELS_PER_TICK, 0],
  });
  assert.deepEqual(padState([], []), RESTING_PAD, 'a pad with nothing reported rests');
  assert.deepEqual(padState(buttons([16, 1]), [0, 0, 0.5, -0.5]).keys, [], 'Home belongs to the host');
  const half = padState([], [0, 0, 0.575, 0]).look[0];
  assert.ok(half > 0 && half < LOOK_PIXELS_PER_TICK / 2, `half way looks slowly for fine aim (${half})`);
  assert.deepEqual(padTransition(padState(buttons([0, 1]), []), padState(buttons([1, 1]), [])), [
    'keyup space',
    'keydown Escape',
  ]);
});

test('any run of gamepad readings presses only what it releases, and resting releases everything', () => {
  const reading = fc.record({
    buttons: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 17 }),
    axes: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { maxLength: 4 }),
  });
  const line = /^(keydown|keyup) [A-Za-z_]+$|^mouse(down|up) [13]$/;
  fc.assert(
    fc.property(fc.array(reading, { maxLength: 12 }), (readings) => {
      const down = new Set<string>();
      let state: PadState = RESTING_PAD;
      for (const next of [...readings.map((r) => padState(r.buttons, r.axes)), RESTING_PAD]) {
        for (const out of padTransition(state, next)) {
          assert.match(out, line);
          const [verb, what] = out.split(' ') as [string, string];
          const name = `${verb.startsWith('key') ? 'key' : 'mouse'} ${what}`;
          if (verb.endsWith('down')) {
            assert.ok(!down.has(name), `${name} pressed twice`);
            down.add(name);
          } else assert.ok(down.delete(name), `${name} released while up`);
        }
        state = next;
      }
      assert.deepEqual([...down], [], 'nothing stays held');
    }),
  );
  assert.equal(inputEvent({ kind: 'pad', index: 99, buttons: [], axes: [] }), null, 'browsers number pads from 0');
  assert.equal(inputEvent({ kind: 'pad', index: 0.5, buttons: [], axes: [] }), null);
});

test(
  'on an X display, the viewer moves the pointer through xdotool',
  { skip: !(hasX && hasXdotool) && 'Xvfb or xdotool is not installed' },
  async () => {
    const x = await startXvfb(90);
    const logged: string[] = [];
    let injector: ReturnType<typeof createInjector> | null = null;
    try {
      injector = createInjector(x.display, (line) => logged.push(line));
      assert.equal(injector.kind, 'xdotool');
      injector.inject('s1', { kind: 'mouse', x: 321, y: 123, buttons: 0 });
      for (let i = 0; i < 50 && x.pointer()?.x !== 321; i += 1) await sleep(50);
      assert.deepEqual(x.pointer(), { x: 321, y: 123 });
      injector.inject('s1', { kind: 'key', code: 'ShiftLeft', down: true });
      injector.inject('s1', { kind: 'key', code: 'ShiftLeft', down: false });
      await sleep(100);
      assert.deepEqual(logged, []);
    } finally {
      injector?.close();
      x.close();
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

test(
  'on an X display, a gamepad presses and releases keys and its right stick moves the pointer until it rests',
  { skip: !(hasX && hasXdotool && hasXev) && 'Xvfb, xdotool or xev (x11-utils) is not installed' },
  async () => {
    const { display, pointer, close } = await startXvfb(80);
    let xev: ReturnType<typeof spawn> | null = null;
    let injector: ReturnType<typeof createInjector> | null = null;
    const logged: string[] = [];
    try {
      // xev on the root window sees the keys X delivers there (no window manager, focus follows the pointer).
      let seen = '';
      xev = spawn('xev', ['-root', '-event', 'keyboard'], { env: { ...process.env, DISPLAY: display } });
      xev.stdout?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
      await sleep(300);
      injector = createInjector(display, (line) => logged.push(line));
      const dpadUp = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
      injector.inject('s1', { kind: 'pad', index: 0, buttons: dpadUp, axes: [] });
      for (let i = 0; i < 40 && !/KeyPress[^]*?keysym 0xff52, Up/.test(seen); i += 1) await sleep(50);
      assert.match(seen, /KeyPress[^]*?keysym 0xff52, Up/);
      injector.inject('s1', { kind: 'pad', index: 0, buttons: [], axes: [] });
      for (let i = 0; i < 40 && !/KeyRelease[^]*?keysym 0xff52, Up/.test(seen); i += 1) await sleep(50);
      assert.match(seen, /KeyRelease[^]*?keysym 0xff52, Up/);

      const start = pointer();
      assert.ok(start);
      injector.inject('s1', { kind: 'pad', index: 0, buttons: [], axes: [0, 0, 1, 0] });
      for (let i = 0; i < 40 && (pointer()?.x ?? 0) < start.x + 100; i += 1) await sleep(50);
      const moved = pointer();
      assert.ok(moved && moved.x >= start.x + 100 && moved.y === start.y, `held right: ${JSON.stringify(moved)}`);
      injector.inject('s1', { kind: 'pad', index: 0, buttons: [], axes: [0, 0, 0, 0] });
      await sleep(100);
      const rested = pointer();
      await sleep(300);
      assert.deepEqual(pointer(), rested, 'a resting stick leaves the pointer where it is');
      assert.deepEqual(logged, []);
    } finally {
      injector?.close();
      xev?.kill();
      close();
    }
  },
);
