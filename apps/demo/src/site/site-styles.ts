/**
 * The demo comune's stylesheet, in the spirit of the Italian PA sites built on Bootstrap Italia
 * (Titillium Web when installed, the .italia blue, slim header, cards), written out so the page
 * loads nothing from other sites. Served as a file: the page's CSP has no 'unsafe-inline'.
 */
export const SITE_CSS = `:root{--blu:#0066cc;--blu-scuro:#004080;--testo:#1a1a1a;--grigio:#5c6f82;--sfondo:#f5f7fa}
*{box-sizing:border-box}
body{margin:0;font-family:"Titillium Web",Geneva,Tahoma,sans-serif;color:var(--testo);background:#fff;line-height:1.5}
a{color:var(--blu)}
.slim{background:var(--blu-scuro);color:#fff;font-size:.875rem;padding:.5rem 1rem}
.slim a{color:#fff;text-decoration:none}
.center{background:var(--blu);color:#fff;padding:1.5rem 1rem}
.center .brand{display:flex;gap:1rem;align-items:center;max-width:72rem;margin:0 auto}
.stemma{width:3.5rem;height:3.5rem;border-radius:50%;background:#fff;color:var(--blu);display:grid;place-items:center;font-weight:700;font-size:1.5rem;flex:none}
.brand p{margin:0;font-size:.875rem}
.brand .nome{font-size:1.75rem;font-weight:700;line-height:1.2}
nav{background:var(--blu)}
nav ul{list-style:none;margin:0 auto;padding:0 1rem .75rem;display:flex;flex-wrap:wrap;gap:1.5rem;max-width:72rem}
nav a{color:#fff;font-weight:600;text-decoration:none}
nav a:hover,nav a:focus{text-decoration:underline}
main{max-width:72rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.avvisi{margin-bottom:1.5rem}
h1{font-size:2rem;margin:.5rem 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:1rem;margin-top:1.5rem}
.card{border:1px solid #d9dadb;border-radius:.25rem;padding:1rem;background:#fff;box-shadow:0 2px 6px rgba(0,0,0,.06)}
.card h2{font-size:1.25rem;margin:0 0 .5rem}
.card p{margin:0;color:#33485c}
footer{background:#30373d;color:#fff;padding:2rem 1rem}
footer .inner{max-width:72rem;margin:0 auto;display:flex;flex-wrap:wrap;gap:1.5rem;justify-content:space-between}
footer a{color:#fff}
:focus-visible{outline:3px solid #f90;outline-offset:2px}
@media (max-width:40rem){.brand .nome{font-size:1.375rem}h1{font-size:1.5rem}}`;
