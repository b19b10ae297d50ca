import type { PriceTable, TemplateCategory } from './options.js';

/** The expected price of one message. */
export interface MessagePrice {
  amount: number;
  currency: string;
  /** When the table's prices were read. */
  asOf: string;
}

/**
 * The price of one delivered message of a category, from the comune's table. Templates are priced
 * as delivered outside the window (the upper bound: utility inside the window has been free).
 *
 * @param table - The price table, if any.
 * @param category - The template's latest category, or `SERVICE` for free-form.
 * @returns The price, or `undefined` without a table or a price for the category.
 */
export function priceOf(
  table: PriceTable | undefined,
  category: TemplateCategory | 'SERVICE',
): MessagePrice | undefined {
  if (table === undefined) return undefined;
  const amount = table.perMessage[category];
  return amount === undefined ? undefined : { amount, currency: table.currency, asOf: table.asOf };
}
