/**
 * For authors of channels and stores (the packages that implement a Banditore contract): parsing
 * options into a `ConfigError`, an abortable sleep on an injected clock, and the table that says
 * what the broadcaster does with each `ChannelError` code. An app that only uses Banditore does
 * not need this entry point.
 *
 * @module
 */

// Options
export { parseOrThrow } from '../errors.js';

// Time
export { sleep } from '../util/clock.js';

// Stores: the one rule for folding delivery receipts
export { mergeReceipt, type MergedReceipt } from '../store/merge-receipt.js';

// What the broadcaster does with each error code
export { AMBIGUOUS_CODES, CHANNEL_ERROR_ACTIONS, actionFor, type ErrorAction } from '../channel/error-codes.js';
