/**
 * WhatsApp for Banditore: a channel that sends the comune's announcements one-to-one over the
 * WhatsApp Business Platform (Cloud API), with approved templates outside the 24-hour
 * customer-service window and free-form messages inside it.
 * The Cloud API sandbox lives at `@banditore/channel-whatsapp/sandbox`.
 *
 * @module
 */
export {};
