import { Migration } from '@mikro-orm/migrations';

/**
 * GameBoost sessions remember when the viewer was last heard from (its quality samples, every second while the
 * player is open), so a session whose player closed without "end" stops being charged after a grace period
 * (end reason `viewer_lost`). They also count their quality samples, so the cap on them is checked without counting
 * the samples table on every sample.
 */
export class Migration0011ViewerSeen extends Migration {
  override up(): void {
    this.addSql(`
alter table gameboost_sessions add column viewer_seen_at timestamptz;
alter table gameboost_sessions add column metric_samples integer not null default 0;
update gameboost_sessions g set metric_samples = (select count(*) from session_metrics m where m.session_id = g.id)
 where status in ('waiting', 'live');
alter table gameboost_sessions drop constraint gameboost_sessions_end_reason_check;
alter table gameboost_sessions add constraint gameboost_sessions_end_reason_check
  check (end_reason in ('buyer', 'seller', 'timeout', 'agent_lost', 'viewer_lost', 'never_started'));
`);
  }

  override down(): void {
    this.addSql(`
alter table gameboost_sessions drop constraint gameboost_sessions_end_reason_check;
alter table gameboost_sessions add constraint gameboost_sessions_end_reason_check
  check (end_reason in ('buyer', 'seller', 'timeout', 'agent_lost', 'never_started'));
alter table gameboost_sessions drop column viewer_seen_at, drop column metric_samples;
`);
  }
}
