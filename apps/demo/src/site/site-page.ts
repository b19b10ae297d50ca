/** What the page needs to know. */
export interface SitePageOptions {
  comuneName: string;
  feedUrl: string;
  streamUrl: string;
  scriptUrl: string;
  cssUrl: string;
  /** Browser push: the VAPID public key, the subscription endpoint and the service worker's URL. */
  push?: { key: string; endpoint: string; worker: string };
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The home page of a fictional comune with `<banditore-alerts>` placed right before the `h1`,
 * where the widget guide recommends it: the one-tag install a web editor would paste.
 *
 * @param options - Comune name and the URLs of the feed, stream, widget script and stylesheet.
 * @returns The HTML document.
 */
export function sitePage(options: SitePageOptions): string {
  const name = escapeHtml(options.comuneName);
  const initial = escapeHtml(options.comuneName.charAt(0).toUpperCase());
  return `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Comune di ${name}</title>
<link rel="stylesheet" href="${escapeHtml(options.cssUrl)}">
</head>
<body>
<header>
  <div class="slim"><a href="#">Regione</a></div>
  <div class="center">
    <div class="brand">
      <span class="stemma" aria-hidden="true">${initial}</span>
      <div><p class="nome">Comune di ${name}</p><p>Il sito ufficiale del Comune</p></div>
    </div>
  </div>
  <nav aria-label="Menu principale">
    <ul>
      <li><a href="#">Amministrazione</a></li>
      <li><a href="#">Novità</a></li>
      <li><a href="#">Servizi</a></li>
      <li><a href="#">Vivere il comune</a></li>
    </ul>
  </nav>
</header>
<main>
  <div class="avvisi">
    <banditore-alerts feed="${escapeHtml(options.feedUrl)}" stream="${escapeHtml(options.streamUrl)}"${
      options.push
        ? ` push-key="${escapeHtml(options.push.key)}" push-endpoint="${escapeHtml(options.push.endpoint)}" push-worker="${escapeHtml(options.push.worker)}"`
        : ''
    }>
      <a href="#">Tutti gli avvisi del Comune</a>
    </banditore-alerts>
  </div>
  <h1>Benvenuti nel sito del Comune di ${name}</h1>
  <p>Notizie, servizi ed eventi per chi vive, lavora e visita la città.</p>
  <div class="cards">
    <section class="card"><h2>Novità</h2><p>Comunicati, notizie ed eventi dell'amministrazione.</p></section>
    <section class="card"><h2>Servizi</h2><p>Anagrafe, tributi, scuola, mobilità: tutto online.</p></section>
    <section class="card"><h2>Vivere il comune</h2><p>Luoghi, cultura, sport e tempo libero.</p></section>
  </div>
</main>
<footer>
  <div class="inner">
    <p>Comune di ${name}</p>
    <p><a href="#" data-element="accessibility-link">Dichiarazione di accessibilità</a> · <a href="#">Privacy</a></p>
  </div>
</footer>
<script src="${escapeHtml(options.scriptUrl)}"></script>
</body>
</html>`;
}
