import { Migration } from '@mikro-orm/migrations';

/**
 * Buttons in chat (approvals, votes, confirmations): a button carries only the prompt id and a choice; the state
 * lives here. A vote is one row per person, so a double press or a replayed update cannot count twice.
 */
export class Migration0005Prompts extends Migration {
  override up(): void {
    this.addSql(`
create table prompts (
  id uuid primary key,
  kind text not null check (length(kind) between 1 and 64),
  pool_id uuid not null references pools(id),
  created_by uuid not null references users(id),
  -- Who may press: 'creator' (confirmations), or the least pool role (approvals and votes).
  audience text not null check (audience in ('creator', 'member', 'officer', 'owner')),
  -- Approvals needed to decide (for approve/reject prompts).
  quorum smallint not null default 1 check (quorum between 1 and 50),
  payload jsonb not null default '{}',
  status text not null default 'open' check (status in ('open', 'approved', 'rejected', 'confirmed', 'cancelled')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  decided_at timestamptz
);
create index prompts_open on prompts (expires_at) where status = 'open';
create table prompt_votes (
  prompt_id uuid not null references prompts(id),
  user_id uuid not null references users(id),
  choice text not null check (choice in ('approve', 'reject', 'confirm', 'cancel')),
  created_at timestamptz not null default now(),
  primary key (prompt_id, user_id)
);
`);
  }

  override down(): void {
    this.addSql('drop table prompt_votes, prompts;');
  }
}
