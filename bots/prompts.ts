import { isAppError } from '../core/errors.ts';
import { pressPrompt, type Prompt, type PromptChoice, type Tally } from '../core/prompts/prompts.ts';
import type { AppContext } from '../core/context.ts';
import { resolveActor, type BotUser } from './command.ts';
import { errorMessage, t, type Locale } from './i18n.ts';

/** Button data is `p:<prompt id>:<choice letter>`: an id and a choice, never state (Telegram allows 64 bytes). */
const LETTER: Record<PromptChoice, string> = { approve: 'a', reject: 'r', confirm: 'c', cancel: 'x' };
const CHOICE: Record<string, PromptChoice> = { a: 'approve', r: 'reject', c: 'confirm', x: 'cancel' };

export const buttonData = (promptId: string, choice: PromptChoice): string => `p:${promptId}:${LETTER[choice]}`;

export function parseButtonData(data: string): { promptId: string; choice: PromptChoice } | null {
  const match = /^p:([0-9a-f-]{36}):([arcx])$/.exec(data);
  const choice = match?.[2] ? CHOICE[match[2]] : undefined;
  return match?.[1] && choice ? { promptId: match[1], choice } : null;
}

/** The buttons a prompt shows, labelled in `locale`. */
export function promptButtons(
  locale: Locale,
  prompt: Pick<Prompt, 'id' | 'audience'>,
): { label: string; data: string }[] {
  const choices: PromptChoice[] = prompt.audience === 'creator' ? ['confirm', 'cancel'] : ['approve', 'reject'];
  const labels: Record<PromptChoice, string> = {
    approve: t(locale, 'button-approve'),
    reject: t(locale, 'button-reject'),
    confirm: t(locale, 'confirm-yes'),
    cancel: t(locale, 'confirm-no'),
  };
  return choices.map((choice) => ({ label: labels[choice], data: buttonData(prompt.id, choice) }));
}

/** The state line under a prompt: the live tally while open, the decision after. */
export function promptState(locale: Locale, prompt: Prompt, tally: Tally): string {
  const args = { approve: tally.approve, reject: tally.reject, quorum: prompt.quorum };
  switch (prompt.status) {
    case 'approved':
      return t(locale, 'prompt-approved', args);
    case 'rejected':
      return t(locale, 'prompt-rejected', args);
    case 'confirmed':
      return t(locale, 'prompt-confirmed');
    case 'cancelled':
      return t(locale, 'prompt-cancelled');
    default:
      return t(locale, 'prompt-tally', args);
  }
}

/**
 * What the bot does when a prompt it opened is decided (a confirmed purchase…): runs the use case and returns the
 * text that replaces the prompt's state line. Runs in the process that took the deciding press, right after the
 * decision is stored; use cases get `prompt:<id>` as their idempotency key.
 */
export type BotPromptHandler = (input: { app: AppContext; prompt: Prompt; locale: Locale }) => Promise<string>;
const botHandlers = new Map<string, BotPromptHandler>();
export function onBotPromptDecided(kind: string, handler: BotPromptHandler): void {
  botHandlers.set(kind, handler);
}

export interface PressOutcome {
  /** A short private answer to the person who pressed (toast on Telegram, ephemeral on Discord). */
  notice: string;
  /** The prompt message's new state line, when it changed (null: leave the message as it is). */
  state: string | null;
  /** Whether the buttons stay (false once decided). */
  open: boolean;
}

/** One press from either platform, localized; business refusals (wrong role…) become the notice. */
export async function handlePress(
  app: AppContext,
  user: BotUser,
  data: string,
  stateLocale: Locale,
): Promise<PressOutcome | null> {
  const parsed = parseButtonData(data);
  if (!parsed) return null;
  const { actor, locale } = await resolveActor(app, user);
  try {
    const result = await pressPrompt(app, actor, parsed);
    const state = promptState(stateLocale, result.prompt, result.tally);
    switch (result.kind) {
      case 'already-voted':
        return { notice: t(locale, 'button-voted'), state: null, open: true };
      case 'closed':
        return { notice: t(locale, 'button-closed'), state: null, open: false };
      case 'decided': {
        const handler = botHandlers.get(result.prompt.kind);
        if (!handler) return { notice: promptState(locale, result.prompt, result.tally), state, open: false };
        const text = await handler({ app, prompt: result.prompt, locale }).catch((error: unknown) => {
          if (!isAppError(error)) throw error;
          return errorMessage(locale, error.code, error.details, error.message);
        });
        return { notice: text, state: text, open: false };
      }
      default:
        return { notice: promptState(locale, result.prompt, result.tally), state, open: true };
    }
  } catch (error) {
    if (!isAppError(error)) throw error;
    const notice =
      error.code === 'NOT_HOLD_PARTY' ||
      error.code === 'NOT_AN_OFFICER' ||
      error.code === 'NOT_POOL_OWNER' ||
      error.code === 'NOT_A_MEMBER'
        ? t(locale, 'button-not-allowed')
        : errorMessage(locale, error.code, error.details, error.message);
    return { notice, state: null, open: true };
  }
}
