import type { Announcement, FollowUpKind } from '@banditore/core';
import type { ResolvedTemplate } from './options.js';

/**
 * The first configured template that fits the announcement: its severities (if set) include the
 * announcement's, and its topics (if set) share one with it. Order in the options is priority.
 *
 * Follow-up templates are used only for follow-ups of their kinds; a follow-up with none that
 * fits uses the first-message template that fits.
 *
 * @param templates - The configured templates.
 * @param announcement - The announcement.
 * @param followUp - For a follow-up: its kind.
 * @returns The template, or `undefined` when none fits.
 */
export function selectTemplate(
  templates: readonly ResolvedTemplate[],
  announcement: Announcement,
  followUp?: FollowUpKind,
): ResolvedTemplate | undefined {
  const fits = (template: ResolvedTemplate): boolean =>
    (template.severities === undefined || template.severities.includes(announcement.severity)) &&
    (template.topics === undefined || template.topics.some((topic) => announcement.topics.includes(topic)));
  const forFollowUp =
    followUp === undefined
      ? undefined
      : templates.find((template) => template.followUp?.includes(followUp) === true && fits(template));
  return forFollowUp ?? templates.find((template) => template.followUp === undefined && fits(template));
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
