import type { Person } from '../store/catalogue-schema.js';
import type { Pager } from './drill-service.js';

/** What a page says: marked as an exercise, with the join link for this drill only. */
export function pageText(message: { title: string; joinUrl: string }): string {
  return `[EXERCISE — not a real incident] Drill "${message.title}" has started. Join: ${message.joinUrl}`;
}

/**
 * Pages people through their outgoing webhooks: a generic JSON POST, or a chat incoming-webhook
 * (a `text` field, the format Slack, Mattermost and similar accept). Failures are reported to
 * `onError`, never thrown: one broken webhook must not stop the others or the drill.
 */
export function webhookPager(
  options: { onError?(person: Person, url: string, error: unknown): void; timeoutMs?: number } = {},
): Pager {
  return {
    async page(person, message) {
      for (const hook of person.webhooks) {
        const body =
          hook.kind === 'chat-webhook'
            ? { text: pageText(message) }
            : {
                type: 'firedrill.page',
                exercise: true,
                person: { id: person.id, name: person.name },
                drill: { id: message.drillId, title: message.title },
                joinUrl: message.joinUrl,
                text: pageText(message),
              };
        try {
          const response = await fetch(hook.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
          });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
        } catch (error) {
          options.onError?.(person, hook.url, error);
        }
      }
    },
  };
}
