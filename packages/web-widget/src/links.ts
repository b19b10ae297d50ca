/** Telegram accepts a deep-link payload of at most 64 characters from this set. */
const TELEGRAM_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The bot's deep link with the chosen topics: `https://t.me/<bot>?start=<topic-topic>`. Without
 * topics, or when they do not fit Telegram's 64-character payload, the plain link (the bot then
 * subscribes to everything and offers its topic keyboard).
 *
 * @param bot - Bot username, without `@`.
 * @param topics - Topic slugs.
 */
export function telegramLink(bot: string, topics: string[]): string {
  const base = `https://t.me/${encodeURIComponent(bot)}`;
  const payload = topics.join('-');
  return TELEGRAM_PAYLOAD.test(payload) ? `${base}?start=${payload}` : base;
}

/**
 * WhatsApp click-to-chat with the opt-in message already written: the keyword, then the topics.
 *
 * @param number - International number, digits only.
 * @param keyword - The opt-in keyword, e.g. `AVVISI`.
 * @param topics - Topic slugs.
 */
export function whatsappLink(number: string, keyword: string, topics: string[]): string {
  const text = [keyword, ...topics].join(' ');
  return `https://wa.me/${number.replace(/\D/g, '')}?text=${encodeURIComponent(text)}`;
}
