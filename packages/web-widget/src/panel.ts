import { encode } from 'uqr';
import { h } from './dom.js';
import { telegramLink, whatsappLink } from './links.js';
import { pt } from './panel-i18n.js';
import type { PanelData } from './panel-types.js';
import { loadPush } from './push-chunk.js';

const SVG = 'http://www.w3.org/2000/svg';

const PANEL_CSS = `.pn{border:1px solid var(--_muted);border-radius:var(--banditore-radius,.25em);padding:var(--banditore-space,1em);margin-top:.75em}
.pn fieldset{border:1px solid var(--_muted);padding:.5em .75em;margin:.75em 0}
.pn legend{font-weight:700;padding:0 .25em}
.pn label{display:flex;gap:.5em;align-items:center;min-height:2.75em}
.pn input{width:1.25em;height:1.25em;accent-color:var(--_brand)}
.ch>li{margin-top:.75em}
.ch a{color:var(--_brand);font-weight:600}
.qr{display:block;width:9em;height:9em;margin-top:.5em;forced-color-adjust:none}
.pn .h{font-weight:700;font-size:1.125em}
.push button{min-height:2.75em}`;

let sheet: CSSStyleSheet | undefined;

/** Draws a QR code as SVG DOM (no markup strings, no images from elsewhere). */
function qrCode(text: string, label: string): SVGSVGElement {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  const svg = document.createElementNS(SVG, 'svg');
  const path = document.createElementNS(SVG, 'path');
  const background = document.createElementNS(SVG, 'rect');
  let d = '';
  data.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      let run = 1;
      while (row[x + run]) run++;
      d += `M${x} ${y}h${run}v1h-${run}z`;
      x += run;
    }
  });
  for (const [element, attrs] of [
    [
      svg,
      {
        viewBox: `0 0 ${size} ${size}`,
        class: 'qr',
        role: 'img',
        'aria-label': label,
        'shape-rendering': 'crispEdges',
      },
    ],
    [background, { width: size, height: size, fill: '#fff' }],
    [path, { d, fill: '#000' }],
  ] as const) {
    for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  }
  svg.append(background, path);
  return svg;
}

/**
 * Draws the subscription panel: topic checkboxes, the Telegram bot deep link and channel link,
 * the WhatsApp click-to-chat link with the opt-in keyword, QR codes on wide screens with a fine
 * pointer (desktop → phone), the browser-push button when the element has `push-*` attributes
 * (its own lazy chunk, see `push-button.ts`), and a `notifications` slot for the page's own. Links are rebuilt as
 * topics change; nothing is ever sent from here, the citizen sends the message themselves.
 *
 * @param box - The panel container inside the widget's shadow root.
 * @param data - Comune, topics, channels, language.
 * @returns A function that moves focus to the panel's heading.
 */
