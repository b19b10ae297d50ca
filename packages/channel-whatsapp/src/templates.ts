import type { Announcement } from '@banditore/core';
import type { ResolvedTemplate } from './options.js';

/**
 * The first configured template that fits the announcement: its severities (if set) include the
 * announcement's, and its topics (if set) share one with it. Order in the options is priority.
 *
 * @param templates - The configured templates.
 * @param announcement - The announcement.
 * @returns The template, or `undefined` when none fits.
 */
export function selectTemplate(
  templates: readonly ResolvedTemplate[],
  announcement: Announcement,
): ResolvedTemplate | undefined {
  return templates.find(
    (template) =>
      (template.severities === undefined || template.severities.includes(announcement.severity)) &&
      (template.topics === undefined || template.topics.some((topic) => announcement.topics.includes(topic))),
  );
}

/**
 * The template language for a subscriber's language: exact (`it`), then the same language in a
 * region (`en` → `en_US`), else the template's first language, the comune's own.
 *
 * @param template - The template.
 * @param language - The subscriber's language tag.
 * @returns One of the template's approved languages.
 */
export function templateLanguage(template: ResolvedTemplate, language: string): string {
  const base = language.split(/[-_]/)[0]!.toLowerCase();
  return (
    template.languages.find((code) => code === base) ??
    template.languages.find((code) => code.split('_')[0] === base) ??
    template.languages[0]!
  );
}
