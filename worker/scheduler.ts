import { Agenda } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AppContext } from '../core/context.ts';
import type pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import type { LedgerContext } from '../core/ledger/context.ts';
import { jobs } from './jobs.ts';

export interface SchedulerConfig {
  holdExpirySweepSeconds: number;
  checkpointMinutes: number;
}

/** Agenda on the platform's PostgreSQL, with every job definition registered and its repeat interval scheduled. */
export async function startScheduler(
  pool: pg.Pool,
  ctx: { ledger: LedgerContext; logger: Logger; orm: MikroORM; appContext: (em: EntityManager) => AppContext },
  config: SchedulerConfig,
): Promise<Agenda> {
  const backend = new PostgresBackend({ pool, tableName: 'agenda_jobs', channelName: 'agenda_jobs' });
  // The LISTEN connection reconnects by itself; without a listener its 'error' event would crash the process.
  backend.notificationChannel?.on?.('error', (error: unknown) =>
    ctx.logger.warn({ err: error }, 'scheduler notification channel error; reconnecting'),
  );
  const agenda = new Agenda({
    backend,
    processEvery: '1 second',
    defaultConcurrency: 1,
    defaultLockLifetime: 60_000,
  });
  agenda.on('error', (error: unknown) => ctx.logger.error({ err: error }, 'scheduler error'));
  for (const job of jobs) {
    agenda.define(job.name, async (run) => {
      const payload = job.schema.parse(run.attrs.data ?? {});
      const em = ctx.orm.em.fork();
      await job.handler({ ledger: ctx.ledger, logger: ctx.logger, em, app: ctx.appContext(em) }, payload);
    });
  }
  await agenda.start();
  for (const job of jobs) await agenda.every(`${job.everySeconds(config)} seconds`, job.name, {});
  return agenda;
}
