#!/usr/bin/env node
// The one command. TypeScript sources run through tsx's loader, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const [command, ...rest] = process.argv.slice(2);
if (command === 'agent') {
  // The host agent loads only its own folder: a host needs no database, bot or web dependencies.
  const { agentMain } = await import('../agent/cli.ts');
  process.exitCode = await agentMain(rest);
} else {
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
