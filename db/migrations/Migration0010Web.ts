import { Migration } from '@mikro-orm/migrations';

/**
 * The web companion's sign-in: single-use links a bot hands out (`/web`), and browser sessions behind an httpOnly
 * cookie. Both keep only the sha256 of their token, so a database dump opens nothing.
 */
export class Migration0010Web extends Migration {
  override up(): void {
    this.addSql(`
create table web_login_links (
  token_hash text primary key,
  user_id uuid not null references users(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index web_login_links_user on web_login_links (user_id, created_at);

create table web_sessions (
  id uuid primary key,
  token_hash text not null unique,
  user_id uuid not null references users(id),
  via text not null check (via in ('link', 'telegram', 'discord')),
  user_agent text not null default '' check (length(user_agent) <= 300),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index web_sessions_user on web_sessions (user_id, created_at);
`);
  }

  override down(): void {
    this.addSql('drop table web_sessions, web_login_links;');
  }
}
