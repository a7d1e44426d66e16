import type { Button } from './command.ts';

/**
 * Buttons that run a command: the data is `x:<command>[.<subcommand>]:<arguments as a query string>`, so a press is
 * a command like any other — the same use case, role checks, localized refusals and idempotency (the press's own
 * update or interaction id). Ids and small values only: Telegram allows 64 bytes, Discord 100.
 */
export function actionButton(
  label: string,
  command: string,
  subcommand: string | null,
  args: Record<string, string>,
): Button {
  const data = `x:${command}${subcommand ? `.${subcommand}` : ''}:${new URLSearchParams(args).toString()}`;
  if (Buffer.byteLength(data) > 64) throw new Error(`button data too long for Telegram: ${data}`);
  return { label: label.slice(0, 64), data };
}

export function parseAction(
  data: string,
): { command: string; subcommand: string | null; args: Record<string, string> } | null {
  const match = /^x:([a-z-]{1,32})(?:\.([a-z-]{1,32}))?:(.{0,60})$/.exec(data);
  if (!match?.[1]) return null;
  return {
    command: match[1],
    subcommand: match[2] ?? null,
    args: Object.fromEntries(new URLSearchParams(match[3] ?? '')),
  };
}

/** A short, typeable code for an offer or a deal: the random tail of its UUIDv7 (the head is a timestamp). */
export const shortCode = (id: string): string => id.replace(/-/g, '').slice(-8);
