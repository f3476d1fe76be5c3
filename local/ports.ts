/**
 * The ports `npm start` takes: PORT for the API, the next six for the
 * embedded services. They are checked before anything starts, so a port in
 * use is one clear line naming the service that wanted it and how to choose
 * other ports — not a stack trace from whichever server happened to bind it.
 */
import { createServer } from 'node:net';

/** What listens at PORT + offset (README.md, "Running locally", lists the same). */
export const LOCAL_PORTS = [
  { offset: 0, service: 'the API (and the sandbox PG)' },
  { offset: 1, service: 'the embedded DynamoDB' },
  { offset: 2, service: 'the mail inbox' },
  { offset: 3, service: 'the local SES endpoint' },
  { offset: 4, service: 'the local SNS (SMS) endpoint' },
  { offset: 5, service: 'the local SQS endpoint' },
  { offset: 6, service: 'the local EventBridge endpoint' },
] as const;

/** The highest PORT that leaves room for the six ports after it. */
export const MAX_BASE_PORT = 65_535 - (LOCAL_PORTS.length - 1);

export class PortInUse extends Error {
  constructor(
    readonly port: number,
    readonly basePort: number,
    readonly service: string,
    readonly suggestion: number | null,
  ) {
    const offset = port - basePort;
    const other = suggestion === null ? 'PORT=<another port>' : `PORT=${suggestion}`;
    super(
      `Port ${port} is already in use: ${service} wanted it (${offset === 0 ? 'PORT' : `PORT+${offset}`}). ` +
        `Another \`npm start\` may still be running; or choose other ports: ${other} npm start (the API takes PORT, the embedded services the six after it).`,
    );
    this.name = 'PortInUse';
  }
}

/** Whether host:port can be bound right now. */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The first port in use of the block that starts at basePort, with the service that wanted it, or null. */
export async function firstBusyPort(basePort: number, host: string): Promise<{ port: number; service: string } | null> {
  for (const { offset, service } of LOCAL_PORTS) {
    if (!(await isPortFree(basePort + offset, host))) return { port: basePort + offset, service };
  }
  return null;
}

/** A PORT above basePort whose whole block is free (tried in steps of ten), or null. */
export async function freeBasePort(basePort: number, host: string, tries = 20): Promise<number | null> {
  for (let candidate = basePort + 10, n = 0; n < tries && candidate <= MAX_BASE_PORT; candidate += 10, n += 1) {
    if (!(await firstBusyPort(candidate, host))) return candidate;
  }
  return null;
}

/** Throws PortInUse when any port of the block is taken. PORT=0 (free ports for everything) needs no check. */
export async function assertPortsFree(basePort: number, host: string): Promise<void> {
  if (basePort === 0) return;
  const busy = await firstBusyPort(basePort, host);
  if (busy) throw new PortInUse(busy.port, basePort, busy.service, await freeBasePort(basePort, host));
}

/**
 * The same message for a port that was taken between the check and the bind
 * (Node's EADDRINUSE error carries the port), or null for any other error.
 */
export function portInUseFrom(error: unknown, basePort: number): PortInUse | null {
  if (error instanceof PortInUse) return error;
  const { code, port } = (error ?? {}) as { code?: string; port?: number };
  if (code !== 'EADDRINUSE' || typeof port !== 'number') return null;
  const known = LOCAL_PORTS.find(({ offset }) => basePort + offset === port);
  return new PortInUse(port, basePort, known?.service ?? 'a local service', null);
}
