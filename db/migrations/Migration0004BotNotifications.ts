import { Migration } from '@mikro-orm/migrations';

/**
 * Where a pool posts on Discord (the channel its /pool create ran in, changeable later), and which notifications went
 * out: the bots' event handler is at-least-once, so each (event, recipient) is recorded before it is sent.
 */
export class Migration0004BotNotifications extends Migration {
  override up(): void {
    this.addSql(`
alter table pools add column discord_channel_id text check (discord_channel_id ~ '^[0-9]{5,30}$');
create table bot_notifications_sent (
  event_id bigint not null,
  recipient text not null,
  sent_at timestamptz not null default now(),
  primary key (event_id, recipient)
);
create index bot_notifications_sent_at on bot_notifications_sent (sent_at);
`);
  }

  override down(): void {
    this.addSql(`drop table bot_notifications_sent; alter table pools drop column discord_channel_id;`);
  }
}
