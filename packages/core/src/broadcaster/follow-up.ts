import type { AnnouncementChange, FollowUpKind } from '../channel/channel.js';
import type { Announcement } from '../domain/announcement.js';
import type { RunRecord, RunStatus, RunStore } from '../store/run-store.js';

/** Every run status: a follow-up reaches whoever an earlier run reached, however it ended. */
const ALL_STATUSES: readonly RunStatus[] = ['active', 'completed', 'cancelled', 'expired'];

/**
 * What makes a run a follow-up: earlier runs of the same alert's thread exist. Planned from the
 * ledger: first everyone an earlier run reached (they get the follow-up), then, for an update,
 * the announcement's own audience (those not reached yet get it as a first message).
 */
export interface FollowUpPlan {
  readonly kind: FollowUpKind;
  /** The thread: the announcement's id, the ids it references, and so on through earlier runs. */
  readonly threadIds: readonly string[];
  /** The latest earlier announcement of the thread. */
  readonly previous: Announcement;
  /** A cancel goes only to those an earlier message reached; an update to its audience as well. */
  readonly reachesAudience: boolean;
  /**
   * Earlier runs of the thread still delivering: superseded (cancelled) before planning, so no
   * citizen gets the stale message after its correction, and every one it reached is in the ledger.
   */
  readonly activeRunIds: readonly string[];
}

/** The ids whose runs are the same alert: the announcement's own and those it references. */
export function threadOf(announcement: Announcement): string[] {
  return [...new Set([announcement.id, ...announcement.references])];
}

/**
 * Finds the earlier runs of a run's thread and makes its follow-up plan, or `undefined` for a
 * first message (nothing of the thread was published before). Runs created after this one do
 * not count: a resumed revision 2 is not a follow-up of revision 3. Reads the run list once per
 * run start (a few hundred records for a comune's year), not per recipient.
 *
 * @param store - Where the runs are.
 * @param record - The run.
 */
export async function followUpPlanFor(
  store: RunStore,
  record: Pick<RunRecord, 'id' | 'announcement'>,
): Promise<FollowUpPlan | undefined> {
  const runs = await store.listRuns({ status: ALL_STATUSES });
  // Oldest first: the runs before this one in the list are the earlier ones (ties keep creation
  // order). A run not created yet (an estimate) comes after all of them.
  const index = runs.findIndex((run) => run.id === record.id);
  const earlier = index === -1 ? runs : runs.slice(0, index);
  // The thread is transitive: a cancel that references the first alert also follows up the
  // update that referenced it (whoever only the update reached, and the message they have now).
  const thread = new Set(threadOf(record.announcement));
  for (let grew = true; grew;) {
    grew = false;
    for (const run of earlier) {
      const ids = threadOf(run.announcement);
      if (!ids.some((id) => thread.has(id)) || ids.every((id) => thread.has(id))) continue;
      for (const id of ids) thread.add(id);
      grew = true;
    }
  }
  let previous: RunRecord | undefined;
  for (const run of earlier) if (thread.has(run.announcement.id)) previous = run;
  if (previous === undefined) return undefined;
  const kind: FollowUpKind = record.announcement.type === 'cancel' ? 'cancel' : 'update';
  return {
    kind,
    threadIds: [...thread],
    previous: previous.announcement,
    reachesAudience: kind === 'update',
    activeRunIds: earlier
      .filter((run) => run.status === 'active' && thread.has(run.announcement.id))
      .map((run) => run.id),
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What changed between two announcements of one thread, in the order a reader cares about.
 *
 * @param previous - The earlier announcement.
 * @param next - The follow-up.
 * @returns The changed fields; text fields count when any language changed.
 */
export function changesBetween(previous: Announcement, next: Announcement): AnnouncementChange[] {
  const changes: AnnouncementChange[] = [];
  const scalar = ['severity', 'colorCode', 'urgency', 'certainty', 'event'] as const;
  for (const field of scalar) if (previous[field] !== next[field]) changes.push(field);
  const text = ['headline', 'body', 'instruction'] as const;
  const languages = new Set([...Object.keys(previous.content), ...Object.keys(next.content)]);
  for (const field of text) {
    if ([...languages].some((language) => previous.content[language]?.[field] !== next.content[language]?.[field]))
      changes.push(field);
  }
  if (!same(previous.areas, next.areas) || previous.areaDescription !== next.areaDescription) changes.push('areas');
  if (previous.effective !== next.effective) changes.push('effective');
  if (previous.expires !== next.expires) changes.push('expires');
  if (!same(previous.links, next.links)) changes.push('links');
  if (!same(previous.image, next.image)) changes.push('image');
  return changes;
}

/** The follow-up markers per language; others get the Italian one. */
const MARKERS: Readonly<Record<string, Readonly<Record<FollowUpKind, string>>>> = {
  it: { update: 'Aggiornamento', cancel: 'Revocata' },
  en: { update: 'Update', cancel: 'Cancelled' },
  de: { update: 'Aktualisierung', cancel: 'Aufgehoben' },
  fr: { update: 'Mise à jour', cancel: 'Annulée' },
};

/**
 * The follow-up marker of a language, e.g. "Aggiornamento" or "Revocata".
 *
 * @param kind - Update or cancel.
 * @param language - A language tag; its primary subtag chooses.
 */
export function followUpMarker(kind: FollowUpKind, language: string): string {
  const primary = language.toLowerCase().split('-')[0] ?? 'it';
  return (MARKERS[primary] ?? MARKERS.it!)[kind];
}

/**
 * The announcement a channel without `renderFollowUp()` renders for a follow-up: each headline
 * starts with the marker of its language ("Aggiornamento: …", "Revocata: …"), unless it does.
 *
 * @param announcement - The update or cancel.
 * @param kind - Which.
 */
export function markFollowUp(announcement: Announcement, kind: FollowUpKind): Announcement {
  const content: Announcement['content'] = {};
  for (const [language, text] of Object.entries(announcement.content)) {
    const marker = followUpMarker(kind, language);
    const marked = text.headline.toLowerCase().startsWith(marker.toLowerCase());
    content[language] = marked ? text : { ...text, headline: `${marker}: ${text.headline}` };
  }
  return { ...announcement, content };
}
