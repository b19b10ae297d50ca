import type { Announcement } from '@banditore/core';
import { createManualClock } from '@banditore/core/testing';
import { describe, expect, it } from 'vitest';
import { createDraftDesk, type DeskEvent } from './desk.js';
import { dpcDrafts } from './dpc.js';
import { ingvDrafts, parseIngvText, type QuakeEvent } from './ingv.js';

const JESI = { name: 'Jesi', lat: 43.5236, lon: 13.2439 };
const EVENT: QuakeEvent = {
  eventId: '33378441',
  time: '2026-03-01T07:10:55.070Z',
  lat: 43.9477,
  lon: 13.3335,
  depthKm: 7.4,
  magnitude: 3.5,
  magnitudeType: 'ML',
  place: 'Costa Marchigiana Pesarese (Pesaro-Urbino)',
  eventType: 'earthquake',
};
const drafts = (event: Partial<QuakeEvent> = {}) => ingvDrafts([{ ...EVENT, ...event }], { comune: JESI });

function desk(autoPublish: Record<string, ('extreme' | 'severe' | 'moderate' | 'minor')[]> = {}) {
  const clock = createManualClock(Date.parse('2026-03-01T08:00:00Z'));
  const published: Announcement[] = [];
  const events: DeskEvent[] = [];
  const created = createDraftDesk({
    publish: (a) => void published.push(a),
    autoPublish,
    clock,
    onEvent: (e) => events.push(e),
  });
  return { desk: created, published, events, clock };
}

