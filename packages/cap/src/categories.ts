import type { CapInfo } from './cap-types.js';

/** A CAP category. */
export type CapCategory = CapInfo['category'][number];

/**
 * The default topic of each CAP category, with the topic slugs the project's docs use. A comune
 * with other topics passes its own `topicsFor` / `categoriesFor`.
 */
export const DEFAULT_CATEGORY_TOPICS: Readonly<Record<CapCategory, readonly string[]>> = {
  Geo: ['protezione-civile'],
  Met: ['meteo'],
  Safety: ['protezione-civile'],
  Security: ['protezione-civile'],
  Rescue: ['protezione-civile'],
  Fire: ['protezione-civile'],
  Health: ['salute'],
  Env: ['ambiente'],
  Transport: ['viabilita'],
  Infra: ['lavori'],
  CBRNE: ['protezione-civile'],
  Other: [],
};

/**
 * Topics of an alert from the categories of its infos (defaults of {@link DEFAULT_CATEGORY_TOPICS}).
 *
 * @param categories - The CAP categories.
 * @returns Topic slugs, without duplicates, in category order.
 */
export function defaultTopicsFor(categories: readonly CapCategory[]): string[] {
  return [...new Set(categories.flatMap((category) => DEFAULT_CATEGORY_TOPICS[category] ?? []))];
}

const TOPIC_CATEGORY: Record<string, CapCategory> = {
  meteo: 'Met',
  'protezione-civile': 'Safety',
  terremoto: 'Geo',
  salute: 'Health',
  ambiente: 'Env',
  viabilita: 'Transport',
  trasporti: 'Transport',
  lavori: 'Infra',
};

/**
 * CAP categories for an announcement's topics; `Other` when none maps.
 *
 * @param topics - Topic slugs.
 * @returns At least one CAP category.
 */
export function defaultCategoriesFor(topics: readonly string[]): CapInfo['category'] {
  const categories = [...new Set(topics.flatMap((topic) => (TOPIC_CATEGORY[topic] ? [TOPIC_CATEGORY[topic]] : [])))];
  return categories.length > 0 ? categories : ['Other'];
}
