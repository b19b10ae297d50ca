import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A fake provider running in its own process. */
export interface ServerProcess {
  origin: string;
  stop(): Promise<void>;
}

/** Starts `http-server.js` (built next to this file) and waits for its port. */
export async function startServerProcess(): Promise<ServerProcess> {
  const script = fileURLToPath(new URL('./http-server.js', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
