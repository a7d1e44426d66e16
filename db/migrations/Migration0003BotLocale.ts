import { Migration } from '@mikro-orm/migrations';

/** A language the person chose with /language; without one, the bots follow the platform's locale. */
export class Migration0003BotLocale extends Migration {
  override up(): void {
    this.addSql(`alter table users add column locale_override text check (locale_override in ('en', 'ru'));`);
  }

  override down(): void {
    this.addSql(`alter table users drop column locale_override;`);
  }
}
