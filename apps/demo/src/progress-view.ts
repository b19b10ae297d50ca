import type { RunProgress, RunReport } from '@banditore/core';

const BAR = 24;

/** One line per run and channel: a bar, counts, rate and ETA. */
export function progressLines(label: string, progress: RunProgress): string[] {
  return progress.channels.map((channel) => {
    const done = channel.sent + channel.failed + channel.dropped + channel.cancelled;
    const share = channel.planned === 0 ? (channel.planningDone ? 1 : 0) : done / channel.planned;
    const filled = Math.round(share * BAR);
    const eta = channel.etaSeconds === undefined ? '  ?' : `${Math.ceil(channel.etaSeconds)}s`;
    const state = channel.state === 'running' ? '' : ` [${channel.state}]`;
    const receipts =
      channel.delivered === undefined ? '' : `  ✓ ${channel.delivered} delivered, ${channel.read ?? 0} read`;
    return `${label.padEnd(14)} ${channel.channel.padEnd(17)} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${String(done).padStart(4)}/${String(channel.planned).padEnd(4)} ${channel.rate.toFixed(0).padStart(3)}/s  ETA ${eta.padStart(4)}${state}${receipts}`;
  });
}

/** A report as a few readable lines. */
export function reportLines(label: string, report: RunReport): string[] {
  const lines = [`${label}: ${report.status}, priority ${report.priority}, ${(report.durationMs / 1000).toFixed(1)} s`];
  for (const channel of report.channels) {
    const codes = Object.entries(channel.byCode)
      .map(([code, count]) => `${code} ${count}`)
      .join(', ');
    // Every delivery ends in exactly one column, so they add up to planned; a stopped channel's
    // remainder waits for resume(). Ambiguous ones are among the sent.
    const settled = channel.sent + channel.dropped + channel.failed + channel.cancelled + channel.expired;
    const pending = channel.planned - settled;
    lines.push(
      `  ${channel.channel.padEnd(17)} planned ${channel.planned}: sent ${channel.sent}, dropped ${channel.dropped}, failed ${channel.failed}, cancelled ${channel.cancelled}, expired ${channel.expired}${pending > 0 ? `, pending ${pending}` : ''} (ambiguous ${channel.ambiguous} of the sent)${codes ? ` (${codes})` : ''}${channel.delivered === undefined ? '' : `, delivered so far ${channel.delivered} (${channel.read ?? 0} read)`}`,
    );
  }
  return lines;
}

/** Redraws a block of lines in place on a terminal; prints it every few seconds elsewhere. */
export function createLiveBlock(stream: NodeJS.WriteStream): {
  draw(lines: string[]): void;
  end(lines: string[]): void;
} {
  let drawn = 0;
  let lastPrint = 0;
  const write = (lines: string[]): void => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A`);
    for (const line of lines) stream.write(`\x1b[2K${line}\n`);
    drawn = lines.length;
  };
  return {
    draw(lines) {
      if (stream.isTTY) write(lines);
      else if (Date.now() - lastPrint > 3000) {
        lastPrint = Date.now();
        stream.write(`${lines.join('\n')}\n`);
      }
    },
    end(lines) {
      if (stream.isTTY) write(lines);
      else stream.write(`${lines.join('\n')}\n`);
    },
  };
}