describe('draft desk', () => {
  it('keeps a draft for an operator by default, and publishes it on approval with its sending time', async () => {
    const { desk: d, published, events } = desk();
    await d.receive(drafts());
    expect(published).toEqual([]);
    expect(d.pending().map((draft) => [draft.id, draft.announcement.type])).toEqual([['ingv-33378441', 'alert']]);
    const out = await d.approve('ingv-33378441');
    expect(out.sent).toBe('2026-03-01T08:00:00.000Z');
    expect(published.map((a) => a.id)).toEqual(['ingv-33378441']);
    expect(d.pending()).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['draft.created', 'draft.published']);
    expect(JSON.stringify(events)).not.toContain('Terremoto');
  });

  it('ignores the same event again, and makes a revision of a published event an update that references it', async () => {
    const { desk: d, published, events } = desk();
    await d.receive(drafts());
    await d.approve('ingv-33378441');
    await d.receive(drafts());
    expect(events.at(-1)).toMatchObject({ type: 'draft.ignored', reason: 'duplicate' });
    await d.receive(drafts({ magnitude: 3.7, lat: 43.95 }));
    const [update] = d.pending();
    expect(update?.announcement).toMatchObject({
      id: 'ingv-33378441.2',
      type: 'update',
      references: ['ingv-33378441'],
    });
    expect(update?.announcement.content.it?.headline).toBe('Terremoto di magnitudo 3.7 a 48 km da Jesi');
    await d.approve('ingv-33378441.2');
    await d.receive(drafts({ magnitude: 3.6 }));
    expect(d.pending()[0]?.announcement).toMatchObject({
      id: 'ingv-33378441.3',
      references: ['ingv-33378441', 'ingv-33378441.2'],
    });
    expect(published).toHaveLength(2);
  });

  it('replaces a pending draft with its revision instead of queueing two', async () => {
    const { desk: d } = desk();
    await d.receive(drafts());
    await d.receive(drafts({ magnitude: 3.8 }));
    expect(d.pending()).toHaveLength(1);
    expect(d.pending()[0]?.announcement).toMatchObject({ id: 'ingv-33378441', type: 'alert' });
    expect(d.pending()[0]?.announcement.content.it?.headline).toContain('3.8');
  });

  it('publishes automatically only the opted-in source and severities, and their updates', async () => {
    const { desk: d, published } = desk({ ingv: ['moderate', 'severe', 'extreme'] });
    await d.receive(drafts());
    expect(published).toEqual([]);
    await d.receive(drafts({ eventId: '1', magnitude: 4.2 }));
    expect(published.map((a) => a.id)).toEqual(['ingv-1']);
    // A downgrade of an automatic publication follows automatically.
    await d.receive(drafts({ eventId: '1', magnitude: 3.9 }));
    expect(published.map((a) => [a.id, a.type])).toEqual([
      ['ingv-1', 'alert'],
      ['ingv-1.2', 'update'],
    ]);
    expect(d.pending().map((draft) => draft.id)).toEqual(['ingv-33378441']);
  });

  it('drops expired drafts, withdraws a pending one when the situation is over, and rejects on request', async () => {
    const { desk: d, events } = desk();
    await d.receive(drafts({ time: '2026-02-20T00:00:00Z' }));
    expect(events.at(-1)).toMatchObject({ type: 'draft.ignored', reason: 'expired' });
    await d.receive(drafts());
    const [draft] = drafts({ magnitude: 3.6 });
    await d.receive([{ ...draft!, quiet: true }]);
    expect(d.pending()).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'draft.withdrawn', id: 'ingv-33378441' });
    await d.receive(drafts({ eventId: '2' }));
    expect(d.reject('ingv-2')).toBe(true);
    expect(d.reject('ingv-2')).toBe(false);
    await expect(d.approve('ingv-2')).rejects.toMatchObject({ name: 'ConfigError' });
  });

  it('takes a DPC day repeated by the next bulletin as the same news, and a change of colour as an update', async () => {
    const { desk: d, published } = desk();
    const bulletin = (level: 'arancione' | 'rossa', issuedAt: string) =>
      dpcDrafts(
        {
          issuedAt,
          name: 'Bollettino',
          today: { date: '2026-03-01', level, risks: { idraulico: level } },
          tomorrow: { date: '2026-03-02', level: 'verde', risks: {} },
        },
        { comune: 'Jesi', zone: { code: 'Marc-4' } },
      );
    await d.receive(bulletin('arancione', '2026-03-01T07:00:00Z'));
    await d.approve('dpc-Marc-4-20260301');
    await d.receive(bulletin('arancione', '2026-03-01T07:30:00Z')); // an "aggiornamento" with the same levels
    expect(d.pending()).toEqual([]);
    await d.receive(bulletin('rossa', '2026-03-01T07:45:00Z'));
    expect(d.pending()[0]?.announcement).toMatchObject({
      id: 'dpc-Marc-4-20260301.2',
      type: 'update',
      colorCode: 'rossa',
    });
    expect(published).toHaveLength(1);
  });

  it('carries on after a restart from its saved state: pending drafts stay, revisions stay updates', async () => {
    const first = desk();
    await first.desk.receive(drafts());
    await first.desk.approve('ingv-33378441');
    await first.desk.receive(drafts({ eventId: '2' }));
    const saved = JSON.parse(JSON.stringify(first.desk.state())) as ReturnType<typeof first.desk.state>;

    const published: Announcement[] = [];
    const restarted = createDraftDesk({ publish: (a) => void published.push(a), clock: first.clock, state: saved });
    expect(restarted.pending().map((draft) => draft.id)).toEqual(['ingv-2']);
    await restarted.receive(drafts());
    expect(restarted.pending().map((draft) => draft.id)).toEqual(['ingv-2']);
    await restarted.receive(drafts({ magnitude: 3.9 }));
    expect(restarted.pending().find((draft) => draft.key === 'ingv:33378441')?.announcement).toMatchObject({
      id: 'ingv-33378441.2',
      type: 'update',
      references: ['ingv-33378441'],
    });
    expect(() => createDraftDesk({ publish: () => undefined, state: { version: 2 } as never })).toThrow(/state/);
  });

  it('keeps a draft pending when publishing fails', async () => {
    const clock = createManualClock();
    const events: DeskEvent[] = [];
    const d = createDraftDesk({
      publish: () => Promise.reject(new Error('store down')),
      clock,
      onEvent: (e) => events.push(e),
    });
    const [draft] = ingvDrafts(
      parseIngvText(
        `#EventID|Time|Latitude|Longitude|Depth/Km|Author|Catalog|Contributor|ContributorID|MagType|Magnitude|MagAuthor|EventLocationName|EventType\n9|2026-01-01T00:30:00|43.6|13.3|9|x||||ML|3.1|--|Jesi|earthquake`,
      ),
      { comune: JESI },
    );
    await d.receive([draft!]);
    await expect(d.approve('ingv-9')).rejects.toThrow('store down');
    expect(d.pending()).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'draft.publish-failed', id: 'ingv-9' });
  });
});
