import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor, AppContext, PlatformDefaults } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireGlobalAdmin } from '../access/pool-access.ts';
import { recordEvent } from '../events/record-event.ts';

/** The platform's run-time settings: what the Global Admin stored, else the configured defaults. */
export async function getPlatformSettings(em: EntityManager, defaults: PlatformDefaults): Promise<PlatformDefaults> {
  const rows = await em.execute<{ key: string; value: unknown }[]>(
    "select key, value from platform_settings where key in ('platformFeeBps', 'premiumPoolFeeMicros')",
  );
  const settings = { ...defaults };
  for (const row of rows) {
    if (row.key === 'platformFeeBps' && typeof row.value === 'number') settings.platformFeeBps = row.value;
    if (row.key === 'premiumPoolFeeMicros' && typeof row.value === 'string')
      settings.premiumPoolFeeMicros = BigInt(row.value);
  }
  return settings;
}

/** Changes the platform fee rate or the premium pool price. Only the Global Admin may. */
export async function updatePlatformSettings(
  ctx: AppContext,
  actor: Actor,
  input: { platformFeeBps?: number; premiumPoolFeeMicros?: bigint },
): Promise<PlatformDefaults> {
  requireGlobalAdmin(actor);
  const { platformFeeBps, premiumPoolFeeMicros } = input;
  if (
    platformFeeBps !== undefined &&
    (!Number.isInteger(platformFeeBps) || platformFeeBps < 0 || platformFeeBps > 5000)
  )
    throw new AppError('VALIDATION_FAILED', 'platformFeeBps must be a whole number from 0 to 5000 (50%)');
  if (premiumPoolFeeMicros !== undefined && premiumPoolFeeMicros < 0n)
    throw new AppError('INVALID_AMOUNT', 'premiumPoolFeeMicros must not be negative');
  await ctx.em.transactional(async (em) => {
    const upsert = (key: string, value: unknown) =>
      em.execute(
        `insert into platform_settings (key, value, updated_by) values (?, ?::jsonb, ?)
         on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`,
        [key, JSON.stringify(value), actor.userId],
      );
    if (platformFeeBps !== undefined) await upsert('platformFeeBps', platformFeeBps);
    if (premiumPoolFeeMicros !== undefined) await upsert('premiumPoolFeeMicros', premiumPoolFeeMicros.toString());
    settingsCache.delete(ctx.ledger);
    await recordEvent(em, {
      type: 'PlatformSettingsChanged',
      poolId: null,
      payload: {
        byUserId: actor.userId,
        platformFeeBps: platformFeeBps ?? null,
        premiumPoolFeeMicros: premiumPoolFeeMicros?.toString() ?? null,
      },
    });
  });
  return getPlatformSettings(ctx.em, ctx.defaults);
}

const SETTINGS_TTL_MS = 5000;
const settingsCache = new WeakMap<object, { expiresAtMs: number; settings: Promise<PlatformDefaults> }>();

/**
 * The settings as of at most 5 s ago, per ledger (so per database): read on every hold release otherwise. A fee
 * change by the Global Admin applies to releases from 5 s later on.
 */
export function cachedPlatformSettings(ctx: AppContext): Promise<PlatformDefaults> {
  const now = Date.now();
  const cached = settingsCache.get(ctx.ledger);
  if (cached && cached.expiresAtMs > now) return cached.settings;
  const settings = getPlatformSettings(ctx.em, ctx.defaults);
  settingsCache.set(ctx.ledger, { expiresAtMs: now + SETTINGS_TTL_MS, settings });
  settings.catch(() => settingsCache.delete(ctx.ledger));
  return settings;
}
