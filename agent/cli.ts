import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpuBenchmark, streamBenchmark } from './bench.ts';
import { remoteStatus, reportBenchmark } from './api.ts';
import { defaultConfigPath, readConfig } from './config.ts';
import { AgentConnection } from './connection.ts';
import { createInjector } from './inject.ts';
import { joinMachine } from './join.ts';
import { statusLines } from './status.ts';
import { DEFAULT_STREAM, stopStreaming, StreamHub, type Source, type StreamSettings } from './stream.ts';
import { DEFAULT_KMS_DEVICE, SOURCES } from './stream-args.ts';

export const AGENT_VERSION = '0.1.0';

const HELP = `power-realms agent <command>   (power-realms-agent <command> where the agent is installed on its own)

  join CODE [--api URL] [--name NAME] [--force]
                                        connect this machine to a pool (the code comes from /machines add-code)
  run [--source x11|kms|test] [--device DRM] [--fps N] [--size WxH] [--bitrate KBPS] [--audio]
                                        stay connected and stream sessions: the X display ($DISPLAY, the default
                                        where there is one), a KMS plane (kmsgrab of --device, default
                                        /dev/dri/card0; ffmpeg needs CAP_SYS_ADMIN), or a moving test pattern
                                        stamped with the clock (default without a display); 60 fps, 1280x720,
                                        6000 kb/s unless told; --audio adds sound in Opus (PulseAudio's default
                                        source, or a tone)
  status [--json]                       what this agent is and whether the API sees it online
  bench [--json]                        a short CPU benchmark and how fast this host encodes a 720p stream (in
                                        software, and on the GPU where NVENC or VA-API runs); with a joined
                                        machine the figures are reported and shown on its offers

Options: --config FILE (or AGENT_CONFIG) where the credential is kept (default ~/.config/power-realms/agent.json).`;

type Print = (line: string) => void;

/** `power-realms agent …`: kept free of the server's dependencies so a host needs only this folder's imports. */
export async function agentMain(argv: string[], print: Print = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const parsed = parseAgentArgs(argv);
  if (parsed instanceof Error) return fail(print, `${parsed.message}\n\n${HELP}`, 2);
  const { values, positionals } = parsed;
  const [command, code] = positionals;
  const file = values.config ?? defaultConfigPath();
  switch (command) {
    case 'join': {
      if (!code) return fail(print, 'agent join needs the code from /machines add-code');
      const joined = await joinMachine({
        code,
        apiUrl: values.api ?? process.env.POWER_REALMS_API ?? 'http://127.0.0.1:3000',
        name: values.name,
        file,
        force: values.force,
        agentVersion: AGENT_VERSION,
      });
      if (!joined.ok) return fail(print, joined.message);
      const { config, hardware } = joined;
      print(
        `Joined as “${config.name}” (${hardware.cpu}, ${hardware.cores} cores, ${hardware.ramGb} GB${hardware.gpu ? `, ${hardware.gpu}` : ''}, ${hardware.os}).`,
      );
      print(`Credential saved to ${file}. Start it with: npx power-realms agent run`);
      return 0;
    }
    case 'run': {
      const config = readConfig(file);
      if (!config) return fail(print, `no agent here yet (${file}): run agent join CODE first`);
      const source = streamSource(values.source);
      if (source instanceof Error) return fail(print, source.message, 2);
      const settings = streamSettings(values);
      if (settings instanceof Error) return fail(print, settings.message, 2);
      if (source === 'kms' && !existsSync(settings.kmsDevice ?? ''))
        return fail(print, `no DRM device at ${settings.kmsDevice ?? ''} to capture (--device)`);
      const log = (line: string) => print(`[${new Date().toISOString()}] ${line}`);
      // Input goes into the streamed display through xdotool where there is one; otherwise it is logged. Keys still
      // held when a viewer drops are released either way.
      const injector = createInjector(source === 'x11' ? (process.env.DISPLAY ?? null) : null, log);
      const hub = new StreamHub({
        source,
        settings,
        send: (message) => connection.send(message),
        onInput: (sessionId, event) => injector.inject(sessionId, event),
        log,
      });
      log(`agent ${AGENT_VERSION}: machine ${config.name} (${config.machineId}), API ${config.apiUrl}`);
      log(
        `streaming ${source === 'x11' ? `display ${process.env.DISPLAY ?? ''}` : source === 'kms' ? `KMS ${settings.kmsDevice ?? ''}` : 'the test pattern'} at ${settings.fps} fps, ${settings.bitrateKbps} kb/s${settings.audio ? ' with sound' : ''}; input ${injector.kind === 'xdotool' ? 'into the display (xdotool)' : 'logged'}`,
      );
      const connection: AgentConnection = new AgentConnection(config.apiUrl, config.credential, {
        onState: (state, detail) => log(`${state}${detail ? `: ${detail}` : ''}`),
        onWelcome: (message) => {
          log(`heartbeats every ${message.heartbeatSeconds} s`);
          hub.iceServers = message.iceServers ?? [];
        },
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
      injector.close();
      await connection.stop();
      stopStreaming();
      return 0;
    }
    case 'status': {
      const config = readConfig(file);
      if (!config) return fail(print, `no agent here yet (${file}): run agent join CODE first`);
      const result = await remoteStatus(config);
      if (values.json) {
        const { credential: _secret, ...shown } = config;
        print(JSON.stringify({ config: { file, ...shown }, ...result }));
      } else for (const line of statusLines(file, config, result)) print(line);
      return result.kind === 'ok' ? 0 : 1;
    }
    case 'bench': {
      const result = cpuBenchmark();
      // What streaming costs this host: encoding its 1280×720 stream in software, and on the GPU where one runs.
      const { encodeFps, gpuEncoder, gpuEncodeFps } = await streamBenchmark();
      const config = readConfig(file);
      const report = {
        cpuScore: result.cpuScore,
        ...(encodeFps === null ? {} : { encodeFps }),
        ...(gpuEncoder === null || gpuEncodeFps === null ? {} : { gpuEncoder, gpuEncodeFps }),
      };
      const reported = config ? await reportBenchmark(config, report) : null;
      if (values.json)
        print(JSON.stringify({ ...result, encodeFps, gpuEncoder, gpuEncodeFps, reported: reported?.ok ?? false }));
      else {
        print(`CPU score ${result.cpuScore} (${result.mibPerSecond} MiB/s of sha256 on one core)`);
        print(
          encodeFps === null
            ? 'Encoding not measured: ffmpeg did not run (apt-get install ffmpeg)'
            : `Encodes 1280x720 at ${encodeFps} fps in software (libx264; a stream needs 60)`,
        );
        if (gpuEncoder && gpuEncodeFps !== null) print(`GPU encodes 1280x720 at ${gpuEncodeFps} fps (${gpuEncoder})`);
        if (reported) print(reported.ok ? 'Score reported.' : `The score was not reported: ${reported.message}`);
      }
      return reported?.ok === false ? 1 : 0;
    }
    default:
      print(HELP);
      return command ? 2 : 0;
  }
}

function parseAgentArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        api: { type: 'string' },
        name: { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean' },
        source: { type: 'string' },
        force: { type: 'boolean' },
        fps: { type: 'string' },
        size: { type: 'string' },
        bitrate: { type: 'string' },
        audio: { type: 'boolean' },
        device: { type: 'string' },
      },
    });
  } catch (error) {
    return error as Error;
  }
}

