/**
 * The economy through the Discord bot end to end: a real discord.js Client against the fake Discord, raw interactions
 * injected as the gateway delivers them, real PostgreSQL. Offers are autocompleted; a purchase is confirmed with an
 * ephemeral prompt; a dispute over a laggy session is voted with buttons — a party cannot vote, a repeat changes
 * nothing — and settles a half refund from escrow. English and Russian.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { Client } from 'discord.js';
import { createDiscordBot } from '../bots/discord/bot.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { registerMachine } from '../core/machines/register-machine.ts';
import { joinPool } from '../core/members/join-pool.ts';
import { setOfficer } from '../core/members/set-officer.ts';
import { bindChat } from '../core/pools/bind-chat.ts';
import { createPool } from '../core/pools/create-pool.ts';
import { ensureUserByIdentity } from '../core/users/ensure-user.ts';
import { createLogger } from '../lib/logger.ts';
import { actor, appContext, fund } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { buttonPress, GUILD_ID, slashCommand, startFakeDiscord } from './helpers/fake-discord.ts';

let db: TestDatabase;
let fake: Awaited<ReturnType<typeof startFakeDiscord>>;
let client: Client;

const EPHEMERAL = 64;
const owner = { id: '610000000000000001', username: 'olga' };
const officer = { id: '610000000000000002', username: 'oleg' };
const node = { id: '610000000000000003', username: 'nik' };
const seeker = { id: '610000000000000004', username: 'sveta' };

type Raw = ReturnType<typeof slashCommand> | ReturnType<typeof buttonPress>;
async function interact(raw: Raw | Record<string, unknown>) {
  (
    client as unknown as { actions: { InteractionCreate: { handle(data: unknown): void } } }
  ).actions.InteractionCreate.handle(raw);
  for (let waited = 0; waited < 5000; waited += 10) {
    const answer = fake.callback(String(raw.id));
    if (answer) return answer;
    await sleep(10);
  }
  throw new Error(`no answer to interaction ${String(raw.id)}`);
}
const customIds = (answer: { data: { components?: unknown[] } }): { label: string; custom_id: string }[] =>
  ((answer.data.components ?? []) as { components: { label: string; custom_id: string }[] }[]).flatMap(
    (row) => row.components,
  );

before(async () => {
  db = await createTestDatabase();
  fake = await startFakeDiscord();
  client = createDiscordBot({
    restApi: fake.api,
    appContext: () => appContext(db),
    logger: createLogger('silent'),
    publicUrl: 'https://realms.example',
  });
  client.rest.setToken('test-token');
});
after(async () => {
  await client.destroy();
  await fake.close();
  await db.close();
});

test('autocomplete, confirm a purchase, dispute it, vote with buttons, settle a half refund', async () => {
  const ctx = appContext(db);
  const em = db.orm.em.fork();
  const person = (who: { id: string; username: string }) =>
    ensureUserByIdentity(em, { platform: 'discord', externalId: who.id, displayName: who.username });
  const [o, off, n, s] = [await person(owner), await person(officer), await person(node), await person(seeker)];
  const { pool } = await createPool(ctx, actor(o.id), { name: 'Frame Forge', type: 'public' });
  await bindChat(ctx, actor(o.id), {
    poolId: pool.id,
    platform: 'discord',
    chatId: GUILD_ID,
    channelId: '700000000000000001',
  });
  for (const who of [off, n, s]) await joinPool(ctx, actor(who.id), { poolId: pool.id });
  await setOfficer(ctx, actor(o.id), { poolId: pool.id, userId: off.id, officer: true });
  await registerMachine(ctx, actor(n.id), {
    poolId: pool.id,
    name: 'forge',
    hardware: { cpu: 'i9', gpu: 'RTX 4080', ramGb: 32, os: 'Windows' },
    hwid: 'hwid-forge-discord',
  });
  await fund(db, { poolId: pool.id, currency: 'PRC' }, s.id, 10_000_000n);

  const listed = await interact(
    slashCommand({
      name: 'sell',
      user: node,
      options: { kind: 'gameboost_slot', price: '4', title: 'Cyberpunk at 60 fps', machine: 'forge' },
    }),
  );
  assert.match(listed.data.content ?? '', /^Listed #[0-9a-f]{8} “Cyberpunk at 60 fps” at 4 PRC\/hour\.$/);

  // Autocomplete offers the guild pool's offers by title.
  const typing = slashCommand({ name: 'buy', user: seeker, options: { offer: 'cyber' } });
  const auto = {
    ...typing,
    type: 4,
    data: { ...typing.data, options: [{ name: 'offer', type: 3, value: 'cyber', focused: true }] },
  };
  const choices = (await interact(auto)) as unknown as {
    type: number;
    data: { choices: { name: string; value: string }[] };
  };
  assert.equal(choices.type, 8);
  assert.match(choices.data.choices[0]?.name ?? '', /^#[0-9a-f]{8} Cyberpunk at 60 fps · gameboost_slot$/);
  const offerId = choices.data.choices[0]?.value ?? '';

  const ask = await interact(
    slashCommand({ name: 'buy', user: seeker, locale: 'ru', options: { offer: offerId, quantity: '2' } }),
  );
  assert.equal(ask.data.flags, EPHEMERAL);
  assert.match(ask.data.content ?? '', /^Купить 2 × «Cyberpunk at 60 fps» у nik за 8 PRC\?/);
  const confirm = customIds(ask).find((b) => b.custom_id.endsWith(':c'));
  assert.ok(confirm);
  const bought = await interact(
    buttonPress({ customId: confirm.custom_id, content: `${ask.data.content}\n…`, user: seeker, locale: 'ru' }),
  );
  assert.match(bought.data.content ?? '', /Забронировано: сделка #([0-9a-f]{8})/);
  const dealId = (await db.pool.query<{ id: string }>('select id from deals')).rows[0]?.id ?? '';

  await interact(slashCommand({ name: 'deal', subcommand: 'deliver', user: node, options: { deal: dealId } }));
  const outsider = await interact(
    slashCommand({ name: 'dispute', subcommand: 'open', user: officer, options: { deal: dealId, statement: 'hmm' } }),
  );
  assert.equal(outsider.data.content, 'That deal is between other people.');
  const opened = await interact(
    slashCommand({
      name: 'dispute',
      subcommand: 'open',
      user: seeker,
      locale: 'ru',
      options: { deal: dealId, statement: 'Лагало, 15 fps' },
    }),
  );
  assert.match(opened.data.content ?? '', /^Спор #[0-9a-f]{8} по «Cyberpunk at 60 fps» открыт/);
  const disputeId = (await db.pool.query<{ id: string }>('select id from disputes')).rows[0]?.id ?? '';

  // The officer sees the dispute with vote buttons; the buyer (a party) sees none and cannot vote by button either.
  const shown = await interact(
    slashCommand({ name: 'dispute', subcommand: 'show', user: officer, options: { id: disputeId } }),
  );
  assert.match(shown.data.content ?? '', /Лагало, 15 fps/);
  const half = customIds(shown).find((b) => b.label === 'Half refund');
  assert.ok(half, JSON.stringify(shown.data.components));
  const party = await interact(buttonPress({ customId: half.custom_id, content: 'card', user: seeker, locale: 'ru' }));
  assert.equal(party.data.content, 'Вы сторона этого спора и не можете голосовать.');
  const member = await interact(
    buttonPress({ customId: half.custom_id, content: 'card', user: { id: '619', username: 'x' } }),
  );
  assert.equal(member.data.content, 'You are not a member of this pool. Join with /join.');

  const vote = await interact(buttonPress({ customId: half.custom_id, content: 'card', user: officer }));
  assert.equal(vote.data.flags, EPHEMERAL);
  assert.match(
    vote.data.content ?? '',
    /^Your vote decided the dispute; the settlement is posted\.\nDispute #[0-9a-f]{8}/,
  );
  const again = await interact(buttonPress({ customId: half.custom_id, content: 'card', user: owner }));
  assert.equal(again.data.content, 'That dispute is already resolved.');

  const balances = await db.pool.query<{ user_id: string; posted: string }>(
    `select user_id, (credits_posted - debits_posted)::text as posted from ledger_accounts
      where pool_id = $1 and kind = 'member' and user_id = any($2)`,
    [pool.id, [n.id, s.id]],
  );
  const posted = (id: string) => balances.rows.find((r) => r.user_id === id)?.posted;
  // 8 held; half (4) back to the buyer, the other half to the node less the 10% fee.
  assert.equal(posted(s.id), '6000000');
  assert.equal(posted(n.id), '3600000');
  const report = await verifyLedger(ctx.ledger, { poolId: pool.id });
  assert.ok(report.ok);
});
