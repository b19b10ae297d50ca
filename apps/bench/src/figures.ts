/** One benchmark figure: a stable key, a value and, where there is one, the target it meets. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
}

/** Prints figures as they arrive: aligned text lines, or one JSON object per line with `--json`. */
export function createPrinter(json: boolean): (figure: Figure) => void {
  return (figure) => {
    if (json) {
      process.stdout.write(`${JSON.stringify(figure)}\n`);
      return;
    }
    const value = Number.isInteger(figure.value) ? String(figure.value) : figure.value.toFixed(3);
    const target = figure.target ? `target ${figure.target}` : '';
    const verdict = figure.pass === undefined ? '' : figure.pass ? 'PASS' : 'FAIL';
    process.stdout.write(
      `${figure.name.padEnd(32)} ${value.padStart(12)} ${figure.unit.padEnd(10)} ${target.padEnd(22)} ${verdict}\n`,
    );
  };
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Progress notes for humans go to stderr, so stdout stays machine-readable with --json. */
export function note(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}
