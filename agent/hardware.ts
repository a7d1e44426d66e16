import { createHash } from 'node:crypto';
import si from 'systeminformation';

export interface DetectedHardware {
  cpu: string;
  cores: number;
  ramGb: number;
  gpu?: string;
  vramGb?: number;
  os: string;
}

/** CPU, memory, GPUs and OS from systeminformation; the first GPU with the most VRAM is the one shown. */
export async function detectHardware(): Promise<DetectedHardware> {
  const [cpu, mem, graphics, os] = await Promise.all([
    si.cpu(),
    si.mem(),
    si.graphics().catch(() => null),
    si.osInfo(),
  ]);
  const gpu = [...(graphics?.controllers ?? [])].sort((a, b) => (b.vram ?? 0) - (a.vram ?? 0))[0];
  return {
    cpu: `${cpu.manufacturer} ${cpu.brand}`.trim() || 'unknown CPU',
    cores: cpu.cores || 1,
    ramGb: Math.max(1, Math.round(mem.total / 1024 ** 3)),
    ...(gpu?.model ? { gpu: gpu.model, vramGb: gpu.vram ? Math.round(gpu.vram / 1024) : undefined } : {}),
    os: `${os.distro} ${os.release} (${os.arch})`.trim(),
  };
}

/**
 * A stable hardware id, hashed here before it leaves the machine (the server hashes it again): system UUID, board
 * serial, CPU and MAC addresses of physical interfaces.
 */
export async function hardwareId(): Promise<string> {
  const [system, board, cpu, interfaces] = await Promise.all([
    si.system(),
    si.baseboard().catch(() => null),
    si.cpu(),
    si.networkInterfaces().catch(() => []),
  ]);
  const macs = (Array.isArray(interfaces) ? interfaces : [interfaces])
    .filter((i) => !i.virtual && !i.internal && i.mac && i.mac !== '00:00:00:00:00:00')
    .map((i) => i.mac)
    .sort();
  const parts = [system.uuid, system.serial, board?.serial ?? '', cpu.brand, ...macs].join('|');
  return createHash('sha256').update(`power-realms-agent:${parts}`).digest('hex');
}
