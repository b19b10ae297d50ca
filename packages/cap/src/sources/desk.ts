import {
  ConfigError,
  announcementSchema,
  systemClock,
  type Announcement,
  type Clock,
  type Severity,
} from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { z } from 'zod';
import type { SourceDraft } from './source.js';

/** A draft waiting for an operator. */
export interface PendingDraft {
  /** The announcement id; approve or reject by it. */
  id: string;
  source: string;
  key: string;
  /** `alert` for a new situation, `update` for a revision of one already published. */
  announcement: Announcement;
  /** When the desk received it, ms since the epoch. */
  receivedAt: number;
}

/** What the desk tells `onEvent`: ids, sources, keys and severities; never the text. */
export type DeskEvent =
  | { type: 'draft.created'; id: string; source: string; key: string; severity: Severity; kind: 'alert' | 'update' }
  | { type: 'draft.replaced'; id: string; source: string; key: string; severity: Severity }
  | { type: 'draft.withdrawn'; id: string; source: string; key: string }
  | { type: 'draft.ignored'; source: string; key: string; reason: 'duplicate' | 'expired' | 'quiet' }
  | { type: 'draft.published'; id: string; source: string; key: string; automatic: boolean }
  | { type: 'draft.rejected'; id: string; source: string; key: string }
  | { type: 'draft.publish-failed'; id: string; source: string; key: string };

/** Options of {@link createDraftDesk}. */
export interface DraftDeskOptions {
  /** Publishes an approved announcement, e.g. `(a) => broadcaster.publish(a, audience)`. */
  publish: (announcement: Announcement) => unknown;
  /**
   * Automatic publication, per source, for the listed severities, e.g. `{ ingv: ['extreme', 'severe'] }`.
   * An update of a situation published automatically is published automatically too.
   * @defaultValue `{}`: nothing goes out without an operator
   */
  autoPublish?: Readonly<Record<string, readonly Severity[]>>;
  /** Clock for `sent` and `receivedAt`. @defaultValue the system clock */
  clock?: Pick<Clock, 'now'>;
  /** Optional observer; see {@link DeskEvent}. */
  onEvent?: (event: DeskEvent) => void;
  /** What a previous desk's `state()` returned, to carry on after a restart. @defaultValue an empty desk */
  state?: DraftDeskState;
}

/** Where drafts wait for approval. */
export interface DraftDesk {
  /** Takes drafts from a source (what a poller's `onDrafts` calls). */
  receive(drafts: readonly SourceDraft[]): Promise<void>;
  /** Drafts waiting for an operator, oldest first. */
  pending(): PendingDraft[];
  /**
   * Publishes a pending draft, optionally edited by the operator.
   * @throws ConfigError when no draft has that id.
   */
  approve(id: string, edit?: (announcement: Announcement) => Announcement): Promise<Announcement>;
  /** Drops a pending draft; a later revision of the same situation comes back as a new draft. */
  reject(id: string): boolean;
  /**
   * What the desk knows, as JSON-ready data: save it (after each `onEvent`, say) and pass it back
   * as `state` after a restart, so that a revision of an alert published before the restart is
   * still an update, and pending drafts are still pending.
   */
  state(): DraftDeskState;
}

/** The desk's memory: per situation, what was published, the last news seen and the pending draft. */
export interface DraftDeskState {
  version: 1;
  situations: {
    key: string;
    published: string[];
    fingerprint?: string;
    automatic: boolean;
    pending?: PendingDraft;
  }[];
}

const stateSchema = z.object({
  version: z.literal(1),
  situations: z
    .array(
      z.object({
        key: z.string().min(1).max(500),
        published: z.array(z.string().min(1).max(200)).max(1000),
        fingerprint: z.string().optional(),
        automatic: z.boolean(),
        pending: z
          .object({
            id: z.string().min(1).max(200),
            source: z.string().min(1).max(100),
            key: z.string().min(1).max(500),
            announcement: announcementSchema,
            receivedAt: z.number(),
          })
          .optional(),
      }),
    )
    .max(100_000),
});

interface Situation {
  /** Ids published for this key, oldest first. */
  published: string[];
  fingerprint?: string;
  pending?: PendingDraft;
  automatic: boolean;
}

/** What makes two drafts the same news: everything but identity and timestamps of sending. */
function fingerprint(announcement: Announcement): string {
  const { id: _id, type: _type, references: _references, revision: _revision, sent: _sent, ...rest } = announcement;
  return JSON.stringify(rest);
}

/**
 * The draft/approval desk between sources and the broadcaster. A source's draft waits here for
 * an operator unless the comune opted in to automatic publication for that source and severity.
 *
 * Each situation (a draft `key`) goes out once: the same draft again is ignored; a changed draft
 * replaces a pending one, or, once published, becomes an `update` that references every message
 * published for it (`ingv-123.2` references `ingv-123`). A quiet draft (a day back to green)
 * withdraws a pending draft or updates a published one. Drafts already expired are ignored.
 *
 * State is kept in memory; `state()` gives it as data to save, and the `state` option restores
 * it after a restart. Without it, a source's drafts arrive as new after a restart: their ids are
 * stable (`ingv-<event>`, `dpc-<zone>-<day>`), so the broadcaster's idempotency key keeps an
 * automatic publication from going out twice, but a revision of something published before the
 * restart would come back as the first alert, which the broadcaster then refuses as a duplicate.
 *
 * @param options - See {@link DraftDeskOptions}.
 * @returns The desk.
 * @example
 * ```ts
 * const desk = createDraftDesk({ publish: (a) => broadcaster.publish(a), autoPublish: { ingv: ['extreme'] } });
 * createSourcePoller({ source: ingv, onDrafts: (drafts) => desk.receive(drafts) }).start();
 * ```
 */
