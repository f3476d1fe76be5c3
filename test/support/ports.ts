/**
 * Ports for processes a test starts on fixed ports (`npm start` takes PORT and the six after it): the OS
 * picks a free port (listen on 0), and the block after it is checked free too. Another process can still take
 * one in between, so a start that fails on a port in use is retried on a new block (`withFreePorts`).
 */
import { createServer } from 'node:net';

const listenOn = (port: number) =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });

/** A port the OS reports free, with the `count - 1` ports after it free as well at the time of asking. */
export async function freePortBlock(count: number): Promise<number> {
  for (let tries = 0; tries < 20; tries += 1) {
    const first = await listenOn(0);
    if (first + count > 65_535) continue;
    try {
      for (let offset = 1; offset < count; offset += 1) await listenOn(first + offset);
      return first;
    } catch {
      // One of the block is taken: ask again.
    }
  }
  throw new Error(`No block of ${count} free ports found`);
}

/** A start failed because a port was taken after it was found free: retry on another block. */
export class PortTaken extends Error {}

/** Runs `start` on a free block, again on a new block (up to 5 times) when it reports PortTaken. */
export async function withFreePorts<T>(count: number, start: (port: number) => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await start(await freePortBlock(count));
    } catch (error) {
      if (!(error instanceof PortTaken) || tries >= 5) throw error;
    }
  }
}
