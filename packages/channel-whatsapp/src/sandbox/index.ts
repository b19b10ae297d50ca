/**
 * A local look-alike of the WhatsApp Cloud API, as strict as Meta is at worst.
 *
 * @module
 */
export {};
