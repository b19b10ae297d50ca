export { createFeed, type Feed } from './create-feed.js';
export { feedOptionsSchema, type FeedOptions } from './feed-options.js';
export {
  FEED_VERSION,
  toFeedAlert,
  type CapCertainty,
  type CapMsgType,
  type CapSeverity,
  type CapStatus,
  type CapUrgency,
  type FeedAlert,
  type FeedAlertInfo,
  type FeedChannels,
  type FeedDocument,
  type FeedTopic,
} from './feed-format.js';
