export type * from './subscriber-store.js';
export type * from './run-store.js';
