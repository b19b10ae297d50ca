import type { AnnouncementInput, FeedAlert } from '@banditore/core';

/**
 * Turns a public feed alert back into the announcement it was made from (the feed keeps every
 * field the CAP export needs: enums, languages, area, links, image, times, references).
 *
 * @param alert - An alert of the core feed document.
 * @returns The announcement input.
 */
export function feedAlertToAnnouncement(alert: FeedAlert): AnnouncementInput {
  const lower = <T extends string>(value: T): Lowercase<T> => value.toLowerCase() as Lowercase<T>;
  const content = Object.fromEntries(
    alert.info.map((info) => [
      info.language,
      {
        headline: info.headline,
        ...(info.description === undefined ? {} : { body: info.description }),
        ...(info.instruction === undefined ? {} : { instruction: info.instruction }),
      },
    ]),
  );
  return {
    id: alert.id,
    revision: alert.revision,
    status: lower(alert.status),
    type: lower(alert.msgType),
    references: alert.references,
    severity: lower(alert.severity),
    ...(alert.allerta === undefined ? {} : { colorCode: alert.allerta }),
    urgency: lower(alert.urgency),
    certainty: lower(alert.certainty),
    ...(alert.event === undefined ? {} : { event: alert.event }),
    topics: alert.topics,
    areas: alert.area.codes,
    ...(alert.area.desc === undefined ? {} : { areaDescription: alert.area.desc }),
    content,
    ...(alert.info[0] === undefined ? {} : { defaultLanguage: alert.info[0].language }),
    links: alert.links,
    ...(alert.image === undefined ? {} : { image: alert.image }),
    ...(alert.sender === undefined ? {} : { sender: alert.sender }),
    ...(alert.sent === undefined ? {} : { sent: alert.sent }),
    ...(alert.effective === undefined ? {} : { effective: alert.effective }),
    ...(alert.expires === undefined ? {} : { expires: alert.expires }),
  };
}
