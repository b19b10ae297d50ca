// @ts-check
/**
 * `npm run test:busy`: runs the whole test suite while every core is kept busy, the way a shared
 * CI machine or a laptop doing other work would be. A test that passes alone but fails here
 * depends on timing, which is a defect of the test.
 *
 * It starts one spin-loop process per core, sets BANDITORE_TEST_SLOWDOWN (default 4) so the
 * hang limits scale, and runs `npm test` (test results are never cached; one package's tests at
 * a time, which is what two busy cores can take) the given number of times in a row. It stops at the first failure and always stops the spinners.
 *
 *   npm run test:busy              one run
 *   npm run test:busy -- --runs=3  three runs in a row
 *   BANDITORE_TEST_SEED=123 npm run test:busy   replay the seeded random choices of a failure
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import process from 'node:process';

const runsArgument = process.argv.slice(2).find((argument) => argument.startsWith('--runs='));
const runs = Math.max(1, Number(runsArgument?.slice('--runs='.length) ?? 1) || 1);
const slowdown = process.env.BANDITORE_TEST_SLOWDOWN ?? '4';
const cores = availableParallelism();

const spinners = Array.from({ length: cores }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopSpinners = () => {
  for (const spinner of spinners) if (spinner.exitCode === null) spinner.kill('SIGKILL');
};
process.on('exit', stopSpinners);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    stopSpinners();
    process.exit(130);
  });
}

/**
 * Runs `npm test` once.
 *
 * @returns {Promise<number>} Its exit code.
 */
function testOnce() {
  return new Promise((resolve) => {
    const child = spawn('npm', ['test'], {
      stdio: 'inherit',
      env: { ...process.env, BANDITORE_TEST_SLOWDOWN: slowdown },
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
const results = [];
let failed = false;
for (let run = 1; run <= runs && !failed; run++) {
  process.stdout.write(`\ntest:busy run ${run}/${runs}: ${cores} spinners, BANDITORE_TEST_SLOWDOWN=${slowdown}\n`);
  const started = Date.now();
  const code = await testOnce();
  const line = `run ${run}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${Math.round((Date.now() - started) / 1000)} s, load average ${load()}`;
  results.push(line);
  failed = code !== 0;
}
stopSpinners();
process.stdout.write(`\ntest:busy results\n${results.map((line) => `  ${line}`).join('\n')}\n`);
process.exit(failed ? 1 : 0);