export function mountPanel(box: HTMLElement, data: PanelData): () => void {
  const root = box.getRootNode() as ShadowRoot;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(PANEL_CSS);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const { lang } = data;
  const { comune = '', topics = [], channels = {} } = data.meta ?? {};
  const showQr = matchMedia('(min-width: 48em) and (any-pointer: fine)').matches;
  const heading = h(
    `h${data.headingLevel}` as 'h3',
    { class: 'h', tabindex: '-1' },
    comune ? pt(lang, 'title', comune) : pt(lang, 'titleNoName'),
  );
  const boxes = topics.map((topic) => {
    const input = h('input', { type: 'checkbox', value: topic.id, checked: data.topics.includes(topic.id) });
    return {
      input,
      label: h('label', null, input, topic.label[lang] ?? topic.label.it ?? Object.values(topic.label)[0] ?? topic.id),
    };
  });
  const list = h('ul', { class: 'ch' });
  const chosenTopics = (): string[] => boxes.filter((b) => b.input.checked).map((b) => b.input.value);
  // Browser push, when the page configured it (push-key, push-endpoint, push-worker): its own
  // lazy chunk, drawn once so its state survives topic changes.
  const pushItem = h('li', { hidden: true });
  if (root.host.hasAttribute('push-key'))
    loadPush().then(
      ({ pushConfig, mountPushButton }) => {
        const config = pushConfig(root.host);
        if (!config) return;
        pushItem.append(mountPushButton(config, { lang, topics: chosenTopics }));
        pushItem.hidden = false;
      },
      () => undefined,
    );
  const draw = (): void => {
    const chosen = chosenTopics();
    const items: HTMLLIElement[] = [];
    const add = (href: string, text: string, hint?: string, qr = false): void => {
      items.push(
        h(
          'li',
          null,
          h('a', { href, rel: 'noopener noreferrer' }, text),
          hint && h('p', null, hint),
          qr && showQr && qrCode(href, pt(lang, 'qr', text)),
        ),
      );
    };
    if (channels.telegram?.bot) add(telegramLink(channels.telegram.bot, chosen), pt(lang, 'bot'), undefined, true);
    if (channels.telegram?.channel)
      add(`https://t.me/${encodeURIComponent(channels.telegram.channel)}`, pt(lang, 'channel'));
    const wa = channels.whatsapp;
    if (wa?.number && wa.optinKeyword) {
      add(
        whatsappLink(wa.number, wa.optinKeyword, chosen),
        pt(lang, 'whatsapp'),
        pt(lang, 'whatsappHint', [wa.optinKeyword, ...chosen].join(' ')),
        true,
      );
    }
    items.push(pushItem);
    const slot = h('slot', { name: 'notifications' });
    const slotItem = h('li', null, slot);
    const syncSlot = (): void => void (slotItem.hidden = slot.assignedNodes().length === 0);
    slot.addEventListener('slotchange', syncSlot);
    items.push(slotItem);
    const page = channels.page && /^https:\/\//.test(channels.page) ? channels.page : undefined;
    if (page) add(page, pt(lang, 'page'));
    list.replaceChildren(...items);
    syncSlot();
  };
  for (const b of boxes) b.input.addEventListener('change', draw);
  draw();
  const close = h('button', { type: 'button' }, pt(lang, 'close'));
  close.addEventListener('click', () => data.onClose());
  box.replaceChildren(
    h(
      'div',
      { class: 'pn' },
      heading,
      h('p', null, pt(lang, 'intro')),
      boxes.length > 0 &&
        h(
          'fieldset',
          null,
          h('legend', null, pt(lang, 'topics')),
          ...boxes.map((b) => b.label),
          h('p', null, pt(lang, 'topicsHint')),
        ),
      list,
      h('div', { class: 'row' }, close),
    ),
  );
  return () => heading.focus();
}

const wired = new WeakSet<HTMLElement>();

/**
 * Opens the panel under `button`, drawing it afresh, or closes it when `toggle` is set and it is
 * open. `aria-expanded` on the button is the panel's state; closing (Escape, the close button, the
 * subscribe button again) hides the panel and returns focus to the button.
 *
 * @param button - The subscribe button.
 * @param box - The panel container.
 * @param toggle - Close the panel if it is open.
 * @param data - Reads the current language, heading level, feed and topics.
 */
export function showPanel(
  button: HTMLElement,
  box: HTMLElement,
  toggle: boolean,
  data: () => Omit<PanelData, 'onClose'>,
): void {
  const close = (): void => {
    button.setAttribute('aria-expanded', 'false');
    box.hidden = true;
    button.focus();
  };
  if (button.getAttribute('aria-expanded') === 'true') {
    if (toggle) close();
    return;
  }
  if (!wired.has(box)) {
    wired.add(box);
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !box.hidden) close();
    });
  }
  const focus = mountPanel(box, { ...data(), onClose: close });
  button.setAttribute('aria-expanded', 'true');
  box.hidden = false;
  focus();
}
