export type * from './subscriber-store.js';
export type * from './run-store.js';
export type * from './receipt-store.js';
export type * from './channel-state-store.js';
