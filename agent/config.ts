import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** What `agent join` stores for `agent run`: where the API is, which machine this is, and its credential. */
export const AgentConfig = z.object({
  apiUrl: z.url(),
  machineId: z.uuid(),
  poolId: z.uuid(),
  name: z.string(),
  credential: z.string().min(20),
  joinedAt: z.iso.datetime(),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export const defaultConfigPath = (): string =>
  process.env.AGENT_CONFIG ?? path.join(homedir(), '.config', 'power-realms', 'agent.json');

export function readConfig(file: string): AgentConfig | null {
  if (!existsSync(file)) return null;
  return AgentConfig.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Written readable by the owner only (0600): the credential is the machine's password. */
export function writeConfig(file: string, config: AgentConfig): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
