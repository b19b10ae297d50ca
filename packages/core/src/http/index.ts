export { toNodeListener, type FetchHandler, type NodeListenerOptions } from './node-adapter.js';
export { serve, type RunningServer, type ServeOptions } from './serve.js';
