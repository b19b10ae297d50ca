import type { ReceiptCounts } from '../store/receipt-store.js';
import type { DeliveryCounts, RunRecord } from '../store/run-store.js';
import type { RunChannel } from './run-channel.js';
import type { ChannelReport, RunReport } from './types.js';

/** Inputs of {@link buildReport}. */
export interface ReportInputs {
  record: RunRecord;
  status: RunReport['status'];
  counts: readonly DeliveryCounts[];
  /** This process's view of the channels (stop codes, ambiguous retries); may be empty. */
  sources: readonly RunChannel[];
  /** Channels that could not start here, with their code (e.g. `RENDER_FAILED`). */
  skipped?: ReadonlyMap<string, string>;
  /** Wall-clock times. */
  startedAt: number;
  finishedAt: number;
  /** Measured on the monotonic clock when known, so a wall-clock step does not distort it. @defaultValue finishedAt − startedAt */
  durationMs?: number;
  /** Receipt counts of the channels that have receipts (absent for the others). */
  receipts?: readonly ReceiptCounts[];
}

/**
 * Builds a run's final report from the ledger counts. Ids, counts and codes only.
 *
 * @param inputs - The run, its final status and counts.
 * @returns The report.
 */
export function buildReport(inputs: ReportInputs): RunReport {
  const { record, counts, sources } = inputs;
  const channels = record.audiences.map((audience): ChannelReport => {
    const entry = counts.find((count) => count.channel === audience.channel);
    const source = sources.find((candidate) => candidate.channel === audience.channel);
    const byStatus = entry?.byStatus;
    const planned = byStatus ? Object.values(byStatus).reduce((sum, value) => sum + value, 0) : 0;
    const report: ChannelReport = {
      channel: audience.channel,
      planned,
      sent: byStatus?.sent ?? 0,
      failed: byStatus?.failed ?? 0,
      dropped: byStatus?.dropped ?? 0,
      cancelled: byStatus?.cancelled ?? 0,
      expired: byStatus?.expired ?? 0,
      ambiguous: (entry?.ambiguous ?? 0) + (source?.ambiguousRetries ?? 0),
      byCode: { ...(entry?.byCode ?? {}) },
    };
    const receipts = inputs.receipts?.find((entry) => entry.channel === audience.channel);
    if (receipts) {
      report.delivered = receipts.delivered;
      report.read = receipts.read;
      report.failedAfterSend = receipts.failed;
    }
    if (!source) report.stoppedCode = inputs.skipped?.get(audience.channel) ?? 'CHANNEL_NOT_CONFIGURED';
    else if (source.state === 'stopped') report.stoppedCode = source.stoppedCode ?? 'STOPPED';
    else if (source.state === 'lost-lease') report.stoppedCode = 'LEASE_LOST';
    else if (source.state === 'closed') report.stoppedCode = 'BROADCASTER_CLOSED';
    return report;
  });
  return {
    runId: record.id,
    announcementId: record.announcement.id,
    status: inputs.status,
    priority: record.priority,
    startedAt: new Date(inputs.startedAt).toISOString(),
    finishedAt: new Date(inputs.finishedAt).toISOString(),
    durationMs: Math.round(inputs.durationMs ?? inputs.finishedAt - inputs.startedAt),
    channels,
  };
}
