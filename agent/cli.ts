import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { cpuBenchmark } from './bench.ts';
import { defaultConfigPath, readConfig, writeConfig } from './config.ts';
import { AgentConnection } from './connection.ts';
import { detectHardware, hardwareId } from './hardware.ts';
import { stopStreaming, StreamHub, type Source } from './stream.ts';

export const AGENT_VERSION = '0.1.0';

const HELP = `power-realms agent <command>

  join CODE [--api URL] [--name NAME]   connect this machine to a pool (the code comes from /machines add-code)
  run [--source test]                   stay connected and stream sessions (the X display, or a test pattern)
  status                                what this agent is and whether the API sees it online
  bench                                 a short CPU benchmark; with a joined machine the score is reported

Options: --config FILE (or AGENT_CONFIG) where the credential is kept (default ~/.config/power-realms/agent.json).`;

type Print = (line: string) => void;

/** `power-realms agent …`: kept free of the server's dependencies so a host needs only this folder's imports. */
export async function agentMain(argv: string[], print: Print = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      name: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      source: { type: 'string' },
    },
  });
  const [command, code] = positionals;
  const file = values.config ?? defaultConfigPath();
  switch (command) {
    case 'join': {
      if (!code) return fail(print, 'agent join needs the code from /machines add-code');
      const apiUrl = values.api ?? process.env.POWER_REALMS_API ?? 'http://127.0.0.1:3000';
      const [hardware, hwid] = await Promise.all([detectHardware(), hardwareId()]);
      const name = (values.name ?? hostname()).slice(0, 64);
      const response = await fetch(`${apiUrl.replace(/\/$/, '')}/api/v1/agent/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, name, hardware, hwid, agentVersion: AGENT_VERSION }),
        signal: AbortSignal.timeout(20_000),
      }).catch((error: unknown) => error as Error);
      if (response instanceof Error) return fail(print, `cannot reach ${apiUrl}: ${response.message}`);
      const body = (await response.json().catch(() => ({}))) as Record<string, string>;
      if (!response.ok) return fail(print, `${body.code ?? response.status}: ${body.detail ?? 'refused'}`);
      writeConfig(file, {
        apiUrl,
        machineId: String(body.machineId),
        poolId: String(body.poolId),
        name: String(body.name),
        credential: String(body.credential),
        joinedAt: new Date().toISOString(),
      });
      print(
        `Joined as “${body.name}” (${hardware.cpu}, ${hardware.ramGb} GB${hardware.gpu ? `, ${hardware.gpu}` : ''}).`,
      );
      print(`Credential saved to ${file}. Start it with: npx power-realms agent run`);
      return 0;
    }
    case 'run': {
      const config = readConfig(file);
      if (!config) return fail(print, `no agent here yet (${file}): run agent join CODE first`);
      const source: Source = values.source === 'test' || !process.env.DISPLAY ? 'test' : 'x11';
      const log = (line: string) => print(`[${new Date().toISOString()}] ${line}`);
      // Injection (uinput/xdotool) is not wired yet: input is logged, and held keys are released when a viewer drops.
      const hub = new StreamHub({
        source,
        send: (message) => connection.send(message),
        onInput: (sessionId, event) => log(`input ${sessionId} ${JSON.stringify(event)}`),
        log,
      });
      const connection: AgentConnection = new AgentConnection(config.apiUrl, config.credential, {
        onState: (state, detail) => log(`${state}${detail ? `: ${detail}` : ''}`),
        onWelcome: (message) => (hub.iceServers = message.iceServers ?? []),
        onSession: (message) => hub.onSession(message),
        onSignal: (sessionId, data) => hub.onSignal(sessionId, data),
      });
      connection.start();
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      hub.stopAll();
      await connection.stop();
      stopStreaming();
      return 0;
    }
    case 'status': {
      const config = readConfig(file);
      if (!config) return fail(print, `no agent here yet (${file})`);
      print(
        `machine ${config.name} (${config.machineId}) in pool ${config.poolId}, API ${config.apiUrl}, joined ${config.joinedAt}`,
      );
      const reachable = await fetch(`${config.apiUrl.replace(/\/$/, '')}/healthz`, {
        signal: AbortSignal.timeout(5000),
      })
        .then((r) => r.ok)
        .catch(() => false);
      print(reachable ? 'API reachable' : 'API not reachable');
      return reachable ? 0 : 1;
    }
    case 'bench': {
      const result = cpuBenchmark();
      print(
        values.json
          ? JSON.stringify(result)
          : `CPU score ${result.cpuScore} (${result.mibPerSecond} MiB/s of sha256 on one core)`,
      );
      const config = readConfig(file);
      if (config) {
        const connection = new AgentConnection(config.apiUrl, config.credential);
        connection.start();
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const sent = connection.send({ type: 'benchmark', cpuScore: result.cpuScore });
        await new Promise((resolve) => setTimeout(resolve, 200));
        await connection.stop();
        print(sent ? 'Score reported.' : 'The API was not reachable; the score was not reported.');
      }
      return 0;
    }
    default:
      print(HELP);
      return command ? 2 : 0;
  }
}

function fail(print: Print, message: string): number {
  print(`agent: ${message}`);
  return 1;
}
