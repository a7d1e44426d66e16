import { Migration } from '@mikro-orm/migrations';

/**
 * A member who leaves the pool's Discord server or Telegram group stays a member (their balance and machines are
 * theirs); the platforms they left are recorded so officers can see who is no longer in the chat.
 */
export class Migration0006ChatPresence extends Migration {
  override up(): void {
    this.addSql(`alter table pool_members add column left_chats text[] not null default '{}';`);
  }

  override down(): void {
    this.addSql('alter table pool_members drop column left_chats;');
  }
}