/** --source as given, else the X display where there is one, else the test pattern. */
function streamSource(value: string | undefined): Source | Error {
  if (value === undefined) return process.env.DISPLAY ? 'x11' : 'test';
  if (!SOURCES.includes(value as Source)) return new Error(`--source is one of ${SOURCES.join(', ')}, not "${value}"`);
  if (value === 'x11' && !process.env.DISPLAY)
    return new Error('--source x11 needs DISPLAY (the X display to capture)');
  return value as Source;
}

/** --fps 1..120, --size WxH (even, 320x240 to 3840x2160), --bitrate 500..50000 kb/s; the rest from the defaults. */
function streamSettings(values: {
  fps?: string;
  size?: string;
  bitrate?: string;
  audio?: boolean;
  device?: string;
}): StreamSettings | Error {
  const settings = { ...DEFAULT_STREAM, audio: values.audio === true, kmsDevice: values.device ?? DEFAULT_KMS_DEVICE };
  const whole = (text: string, min: number, max: number) => {
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    return n >= min && n <= max ? n : null;
  };
  if (values.fps !== undefined) {
    const fps = whole(values.fps, 1, 120);
    if (fps === null) return new Error(`--fps must be a whole number from 1 to 120, not "${values.fps}"`);
    settings.fps = fps;
  }
  if (values.size !== undefined) {
    const [w = '', h = ''] = values.size.split('x');
    const width = whole(w, 320, 3840);
    const height = whole(h, 240, 2160);
    if (width === null || height === null || width % 2 || height % 2)
      return new Error(`--size must be WIDTHxHEIGHT in even pixels, 320x240 to 3840x2160, not "${values.size}"`);
    Object.assign(settings, { width, height });
  }
  if (values.bitrate !== undefined) {
    const bitrateKbps = whole(values.bitrate, 500, 50_000);
    if (bitrateKbps === null) return new Error(`--bitrate must be kb/s from 500 to 50000, not "${values.bitrate}"`);
    settings.bitrateKbps = bitrateKbps;
  }
  return settings;
}

function fail(print: Print, message: string, exitCode = 1): number {
  print(`agent: ${message}`);
  return exitCode;
}