export function createDraftDesk(options: DraftDeskOptions): DraftDesk {
  const clock = options.clock ?? systemClock;
  const auto = options.autoPublish ?? {};
  const situations = new Map<string, Situation>();
  if (options.state !== undefined) {
    const saved = parseOrThrow('createDraftDesk state', stateSchema, options.state);
    for (const { key, published, fingerprint, automatic, pending } of saved.situations) {
      situations.set(key, {
        published,
        automatic,
        ...(fingerprint === undefined ? {} : { fingerprint }),
        ...(pending === undefined ? {} : { pending }),
      });
    }
  }
  const emit = (event: DeskEvent): void => options.onEvent?.(event);
  const situationOf = (key: string): Situation => {
    let situation = situations.get(key);
    if (!situation) situations.set(key, (situation = { published: [], automatic: false }));
    return situation;
  };

  const publish = async (draft: PendingDraft, situation: Situation, automatic: boolean): Promise<Announcement> => {
    const announcement: Announcement = { ...draft.announcement, sent: new Date(clock.now()).toISOString() };
    try {
      await options.publish(announcement);
    } catch (error) {
      emit({ type: 'draft.publish-failed', id: draft.id, source: draft.source, key: draft.key });
      throw error;
    }
    situation.published.push(draft.id);
    situation.automatic ||= automatic;
    if (situation.pending?.id === draft.id) delete situation.pending;
    emit({ type: 'draft.published', id: draft.id, source: draft.source, key: draft.key, automatic });
    return announcement;
  };

  const receiveOne = async (draft: SourceDraft): Promise<void> => {
    const { source, key } = draft;
    const now = clock.now();
    if (draft.announcement.expires !== undefined && Date.parse(draft.announcement.expires) <= now) {
      emit({ type: 'draft.ignored', source, key, reason: 'expired' });
      return;
    }
    const situation = situationOf(key);
    const print = draft.fingerprint ?? fingerprint(draft.announcement);
    if (situation.fingerprint === print) {
      emit({ type: 'draft.ignored', source, key, reason: 'duplicate' });
      return;
    }
    situation.fingerprint = print;
    if (situation.published.length === 0) {
      if (draft.quiet) {
        const pending = situation.pending;
        if (pending) {
          delete situation.pending;
          emit({ type: 'draft.withdrawn', id: pending.id, source, key });
        } else {
          emit({ type: 'draft.ignored', source, key, reason: 'quiet' });
        }
        return;
      }
      const replacing = situation.pending !== undefined;
      situation.pending = { id: draft.announcement.id, source, key, announcement: draft.announcement, receivedAt: now };
      const severity = draft.announcement.severity;
      if (replacing) emit({ type: 'draft.replaced', id: draft.announcement.id, source, key, severity });
      else emit({ type: 'draft.created', id: draft.announcement.id, source, key, severity, kind: 'alert' });
    } else {
      const base = situation.published[0]!;
      const id = `${base.slice(0, 120)}.${situation.published.length + 1}`;
      const announcement: Announcement = {
        ...draft.announcement,
        id,
        type: 'update',
        references: [...situation.published],
      };
      const replacing = situation.pending !== undefined;
      situation.pending = { id, source, key, announcement, receivedAt: now };
      if (replacing) emit({ type: 'draft.replaced', id, source, key, severity: announcement.severity });
      else emit({ type: 'draft.created', id, source, key, severity: announcement.severity, kind: 'update' });
    }
    const pending = situation.pending;
    const automatic =
      (auto[source] ?? []).includes(pending.announcement.severity) ||
      (situation.automatic && pending.announcement.type === 'update');
    if (automatic) await publish(pending, situation, true).catch(() => undefined);
  };

  return {
    async receive(drafts) {
      for (const draft of drafts) await receiveOne(draft);
    },
    pending() {
      return [...situations.values()]
        .flatMap((situation) => (situation.pending ? [situation.pending] : []))
        .sort((a, b) => a.receivedAt - b.receivedAt);
    },
    async approve(id, edit) {
      const situation = [...situations.values()].find((candidate) => candidate.pending?.id === id);
      if (!situation?.pending) throw new ConfigError(`No pending draft has the id given to approve()`, ['id']);
      const draft = edit
        ? { ...situation.pending, announcement: announcementSchema.parse(edit(situation.pending.announcement)) }
        : situation.pending;
      return publish(draft, situation, false);
    },
    state() {
      return {
        version: 1,
        situations: [...situations].map(([key, situation]) => ({
          key,
          published: [...situation.published],
          automatic: situation.automatic,
          ...(situation.fingerprint === undefined ? {} : { fingerprint: situation.fingerprint }),
          ...(situation.pending === undefined ? {} : { pending: situation.pending }),
        })),
      };
    },
    reject(id) {
      const situation = [...situations.values()].find((candidate) => candidate.pending?.id === id);
      if (!situation?.pending) return false;
      const { source, key } = situation.pending;
      delete situation.pending;
      emit({ type: 'draft.rejected', id, source, key });
      return true;
    },
  };
}
