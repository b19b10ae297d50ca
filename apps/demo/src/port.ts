import { createServer } from 'node:net';

/** The demo's port is taken: the message says what to do, no stack trace. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** The flag's default: `--port=N` (0 = any free port). */
export const DEFAULT_PORT = 3000;

/**
 * Reads `--port=N` from the command line.
 *
 * @param args - The command-line arguments after the script.
 * @returns The port, {@link DEFAULT_PORT} when the flag is absent.
 * @throws PortInUseError's sibling `Error` when the value is not a port number (0–65535).
 */
export function parsePort(args: readonly string[]): number {
  const value = args.find((arg) => arg.startsWith('--port='))?.slice('--port='.length);
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new Error(`--port must be a number from 0 to 65535 (0 picks any free port), not "${value.slice(0, 20)}"`);
  }
  return port;
}

/**
 * Checks that `port` is free before the demo resets its data file: a second `npm start` while one
 * is running then explains itself, and does not delete the running demo's database.
 *
 * @param port - The port the demo will listen on; 0 is always free.
 * @param host - The interface it will listen on.
 * @throws PortInUseError when another process holds the port.
 */
export async function checkPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(
              `Port ${port} is already in use (is another demo still running?). Stop that process, or pick another port: npm start -- --port=${port + 1} (or --port=0 for any free port).`,
            )
          : error,
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
