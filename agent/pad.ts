/**
 * A viewer's gamepad, played on the host as keyboard and mouse: the host has no virtual joystick without uinput
 * (and a kernel built with it), while every PC game takes keys and a mouse. The layout is the browser's "standard"
 * gamepad (W3C Gamepad API) mapped to the common PC defaults: the left stick walks (WASD), the right stick looks
 * (the mouse), the triggers aim and fire (right and left button), the D-pad is the arrow keys.
 */

/** Keysyms for the standard layout's buttons, by index; triggers (6, 7) are mouse buttons, 16 (Home) is the host's. */
export const PAD_BUTTON_KEYS: readonly (string | null)[] = [
  'space', // 0 A: jump, confirm
  'Escape', // 1 B: back
  'r', // 2 X: reload, use
  'e', // 3 Y: interact
  'q', // 4 LB
  'f', // 5 RB
  null, // 6 LT: right mouse button
  null, // 7 RT: left mouse button
  'Tab', // 8 Back: map, scoreboard
  'Return', // 9 Start
  'Shift_L', // 10 L3: sprint
  'Control_L', // 11 R3: crouch
  'Up', // 12 D-pad
  'Down', // 13
  'Left', // 14
  'Right', // 15
];

/** Triggers as X mouse buttons: left trigger → right button (3), right trigger → left button (1). */
const PAD_TRIGGERS: readonly [index: number, xButton: number][] = [
  [6, 3],
  [7, 1],
];

/** A button or trigger counts as pressed from half way; the left stick from half way too. */
const PRESSED = 0.5;
/** The right stick ignores the first 15 % of its travel (worn sticks drift there). */
const LOOK_DEADZONE = 0.15;
/** Pixels the pointer moves per look tick at full deflection (ticks come 60 times a second). */
export const LOOK_PIXELS_PER_TICK = 20;

export interface PadState {
  /** Keysyms held, sorted. */
  keys: readonly string[];
  /** X mouse buttons held, sorted. */
  mouseButtons: readonly number[];
  /** Pointer motion per look tick, in pixels. */
  look: readonly [dx: number, dy: number];
}

export const RESTING_PAD: PadState = { keys: [], mouseButtons: [], look: [0, 0] };

/** The right stick's pull on the pointer: nothing inside the deadzone, then a square curve for fine aim. */
function lookSpeed(axis: number): number {
  const magnitude = Math.min(1, Math.abs(axis));
  if (magnitude < LOOK_DEADZONE) return 0;
  const travel = (magnitude - LOOK_DEADZONE) / (1 - LOOK_DEADZONE);
  return Math.sign(axis) * Math.round(travel * travel * LOOK_PIXELS_PER_TICK);
}

/** What the host should hold for one gamepad reading (buttons 0..1, axes -1..1, as the browser reports them). */
export function padState(buttons: readonly number[], axes: readonly number[]): PadState {
  const pressed = (index: number) => (buttons[index] ?? 0) >= PRESSED;
  const keys = new Set<string>();
  PAD_BUTTON_KEYS.forEach((key, index) => key && pressed(index) && keys.add(key));
  const [lx = 0, ly = 0, rx = 0, ry = 0] = axes;
  if (lx <= -PRESSED) keys.add('a');
  if (lx >= PRESSED) keys.add('d');
  if (ly <= -PRESSED) keys.add('w');
  if (ly >= PRESSED) keys.add('s');
  const mouseButtons = PAD_TRIGGERS.filter(([index]) => pressed(index)).map(([, x]) => x);
  return { keys: [...keys].sort(), mouseButtons: mouseButtons.sort(), look: [lookSpeed(rx), lookSpeed(ry)] };
}

/** xdotool lines taking the host from one pad state to the next: releases first, then presses. */
export function padTransition(from: PadState, to: PadState): string[] {
  const lines: string[] = [];
  for (const key of from.keys) if (!to.keys.includes(key)) lines.push(`keyup ${key}`);
  for (const button of from.mouseButtons) if (!to.mouseButtons.includes(button)) lines.push(`mouseup ${button}`);
  for (const key of to.keys) if (!from.keys.includes(key)) lines.push(`keydown ${key}`);
  for (const button of to.mouseButtons) if (!from.mouseButtons.includes(button)) lines.push(`mousedown ${button}`);
  return lines;
}
