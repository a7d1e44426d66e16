import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether a command is on the PATH: tests that need one skip, and say why, without it (.ci/run installs them). */
export const installed = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** Whether ffmpeg runs here (the agent encodes with it). */
export const hasFfmpeg = spawnSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' }).status === 0;

/**
 * A virtual X display (Xvfb, 1280×720) for one test, numbered from `base` by this process so parallel test files
 * do not collide; resolved once its pointer can be read. The pointer is read back through xdotool.
 */
export async function startXvfb(base: number) {
  const display = `:${base + (process.pid % 9)}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const pointer = (): { x: number; y: number } | null => {
    try {
      const out = execFileSync('xdotool', ['getmouselocation'], {
        env: { ...process.env, DISPLAY: display },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const [, x, y] = /^x:(\d+) y:(\d+)/.exec(out.toString()) ?? [];
      return x === undefined ? null : { x: Number(x), y: Number(y) };
    } catch {
      return null;
    }
  };
  for (let i = 0; i < 50 && !pointer(); i += 1) await sleep(100);
  return { display, pointer, close: () => xvfb.kill() };
}
