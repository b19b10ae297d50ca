import { describe, expect, it } from 'vitest';
import { createBroadcaster } from '../broadcaster/create-broadcaster.js';
import { serve } from '../http/serve.js';
import { createMemoryStore } from '../store/memory-store.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { createFeed } from './create-feed.js';
import type { FeedDocument } from './feed-format.js';
import { announcement } from '../test-support/feed.js';

describe('feed as the broadcaster announcement sink', () => {
  it('shows what the broadcaster publishes, and an all-clear in place of a cancelled alert', async () => {
    const feed = createFeed({ comune: { name: 'Jesi' } });
    const broadcaster = createBroadcaster({
      store: createMemoryStore(),
      channels: [createSandboxChannel()],
      announcementSink: feed,
    });
    const server = await serve(feed.handler);
    try {
      const published = await broadcaster.publish(announcement());
      await published.done;
      let document = (await (await fetch(server.url)).json()) as FeedDocument;
      expect(document.alerts.map((a) => [a.id, a.msgType])).toEqual([['allerta-1', 'Alert']]);

      const cancel = await broadcaster.publish(
        announcement({ id: 'allerta-1-fine', type: 'cancel', references: ['allerta-1'], severity: 'minor' }),
      );
      await cancel.done;
      document = (await (await fetch(server.url)).json()) as FeedDocument;
      expect(document.alerts.map((a) => [a.id, a.msgType])).toEqual([['allerta-1-fine', 'Cancel']]);
    } finally {
      await broadcaster.close();
      feed.close();
      await server.close();
    }
  });
});
