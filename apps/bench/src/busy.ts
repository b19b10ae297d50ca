import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * `--busy`: keeps every core busy from other processes while the bench runs, the way a shared
 * machine is — pacing must stay inside its limits when timers fire late and the event loop
 * lags. One spinning child process per core; stopped (by their own pids) when the bench ends.
 *
 * @returns A function that stops the load.
 */
export function startBusyLoad(): () => void {
  const children: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'for (;;) Math.sqrt(Math.random());'], { stdio: 'ignore' }),
  );
  return () => {
    for (const child of children) child.kill('SIGKILL');
  };
}
