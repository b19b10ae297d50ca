import type {
  ConsentKind,
  ConsentRecord,
  Subscriber,
  SubscriberInput,
  SubscriberPatch,
  SubscriberStore,
} from '@banditore/core';
import { encodeList, parseRowId, toConsentEvent, toSubscriber, type ConsentRow, type SubscriberRow } from './codec.js';
import { settle, type StoreContext } from './context.js';

type SubscriberMethods = Pick<
  SubscriberStore,
  'subscribe' | 'importSubscribers' | 'getSubscriber' | 'findSubscriber' | 'updateSubscriber' | 'listConsent'
>;

const LIVE = `status <> 'erased'`;

/** Appends one consent event; the table's triggers refuse updates and deletes. */
export function appendConsent(
  ctx: StoreContext,
  subscriberId: number,
  channel: string,
  kind: ConsentKind,
  consent: ConsentRecord,
  topics: string | null,
): void {
  ctx
    .statement(
      `INSERT INTO consent_events (subscriber_id, kind, at, channel, method, notice_version, topics)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(subscriberId, kind, consent.at ?? ctx.nowIso(), channel, consent.method, consent.noticeVersion, topics);
}

/** Reads a live subscriber row by row id. */
export function liveRow(ctx: StoreContext, id: number): SubscriberRow | undefined {
  return ctx.statement(`SELECT * FROM subscribers WHERE id = ? AND ${LIVE}`).get(id) as SubscriberRow | undefined;
}

function rowByAddress(ctx: StoreContext, channel: string, address: string): SubscriberRow | undefined {
  return ctx.statement(`SELECT * FROM subscribers WHERE channel = ? AND address = ?`).get(channel, address) as
    SubscriberRow | undefined;
}

/**
 * Writes one subscription: a new row, or the existing (channel, address) updated and, when
 * `reactivate`, made active again. Returns the row id, or `undefined` when skipped.
 */
function upsert(
  ctx: StoreContext,
  input: SubscriberInput,
  consent: ConsentRecord,
  reactivate: boolean,
): number | undefined {
  const topics = encodeList(input.topics, 'topics');
  const areas = encodeList(input.areas, 'areas');
  const now = ctx.nowIso();
  const existing = rowByAddress(ctx, input.channel, input.address);
  let id: number;
  if (existing) {
    // An import must not override a citizen's own withdrawal; only they can subscribe again.
    if (!reactivate && existing.status === 'unsubscribed') return undefined;
    ctx
      .statement(
        `UPDATE subscribers SET topics = ?, areas = ?, language = ?, citizen_id = coalesce(?, citizen_id),
           status = CASE WHEN ? THEN 'active' ELSE status END, updated_at = ? WHERE id = ?`,
      )
      .run(topics, areas, input.language, input.citizenId ?? null, reactivate ? 1 : 0, now, existing.id);
    id = existing.id;
  } else {
    id = Number(
      ctx
        .statement(
          `INSERT INTO subscribers (channel, address, status, topics, areas, language, citizen_id, created_at, updated_at)
           VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?)`,
        )
        .run(input.channel, input.address, topics, areas, input.language, input.citizenId ?? null, now, now)
        .lastInsertRowid,
    );
  }
  appendConsent(ctx, id, input.channel, 'subscribed', consent, topics);
  return id;
}

/**
 * The subscriber half of the store: subscriptions, updates and the consent ledger.
 *
 * @param ctx - The shared store context.
 */
export function createSubscriberMethods(ctx: StoreContext): SubscriberMethods {
  const { db } = ctx;
  const subscribeOne = db.transaction((input: SubscriberInput, consent: ConsentRecord) =>
    upsert(ctx, input, consent, true),
  );
  const importMany = db.transaction((inputs: readonly SubscriberInput[], consent: ConsentRecord) => {
    let written = 0;
    for (const input of inputs) if (upsert(ctx, input, consent, false) !== undefined) written++;
    return written;
  });

  const update = db.transaction((rowId: number, rawPatch: SubscriberPatch, rawConsent?: ConsentRecord) => {
    const row = liveRow(ctx, rowId);
    if (!row) return undefined;
    const patch = ctx.guard.patch(row.channel, rawPatch);
    const consent = rawConsent === undefined ? undefined : ctx.guard.consent(rawConsent);
    const topics = patch.topics === undefined ? row.topics : encodeList(patch.topics, 'topics');
    const areas = patch.areas === undefined ? row.areas : encodeList(patch.areas, 'areas');
    try {
      ctx
        .statement(
          `UPDATE subscribers SET topics = ?, areas = ?, language = ?, status = ?, address = ?, updated_at = ? WHERE id = ?`,
        )
        .run(
          topics,
          areas,
          patch.language ?? row.language,
          patch.status ?? row.status,
          patch.address ?? row.address,
          ctx.nowIso(),
          rowId,
        );
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        // The message must not carry the address: it is personal data.
        throw new Error(`Another subscriber of channel "${row.channel}" already has the new address`, {
          cause: error,
        });
      }
      throw error;
    }
    if (consent) {
      if (patch.topics !== undefined) appendConsent(ctx, rowId, row.channel, 'topics-changed', consent, topics);
      if (patch.status === 'unsubscribed' && row.status !== 'unsubscribed') {
        appendConsent(ctx, rowId, row.channel, 'unsubscribed', consent, null);
      }
      if (patch.status === 'active' && row.status === 'unsubscribed') {
        appendConsent(ctx, rowId, row.channel, 'subscribed', consent, topics);
      }
    }
    return liveRow(ctx, rowId);
  });

  return {
    subscribe(input, consent): Promise<Subscriber> {
      return settle(() => {
        const id = subscribeOne.immediate(ctx.guard.input(input), ctx.guard.consent(consent))!;
        return toSubscriber(liveRow(ctx, id)!);
      });
    },
    importSubscribers(inputs, consent): Promise<number> {
      return settle(() => {
        // Every row is checked before the transaction starts: an import is all or nothing.
        const valid = ctx.guard.inputs(inputs);
        const record = ctx.guard.consent(consent);
        if (valid.length === 0) return 0;
        return importMany.immediate(valid, record);
      });
    },
    getSubscriber(id) {
      return settle(() => {
        const rowId = parseRowId(id);
        const row = rowId === undefined ? undefined : liveRow(ctx, rowId);
        return row ? toSubscriber(row) : undefined;
      });
    },
    findSubscriber(channel, address) {
      return settle(() => {
        const row = rowByAddress(ctx, channel, address);
        return row ? toSubscriber(row) : undefined;
      });
    },
    updateSubscriber(id, patch, consent) {
      return settle(() => {
        const rowId = parseRowId(id);
        if (rowId === undefined) return undefined;
        const row = update.immediate(rowId, patch, consent);
        return row ? toSubscriber(row) : undefined;
      });
    },
    listConsent(subscriberId) {
      return settle(() => {
        const rowId = parseRowId(subscriberId);
        if (rowId === undefined) return [];
        const rows = ctx
          .statement(`SELECT * FROM consent_events WHERE subscriber_id = ? ORDER BY seq`)
          .all(rowId) as ConsentRow[];
        return rows.map(toConsentEvent);
      });
    },
  };
}
