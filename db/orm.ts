import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../lib/logger.ts';
import { entities } from './entities/index.ts';
import { Migration0001Foundation } from './migrations/Migration0001Foundation.ts';
import { Migration0002PoolsPeople } from './migrations/Migration0002PoolsPeople.ts';
import { Migration0003BotLocale } from './migrations/Migration0003BotLocale.ts';
import { Migration0004BotNotifications } from './migrations/Migration0004BotNotifications.ts';
import { Migration0005Prompts } from './migrations/Migration0005Prompts.ts';
import { Migration0006ChatPresence } from './migrations/Migration0006ChatPresence.ts';
import { Migration0007Economy } from './migrations/Migration0007Economy.ts';
import { Migration0008Topups } from './migrations/Migration0008Topups.ts';
import { Migration0009Agent } from './migrations/Migration0009Agent.ts';
import { Migration0010Web } from './migrations/Migration0010Web.ts';
import { Migration0011ViewerSeen } from './migrations/Migration0011ViewerSeen.ts';

/** Every migration, in order. Listed here rather than globbed so that the same list runs from TS and from a build. */
export const migrationsList = [
  { name: 'Migration0001Foundation', class: Migration0001Foundation },
  { name: 'Migration0002PoolsPeople', class: Migration0002PoolsPeople },
  { name: 'Migration0003BotLocale', class: Migration0003BotLocale },
  { name: 'Migration0004BotNotifications', class: Migration0004BotNotifications },
  { name: 'Migration0005Prompts', class: Migration0005Prompts },
  { name: 'Migration0006ChatPresence', class: Migration0006ChatPresence },
  { name: 'Migration0007Economy', class: Migration0007Economy },
  { name: 'Migration0008Topups', class: Migration0008Topups },
  { name: 'Migration0009Agent', class: Migration0009Agent },
  { name: 'Migration0010Web', class: Migration0010Web },
  { name: 'Migration0011ViewerSeen', class: Migration0011ViewerSeen },
];

export function ormOptions(url: string, logger?: Logger): Options {
  return {
    clientUrl: url,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, tableName: 'mikro_orm_migrations' },
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: 16 },
    allowGlobalContext: false,
    logger: (message) => logger?.debug({ orm: message }, 'mikro-orm'),
    debug: false,
  };
}

export async function openOrm(url: string, logger?: Logger): Promise<MikroORM> {
  return MikroORM.init(ormOptions(url, logger));
}

/** Applies pending migrations; returns the names it applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}

/** True when every migration this code knows has been applied. */
export async function migrationsApplied(orm: MikroORM): Promise<boolean> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.length === 0;
}
