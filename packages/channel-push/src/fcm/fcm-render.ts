import type { Announcement } from '@banditore/core';
import { markedTitle } from '../status-mark.js';

/** One announcement rendered for FCM in one language; the token and TTL are added per send. */
export interface FcmMessage {
  notification: { title: string; body: string };
  /** String values only (FCM refuses anything else with INVALID_ARGUMENT). */
  data: Record<string, string>;
  /** Extreme or severe and not a cancellation: Android `HIGH`, APNs priority 10, time-sensitive. */
  emergency: boolean;
  /** Shared by an announcement and its updates: `collapse_key`, `apns-collapse-id`, notification tag. */
  collapseKey: string;
  /** When the announcement expires (epoch ms), to shorten the TTL. */
  expiresAt: number | undefined;
}

/** Bytes left for the notification body: FCM refuses messages over 4,096 bytes, keys included. */
const BODY_BYTES = 2_000;
const TITLE_BYTES = 400;

/**
 * Renders an announcement as an FCM HTTP v1 message for one language: a notification (headline
 * and body with the instruction), and data the app can act on (`announcementId`, `severity`,
 * `tag`, `lang`, `url`). Text is cut at a character boundary so the message stays well under
 * FCM's 4,096 bytes.
 *
 * @param announcement - The announcement.
 * @param language - The subscriber language; falls back to the default language.
 * @returns The message.
 */
export function renderFcmMessage(announcement: Announcement, language: string): FcmMessage {
  const languages = Object.keys(announcement.content);
  const lang = language in announcement.content ? language : (announcement.defaultLanguage ?? languages[0]!);
  const content = announcement.content[lang]!;
  const root = announcement.type === 'alert' ? announcement.id : (announcement.references[0] ?? announcement.id);
  const link = announcement.links.find((entry) => entry.url.startsWith('https:'));
  const body = [content.body, content.instruction].filter((part) => part !== undefined && part !== '').join('\n\n');
  return {
    notification: {
      title: clipBytes(markedTitle(announcement, lang, content.headline), TITLE_BYTES),
      body: clipBytes(body, BODY_BYTES),
    },
    data: {
      announcementId: announcement.id,
      severity: announcement.severity,
      type: announcement.type,
      tag: root,
      lang,
      ...(link ? { url: link.url } : {}),
    },
    emergency:
      announcement.type !== 'cancel' && (announcement.severity === 'extreme' || announcement.severity === 'severe'),
    collapseKey: clipBytes(root, 64),
    expiresAt: announcement.expires === undefined ? undefined : Date.parse(announcement.expires),
  };
}

/**
 * The `message` object of one send.
 *
 * @param token - The registration token.
 * @param message - The rendered message.
 * @param ttlSeconds - Seconds FCM and APNs keep it.
 * @param nowMs - Epoch ms (APNs wants an absolute expiry).
 * @param androidChannelId - The app's notification channel, if any.
 * @returns The JSON request body.
 */
export function fcmRequestBody(
  token: string,
  message: FcmMessage,
  ttlSeconds: number,
  nowMs: number,
  androidChannelId: string | undefined,
): string {
  return JSON.stringify({
    message: {
      token,
      notification: message.notification,
      data: message.data,
      android: {
        priority: message.emergency ? 'HIGH' : 'NORMAL',
        ttl: `${ttlSeconds}s`,
        collapse_key: message.collapseKey,
        notification: {
          tag: message.collapseKey,
          ...(androidChannelId === undefined ? {} : { channel_id: androidChannelId }),
          ...(message.emergency ? { notification_priority: 'PRIORITY_MAX', visibility: 'PUBLIC' } : {}),
        },
      },
      apns: {
        headers: {
          'apns-priority': message.emergency ? '10' : '5',
          'apns-push-type': 'alert',
          'apns-expiration': `${Math.floor(nowMs / 1000) + ttlSeconds}`,
          'apns-collapse-id': message.collapseKey,
        },
        payload: {
          aps: { sound: 'default', 'interruption-level': message.emergency ? 'time-sensitive' : 'active' },
        },
      },
    },
  });
}

function clipBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 3; // the ellipsis
  let out = '';
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    out += char;
  }
  return `${out.trimEnd()}…`;
}
