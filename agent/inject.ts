import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { padState, padTransition, RESTING_PAD, type PadState } from './pad.ts';

export type InputEvent =
  | { kind: 'key'; code: string; down: boolean }
  | { kind: 'mouse'; x: number; y: number; buttons: number }
  | { kind: 'pad'; index: number; buttons: number[]; axes: number[] };

/** Where a viewer's input goes: into the X display through xdotool, or into the agent's log. */
export interface Injector {
  readonly kind: 'xdotool' | 'log';
  inject(sessionId: string, event: InputEvent): void;
  close(): void;
}

const NAMED: Record<string, string> = {
  Space: 'space',
  Enter: 'Return',
  Escape: 'Escape',
  Backspace: 'BackSpace',
  Tab: 'Tab',
  CapsLock: 'Caps_Lock',
  ShiftLeft: 'Shift_L',
  ShiftRight: 'Shift_R',
  ControlLeft: 'Control_L',
  ControlRight: 'Control_R',
  AltLeft: 'Alt_L',
  AltRight: 'Alt_R',
  MetaLeft: 'Super_L',
  MetaRight: 'Super_R',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Insert: 'Insert',
  Delete: 'Delete',
  Home: 'Home',
  End: 'End',
  PageUp: 'Prior',
  PageDown: 'Next',
  Minus: 'minus',
  Equal: 'equal',
  BracketLeft: 'bracketleft',
  BracketRight: 'bracketright',
  Backslash: 'backslash',
  Semicolon: 'semicolon',
  Quote: 'apostrophe',
  Backquote: 'grave',
  Comma: 'comma',
  Period: 'period',
  Slash: 'slash',
  NumpadEnter: 'KP_Enter',
  NumpadAdd: 'KP_Add',
  NumpadSubtract: 'KP_Subtract',
  NumpadMultiply: 'KP_Multiply',
  NumpadDivide: 'KP_Divide',
  NumpadDecimal: 'KP_Decimal',
};

/**
 * The X keysym for a browser KeyboardEvent.code (the physical key, whatever the viewer's layout), or null for a key
 * the host does not take. Only names from this table ever reach xdotool: a viewer cannot write its commands.
 */
export function keysymOf(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return (letter[1] ?? '').toLowerCase();
  const digit = /^(Digit|Numpad)(\d)$/.exec(code);
  if (digit) return digit[1] === 'Digit' ? (digit[2] ?? null) : `KP_${digit[2]}`;
  const fn = /^F([1-9]|1[0-2])$/.exec(code);
  if (fn) return code;
  return Object.hasOwn(NAMED, code) ? (NAMED[code] ?? null) : null;
}

/** Browser `buttons` bits (1 left, 2 right, 4 middle) and their X button numbers. */
const BUTTONS: [bit: number, x: number][] = [
  [1, 1],
  [2, 3],
  [4, 2],
];

/** xdotool script lines for one event, given the mouse buttons held before it; the held buttons after it. */
export function xdotoolLines(event: InputEvent, held: number): { lines: string[]; held: number } {
  if (event.kind === 'key') {
    const keysym = keysymOf(event.code);
    return { lines: keysym ? [`${event.down ? 'keydown' : 'keyup'} ${keysym}`] : [], held };
  }
  if (event.kind === 'mouse') {
    const x = Math.max(0, Math.min(16_384, Math.round(Number(event.x) || 0)));
    const y = Math.max(0, Math.min(16_384, Math.round(Number(event.y) || 0)));
    const buttons = (Number(event.buttons) || 0) & 7;
    const lines = [`mousemove ${x} ${y}`];
    for (const [bit, button] of BUTTONS) {
      if (buttons & bit && !(held & bit)) lines.push(`mousedown ${button}`);
      if (!(buttons & bit) && held & bit) lines.push(`mouseup ${button}`);
    }
    return { lines, held: buttons };
  }
  // Gamepads keep a state per pad: XdotoolInjector turns them into keys and pointer motion (agent/pad.ts).
  return { lines: [], held };
}

/**
 * Injects through one long-lived `xdotool -` reading commands from its standard input. If xdotool ends (the display
 * went away and came back), the next event starts a new one, at most once a second.
 */
export class XdotoolInjector implements Injector {
  readonly kind = 'xdotool';
  private process: ChildProcess | null = null;
  private startedAt = 0;
  private closed = false;
  private readonly held = new Map<string, number>();
  /** Each viewer's gamepads, by `session:index`, as last played on the host. */
  private readonly pads = new Map<string, PadState>();
  /** Moves the pointer while a right stick is pulled (the browser reports a held stick only once). */
  private lookTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly display: string,
    private readonly log: (line: string) => void,
  ) {
    this.spawn();
  }

  private spawn(): void {
    this.startedAt = Date.now();
    const child = spawn('xdotool', ['-'], {
      env: { ...process.env, DISPLAY: this.display },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => this.log(`xdotool: ${chunk.toString().trim()}`));
    child.on('error', (error) => this.log(`xdotool failed: ${error.message}`));
    child.on('exit', () => {
      if (this.process === child) this.process = null;
    });
    child.stdin?.on('error', () => undefined);
    this.process = child;
  }

  inject(sessionId: string, event: InputEvent): void {
    if (event.kind === 'pad') return this.injectPad(`${sessionId}:${event.index}`, padState(event.buttons, event.axes));
    const { lines, held } = xdotoolLines(event, this.held.get(sessionId) ?? 0);
    this.held.set(sessionId, held);
    this.write(lines);
  }

  private injectPad(pad: string, next: PadState): void {
    this.write(padTransition(this.pads.get(pad) ?? RESTING_PAD, next));
    if (next.keys.length === 0 && next.mouseButtons.length === 0 && next.look[0] === 0 && next.look[1] === 0)
      this.pads.delete(pad);
    else this.pads.set(pad, next);
    const looking = [...this.pads.values()].some(({ look }) => look[0] !== 0 || look[1] !== 0);
    if (looking && !this.lookTimer) this.lookTimer = setInterval(() => this.look(), 1000 / 60);
    if (!looking && this.lookTimer) {
      clearInterval(this.lookTimer);
      this.lookTimer = null;
    }
  }

  private look(): void {
    let dx = 0;
    let dy = 0;
    for (const { look } of this.pads.values()) {
      dx += look[0];
      dy += look[1];
    }
    if (dx !== 0 || dy !== 0) this.write([`mousemove_relative -- ${dx} ${dy}`]);
  }

  private write(lines: string[]): void {
    if (lines.length === 0 || this.closed) return;
    if (!this.process && Date.now() - this.startedAt >= 1000) this.spawn();
    if (this.process?.stdin?.writable) this.process.stdin.write(`${lines.join('\n')}\n`);
  }

  close(): void {
    this.closed = true;
    if (this.lookTimer) clearInterval(this.lookTimer);
    this.lookTimer = null;
    this.process?.stdin?.end();
    this.process?.kill();
    this.process = null;
  }
}

export class LogInjector implements Injector {
  readonly kind = 'log';
  constructor(private readonly log: (line: string) => void) {}
  inject(sessionId: string, event: InputEvent): void {
    this.log(`input ${sessionId} ${JSON.stringify(event)}`);
  }
  close(): void {}
}

/** xdotool into the display when the agent streams one and xdotool is installed; the log otherwise. */
export function createInjector(display: string | null, log: (line: string) => void): Injector {
  if (display && spawnSync('sh', ['-c', 'command -v xdotool'], { stdio: 'ignore' }).status === 0)
    return new XdotoolInjector(display, log);
  return new LogInjector(log);
}
