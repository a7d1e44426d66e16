#!/usr/bin/env node
// The host agent on its own (`npm install -g ./agent`, or the tarball `npm pack ./agent` makes): this folder and its
// five packages, none of the server's. TypeScript runs through tsx's loader, as in the full checkout.
import { register } from 'tsx/esm/api';

register();
const { agentMain } = await import('./cli.ts');
process.exitCode = await agentMain(process.argv.slice(2));
