import { contentFor, type Announcement, type FollowUpContext } from '@banditore/core';
import { exerciseMark } from './exercise.js';
import { describeChanges, followUpText } from './follow-up.js';
import type { ParameterSource, ResolvedTemplate, TemplateCategory } from './options.js';
import { selectTemplate, templateLanguage } from './templates.js';

/** Meta's limit on a text message body. */
export const TEXT_MAX_LENGTH = 4096;
/** Meta's limit on a media caption. */
export const CAPTION_MAX_LENGTH = 1024;
/** Kept well under the 1,024 characters of a filled-in template body (132005). */
export const PARAMETER_MAX_LENGTH = 600;

/** A template send, prepared once per language. */
export interface RenderedTemplate {
  readonly name: string;
  /** The approved language code used (`"it"`, `"en_US"`). */
  readonly language: string;
  /** The category it was approved in; the channel routes by the latest known one. */
  readonly category: TemplateCategory;
  /** Body parameters, positional or named, already sanitised. */
  readonly parameters: ReadonlyArray<{ type: 'text'; text: string; parameter_name?: string }>;
  /** The announcement's image goes in the header (uploaded once per broadcast and language). */
  readonly imageHeader: boolean;
}

/** The channel's message form, produced once per language. */
export interface WhatsAppMessage {
  /** The template to send outside the 24-hour window; `undefined` when none fits the announcement. */
  readonly template: RenderedTemplate | undefined;
  /** Free-form text for citizens inside their window. */
  readonly text: string;
  /** An image to upload and send (header or free-form), by its https URL. */
  readonly imageUrl: string | undefined;
}

/** Options of {@link renderWhatsAppMessage}. */
export interface RenderOptions {
  templates: readonly ResolvedTemplate[];
  timeZone: string;
}

/**
 * Renders an announcement for WhatsApp: the matching template with its parameters, and a
 * free-form text (bold headline, body, instruction, links) capped at Meta's limits. Pure and
 * deterministic; nothing is uploaded here (so `estimate()` never uploads).
 *
 * @param announcement - A validated announcement.
 * @param language - The subscriber's language.
 * @param options - Templates and time zone.
 * @returns The message.
 */
export function renderWhatsAppMessage(
  announcement: Announcement,
  language: string,
  options: RenderOptions,
  followUp?: FollowUpContext,
): WhatsAppMessage {
  const selected = selectTemplate(options.templates, announcement, followUp?.kind);
  const { content } = contentFor(announcement, language);
  // A follow-up goes without the image (the citizen has it in the first message), unless its
  // template has an image header that needs one.
  const imageUrl = followUp === undefined || selected?.header === 'image' ? announcement.image?.url : undefined;
  const mark = exerciseMark(announcement, contentFor(announcement, language).language);
  const plain =
    followUp === undefined
      ? freeFormText(announcement, content)
      : followUpText(announcement, contentFor(announcement, language), followUp);
  // An exercise says so before anything else, in every form it takes.
  const text = mark === undefined ? plain : `*${mark}*\n${plain}`.slice(0, TEXT_MAX_LENGTH);
  if (!selected) return { template: undefined, text, imageUrl };
  const code = templateLanguage(selected, language);
  const templateContent = contentFor(announcement, code.split('_')[0]!).content;
  const templateMark = exerciseMark(announcement, code);
  const value = (source: ParameterSource): string => {
    const raw =
      source === 'changes'
        ? describeChanges(followUp, code.split('_')[0]!)
        : parameterValue(source, announcement, templateContent, code, options.timeZone);
    return parameterText(source === 'headline' && templateMark !== undefined ? `${templateMark} ${raw}` : raw);
  };
  const parameters = Array.isArray(selected.body)
    ? selected.body.map((source) => ({ type: 'text' as const, text: value(source) }))
    : Object.entries(selected.body).map(([name, source]) => ({
        type: 'text' as const,
        parameter_name: name,
        text: value(source),
      }));
  return {
    template: {
      name: selected.name,
      language: code,
      category: selected.category,
      parameters,
      imageHeader: selected.header === 'image' && imageUrl !== undefined,
    },
    text,
    imageUrl,
  };
}

function parameterValue(
  source: Exclude<ParameterSource, 'changes'>,
  announcement: Announcement,
  content: Announcement['content'][string],
  language: string,
  timeZone: string,
): string {
  switch (source) {
    case 'headline':
      return content.headline;
    case 'body':
      return content.body ?? '';
    case 'instruction':
      return content.instruction ?? '';
    case 'area':
      return announcement.areaDescription ?? announcement.areas.join(', ');
    case 'link':
      return announcement.links[0]?.url ?? '';
    case 'severity':
      return announcement.colorCode ?? announcement.severity;
    case 'event':
      return announcement.event ?? content.headline;
    case 'sender':
      return announcement.sender ?? '';
    case 'expires':
      return announcement.expires === undefined
        ? ''
        : new Intl.DateTimeFormat(language.replace('_', '-'), {
            dateStyle: 'short',
            timeStyle: 'short',
            timeZone,
          }).format(new Date(announcement.expires));
  }
}

/**
 * Meta rejects parameters with new lines, tabs or more than four spaces in a row, and empty ones;
 * long ones make the filled-in body too long (132005).
 */
function parameterText(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  if (flat.length === 0) return '-';
  return flat.length <= PARAMETER_MAX_LENGTH ? flat : `${flat.slice(0, PARAMETER_MAX_LENGTH - 1).trimEnd()}…`;
}

function freeFormText(announcement: Announcement, content: Announcement['content'][string]): string {
  const links = announcement.links.map((link) => `${link.label}: ${link.url}`).join('\n');
  const tail = [content.instruction, links].filter((part) => part !== undefined && part.length > 0).join('\n\n');
  const head = `*${content.headline.replace(/\*/g, '')}*`;
  // The body gives way first: the instruction and the links are what a citizen acts on.
  const room = TEXT_MAX_LENGTH - head.length - tail.length - 6;
  let body = content.body ?? '';
  if (body.length > room) body = room > 1 ? `${body.slice(0, room - 1).trimEnd()}…` : '';
  const text = [head, body, tail].filter((part) => part.length > 0).join('\n\n');
  return text.length <= TEXT_MAX_LENGTH ? text : `${text.slice(0, TEXT_MAX_LENGTH - 1)}…`;
}
