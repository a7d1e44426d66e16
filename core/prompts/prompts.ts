import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { uuidv7 } from '../../lib/uuid.ts';

export type PromptAudience = 'creator' | 'member' | 'officer' | 'owner';
export type PromptChoice = 'approve' | 'reject' | 'confirm' | 'cancel';
export type PromptStatus = 'open' | 'approved' | 'rejected' | 'confirmed' | 'cancelled';

export interface Prompt {
  id: string;
  kind: string;
  poolId: string;
  createdBy: string;
  audience: PromptAudience;
  quorum: number;
  payload: Record<string, unknown>;
  status: PromptStatus;
  expiresAt: Date;
}

export interface Tally {
  approve: number;
  reject: number;
}

/**
 * What happens when a prompt is decided, per kind (a withdrawal approved, a purchase confirmed…). Runs once: the
 * decision is recorded first, and the handler gets the prompt id to use as its idempotency key.
 */
export type PromptHandler = (ctx: AppContext, prompt: Prompt, outcome: PromptStatus) => Promise<void>;
const handlers = new Map<string, PromptHandler>();
export function onPromptDecided(kind: string, handler: PromptHandler): void {
  handlers.set(kind, handler);
}

/** Opens a prompt: a confirmation for its creator, or an approval that `quorum` people of `audience` rank decide. */
export async function createPrompt(
  ctx: AppContext,
  actor: Actor,
  input: {
    kind: string;
    poolId: string;
    audience: PromptAudience;
    quorum?: number;
    payload?: Record<string, unknown>;
    ttlSeconds: number;
  },
): Promise<Prompt> {
  requirePoolRole(await loadPoolAccess(ctx.em, actor, input.poolId), 'member');
  const id = uuidv7();
  const rows = await ctx.em.execute<{ expires_at: Date }[]>(
    `insert into prompts (id, kind, pool_id, created_by, audience, quorum, payload, expires_at)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, now() + make_interval(secs => ?)) returning expires_at`,
    [
      id,
      input.kind,
      input.poolId,
      actor.userId,
      input.audience,
      input.quorum ?? 1,
      JSON.stringify(input.payload ?? {}),
      input.ttlSeconds,
    ],
  );
  return {
    id,
    kind: input.kind,
    poolId: input.poolId,
    createdBy: actor.userId,
    audience: input.audience,
    quorum: input.quorum ?? 1,
    payload: input.payload ?? {},
    status: 'open',
    expiresAt: new Date(rows[0]?.expires_at ?? Date.now()),
  };
}

export type PressResult =
  | { kind: 'counted'; prompt: Prompt; tally: Tally }
  | { kind: 'decided'; prompt: Prompt; tally: Tally }
  | { kind: 'already-voted'; prompt: Prompt; tally: Tally }
  | { kind: 'closed'; prompt: Prompt; tally: Tally };

/**
 * A button press. The role is checked on every press; a second press by the same person, or a replayed update,
 * changes nothing and says so; a press on a decided or expired prompt says it is closed.
 */
export async function pressPrompt(
  ctx: AppContext,
  actor: Actor,
  input: { promptId: string; choice: PromptChoice },
): Promise<PressResult> {
  const outcome = await ctx.em.transactional(async (em) => {
    const rows = await em.execute<
      {
        id: string;
        kind: string;
        pool_id: string;
        created_by: string;
        audience: PromptAudience;
        quorum: number;
        payload: Record<string, unknown>;
        status: PromptStatus;
        expires_at: Date;
        expired: boolean;
      }[]
    >('select *, expires_at <= now() as expired from prompts where id = ? for update', [input.promptId]);
    const row = rows[0];
    if (!row) throw new AppError('VALIDATION_FAILED', 'this button belongs to nothing we know');
    const prompt: Prompt = {
      id: row.id,
      kind: row.kind,
      poolId: row.pool_id,
      createdBy: row.created_by,
      audience: row.audience,
      quorum: row.quorum,
      payload: row.payload,
      status: row.status,
      expiresAt: new Date(row.expires_at),
    };
    const tally = async (): Promise<Tally> => {
      const counts = await em.execute<{ choice: string; n: string }[]>(
        'select choice, count(*) as n from prompt_votes where prompt_id = ? group by choice',
        [prompt.id],
      );
      const of = (choice: string) => Number(counts.find((c) => c.choice === choice)?.n ?? 0);
      return { approve: of('approve') + of('confirm'), reject: of('reject') + of('cancel') };
    };
    if (prompt.status !== 'open' || row.expired) return { kind: 'closed' as const, prompt, tally: await tally() };
    if (prompt.audience === 'creator') {
      if (actor.userId !== prompt.createdBy) throw new AppError('NOT_HOLD_PARTY', 'this confirmation is not yours');
      if (input.choice !== 'confirm' && input.choice !== 'cancel')
        throw new AppError('VALIDATION_FAILED', 'confirm or cancel');
    } else {
      requirePoolRole(await loadPoolAccess(em, actor, prompt.poolId), prompt.audience);
      // Nobody approves their own request, unless they are the only one who could (payload.selfVote).
      if (actor.userId === prompt.createdBy && prompt.payload.selfVote !== true)
        throw new AppError('NOT_HOLD_PARTY', 'you cannot decide your own request');
      if (input.choice !== 'approve' && input.choice !== 'reject')
        throw new AppError('VALIDATION_FAILED', 'approve or reject');
    }
    const voted = await em.execute<{ choice: string }[]>(
      'insert into prompt_votes (prompt_id, user_id, choice) values (?, ?, ?) on conflict do nothing returning choice',
      [prompt.id, actor.userId, input.choice],
    );
    if (voted.length === 0) return { kind: 'already-voted' as const, prompt, tally: await tally() };
    const counts = await tally();
    let status: PromptStatus = 'open';
    if (prompt.audience === 'creator') status = input.choice === 'confirm' ? 'confirmed' : 'cancelled';
    else if (counts.approve >= prompt.quorum) status = 'approved';
    else if (counts.reject >= prompt.quorum) status = 'rejected';
    if (status === 'open') return { kind: 'counted' as const, prompt, tally: counts };
    await em.execute('update prompts set status = ?, decided_at = now() where id = ?', [status, prompt.id]);
    return { kind: 'decided' as const, prompt: { ...prompt, status }, tally: counts };
  });
  if (outcome.kind === 'decided') await handlers.get(outcome.prompt.kind)?.(ctx, outcome.prompt, outcome.prompt.status);
  return outcome;
}
