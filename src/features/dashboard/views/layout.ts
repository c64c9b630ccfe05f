import { LOCALE_NAMES, LOCALES, type Locale, type Translate } from '../../../i18n';
import { BASE, communityName, esc, href, type PageContext } from './html';

/** The page around every view: header, community switch (admins), navigation, language links. */

export type PageName = 'map' | 'reports' | 'trends' | 'volunteers' | 'events' | 'street';
const PAGES: PageName[] = ['map', 'reports', 'trends', 'volunteers', 'events'];

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 "Noto Sans SC",system-ui,sans-serif;color:#1f2933;background:#f4f6f8}
header{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center;padding:10px 14px;background:#1e5b8a;color:#fff}
header h1{font-size:17px;margin:0;flex:1 1 auto}
header a,header select{color:#fff}
header select{background:#2a6fa3;border:1px solid #9cc3e2;border-radius:6px;padding:3px 6px;font:inherit}
.langs a{margin-left:8px;font-size:13px}
.langs a[aria-current]{font-weight:700;text-decoration:none}
nav{display:flex;gap:4px;overflow-x:auto;padding:6px 8px;background:#fff;border-bottom:1px solid #d9e0e6;white-space:nowrap}
nav a{padding:6px 10px;border-radius:16px;color:#1e5b8a;text-decoration:none}
nav a[aria-current]{background:#1e5b8a;color:#fff}
main{padding:12px 14px;max-width:1100px;margin:0 auto}
h2{font-size:18px;margin:6px 0 10px}
h3{font-size:16px;margin:16px 0 8px}
.card{background:#fff;border:1px solid #d9e0e6;border-radius:10px;padding:12px;margin-bottom:12px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:7px 8px;border-bottom:1px solid #e4e9ee;vertical-align:top}
th{font-size:13px;color:#52606d;font-weight:700;white-space:nowrap}
td.num,th.num{text-align:right}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end}
form.filters label{display:flex;flex-direction:column;font-size:13px;color:#52606d}
form.filters select,form.filters button{font:inherit;padding:5px 8px;border-radius:6px;border:1px solid #b8c4ce;background:#fff;min-height:34px}
form.filters button{background:#1e5b8a;color:#fff;border-color:#1e5b8a}
form.ledger{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
form.ledger input,form.ledger button{font:inherit;padding:5px 8px;border-radius:6px;border:1px solid #b8c4ce;min-height:34px}
form.ledger button{background:#1e5b8a;color:#fff;border-color:#1e5b8a}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;background:#e4e9ee;white-space:nowrap}
.badge.overdue{background:#fde2e1;color:#b42318}
.badge.emergency{background:#b42318;color:#fff}
.muted{color:#7b8794;font-size:13px}
.photos{display:flex;flex-wrap:wrap;gap:8px}
.photos figure{margin:0}
.photos img{width:220px;max-width:100%;border-radius:8px;border:1px solid #d9e0e6;display:block}
.photos figcaption{font-size:12px;color:#7b8794}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0}
dl.facts dt{color:#52606d}
dl.facts dd{margin:0}
ol.history{padding-left:18px;margin:0}
ol.history li{margin-bottom:6px}
svg{max-width:100%;height:auto;display:block}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;font-size:13px;margin-top:6px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:4px;vertical-align:-1px}
.rank{font-weight:700;font-size:18px;color:#1e5b8a}
.empty{color:#7b8794;padding:16px 0}
a.report-link{white-space:nowrap;font-weight:700}
svg.plan{width:100%}
@media (min-width:900px){.split{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:12px;align-items:start}}
@media (max-width:600px){
body{font-size:14px}main{padding:10px}th,td{padding:6px 5px}.photos img{width:100%}
nav{flex-wrap:wrap;white-space:normal}
table.stack thead{display:none}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack tr{border:1px solid #d9e0e6;border-radius:8px;margin-bottom:8px;padding:4px 8px;background:#fff}
table.stack td{border:0;display:flex;gap:10px;padding:3px 0}
table.stack td::before{content:attr(data-label);flex:0 0 38%;color:#7b8794;font-size:13px}
svg.chart text{font-size:21px}
table.rates th{white-space:normal}
}
`;

function langLinks(pc: PageContext, page: string, params: Record<string, string | number | undefined>): string {
  return LOCALES.map((l) =>
    l === pc.locale
      ? `<a aria-current="true">${LOCALE_NAMES[l]}</a>`
      : `<a href="${esc(href({ ...pc, locale: l }, page, params))}">${LOCALE_NAMES[l]}</a>`,
  ).join('');
}

/** Admins switch community with a plain form, so it works without script too. */
function communitySwitch(pc: PageContext, page: string): string {
  if (pc.allowed.length < 2) return `<span>${esc(communityName(pc, pc.communityId))}</span>`;
  const options = pc.allowed
    .map((id) => `<option value="${esc(id)}"${id === pc.communityId ? ' selected' : ''}>${esc(communityName(pc, id))}</option>`)
    .join('');
  return `<form method="get" action="${BASE}/${page === 'report' ? 'reports' : page}"><input type="hidden" name="s" value="${esc(pc.token)}"><input type="hidden" name="lang" value="${pc.locale}"><select name="c" aria-label="${esc(pc.t('dashboard.community'))}" onchange="this.form.submit()">${options}</select></form>`;
}

export function layout(
  pc: PageContext,
  current: PageName | 'report',
  title: string,
  body: string,
  params: Record<string, string | number | undefined> = {},
): string {
  const pages = pc.isAdmin ? [...PAGES, 'street' as const] : PAGES;
  const nav = pages
    .map((p) => `<a href="${esc(href(pc, p))}"${p === current ? ' aria-current="page"' : ''}>${esc(pc.t(`dashboard.nav_${p}`))}</a>`)
    .join('');
  return document(
    pc.locale,
    `${title} · ${pc.t('dashboard.title')}`,
    `<header><h1>${esc(pc.t('dashboard.title'))}</h1>${communitySwitch(pc, current)}<span class="langs">${langLinks(pc, current, params)}</span></header>
<nav>${nav}</nav>
<main><h2>${esc(title)}</h2>${body}</main>`,
  );
}

export function document(locale: Locale, title: string, body: string, script = ''): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${esc(title)}</title><link rel="stylesheet" href="${BASE}/fonts/400.css"><link rel="stylesheet" href="${BASE}/fonts/700.css"><style>${STYLE}</style></head>
<body>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;
}

/** A page with one message and no navigation: refused, expired, not found. */
export function messagePage(t: Translate, locale: Locale, title: string, text: string): string {
  return document(
    locale,
    title,
    `<header><h1>${esc(t('dashboard.title'))}</h1></header><main><div class="card"><h2>${esc(title)}</h2><p>${esc(text)}</p></div></main>`,
  );
}

/**
 * The Mini App's first page. Telegram hands the launch data in the URL's fragment
 * (#tgWebAppData=...), which never reaches a server log; the script posts it to /session and
 * goes on to the reports with the session token it gets back.
 */
export function signInPage(t: Translate, locale: Locale): string {
  const script = `
(function(){
  var status=document.getElementById('status');
  var hash=new URLSearchParams(location.hash.slice(1));
  var data=hash.get('tgWebAppData')||(window.Telegram&&Telegram.WebApp&&Telegram.WebApp.initData)||'';
  if(!data){status.textContent=${JSON.stringify(t('dashboard.open_in_telegram'))};return;}
  fetch('${BASE}/session',{method:'POST',headers:{'content-type':'text/plain'},body:data})
    .then(function(r){return r.json().then(function(j){return {ok:r.ok,j:j};});})
    .then(function(x){
      if(!x.ok){status.textContent=x.j.message;status.setAttribute('data-refused',x.j.reason);return;}
      location.replace('${BASE}/map?s='+encodeURIComponent(x.j.token)+'&lang='+encodeURIComponent(x.j.locale));
    })
    .catch(function(){status.textContent=${JSON.stringify(t('dashboard.sign_in_failed'))};});
})();`;
  return document(
    locale,
    t('dashboard.title'),
    `<header><h1>${esc(t('dashboard.title'))}</h1></header><main><div class="card"><p id="status">${esc(t('dashboard.signing_in'))}</p></div></main>`,
    script,
  );
}
