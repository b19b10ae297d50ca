/**
 * The part of the widget that keeps it current, loaded right after the element connects: the live
 * connection (event stream, polling, back-off) and the screen-reader announcer. Announcements only
 * ever follow the first load, so neither is needed to show the alerts the first time, and the
 * script-tag bundle keeps its size budget.
 *
 * @module
 */
export { startLive } from './live.js';
export { createAnnouncer } from './announcer.js';
