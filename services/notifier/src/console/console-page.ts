import { CONSOLE_STRINGS, type ConsoleLang } from './console-strings.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The console page (server-rendered labels; the script fills the data and follows the live stream). */
export function consolePage(lang: ConsoleLang, actionsEnabled: boolean): string {
  const t = CONSOLE_STRINGS[lang];
  const L = (k: keyof typeof t): string => esc(t[k]);
  const other = lang === 'en' ? 'zh-CN' : 'en';
  const filter = (id: string, label: keyof typeof t): string =>
    `<label>${L(label)}<input id="f-${id}" data-filter="${id}" autocomplete="off"></label>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${L('title')}</title>
<link rel="stylesheet" href="/console.css">
<script type="application/json" id="i18n">${JSON.stringify(t).replace(/</g, '\\u003c')}</script>
<script src="/console.js" defer></script>
</head>
<body data-actions="${actionsEnabled ? 'on' : 'off'}">
<header>
  <h1>${L('title')}</h1>
  <span data-testid="stream-status" data-state="connecting" id="stream">${L('connecting')}</span>
  <span id="updated"></span>
  <a id="lang" href="/?lang=${other}">${other === 'en' ? 'English' : '中文'}</a>
</header>
<section id="admin">
  <label>${L('who')}<input id="who" autocomplete="username" placeholder="alice"></label>
  <label>${L('token')}<input id="token" type="password" autocomplete="off"></label>
  <span class="hint">${actionsEnabled ? L('tokenHint') : L('actionsOff')}</span>
</section>
<nav id="tabs">
  <button data-tab="incidents" class="on">${L('incidents')} <b id="n-incidents">0</b></button>
  <button data-tab="waiting">${L('waiting')} <b id="n-groups">0</b></button>
  <button data-tab="silences">${L('silences')} <b id="n-silences">0</b></button>
  <button data-tab="failed">${L('failed')} <b id="n-failed">0</b></button>
  <button data-tab="why">${L('why')}</button>
  <button data-tab="audit">${L('audit')}</button>
</nav>
<main>
<section data-panel="incidents" class="on">
  <div class="filters">${filter('cluster', 'cluster')}${filter('namespace', 'namespace')}${filter('reason', 'reason')}${filter('owner', 'owner')}${filter('receiver', 'receiver')}
  <label>${L('state')}<select id="f-state" data-filter="state"><option value="">${L('all')}</option><option value="active">${L('active')}</option><option value="quiet">${L('quiet')}</option><option value="resolved">${L('resolved')}</option></select></label></div>
  <table><thead><tr><th>${L('cluster')}</th><th>${L('namespace')}</th><th>${L('object')}</th><th>${L('reason')}</th><th>${L('count')}</th><th>${L('growth')}</th><th>${L('firstSeen')}</th><th>${L('lastSeen')}</th><th>${L('receiver')}</th><th>${L('state')}</th><th></th></tr></thead>
  <tbody id="incidents"></tbody></table>
  <p class="empty" id="incidents-empty">${L('noIncidents')}</p>
  <p class="empty" id="incidents-more"></p>
</section>
<section data-panel="waiting">
  <h2>${L('robots')}</h2>
  <table><thead><tr><th>${L('receiver')}</th><th>${L('webhook')}</th><th>${L('budget')}</th><th>${L('nextSlot')}</th><th>${L('throttle')}</th><th>${L('readyGroups')}</th><th>${L('delayedJobs')}</th></tr></thead>
  <tbody id="robots"></tbody></table>
  <p id="queue"></p>
  <h2>${L('groups')}</h2>
  <table><thead><tr><th>${L('receiver')}</th><th>${L('group')}</th><th>${L('route')}</th><th>${L('incidentsShort')}</th><th>${L('pending')}</th><th>${L('nextFlush')}</th><th>${L('lastSent')}</th></tr></thead>
  <tbody id="groups"></tbody></table>
</section>
<section data-panel="silences">
  <form id="s-form" class="card">
    <label>${L('matchers')}<textarea id="s-matchers" rows="3" placeholder='namespace=payments&#10;reason=~"BackOff|OOMKilling"'></textarea></label>
    <label>${L('duration')}<input id="s-for" value="2h"></label>
    <label>${L('comment')}<input id="s-comment"></label>
    <div><button type="button" id="s-preview">${L('preview')}</button> <button type="button" id="s-create" class="act">${L('create')}</button></div>
    <p id="s-result" role="status"></p>
    <ul id="s-preview-list"></ul>
  </form>
  <table><thead><tr><th>ID</th><th>${L('matchers')}</th><th>${L('until')}</th><th>${L('by')}</th><th>${L('comment')}</th><th></th></tr></thead>
  <tbody id="silences"></tbody></table>
</section>
<section data-panel="failed">
  <p><button type="button" id="retry-all" class="act">${L('retryAll')}</button> <span id="f-result" role="status"></span></p>
  <table><thead><tr><th>ID</th><th>${L('receiver')}</th><th>${L('failedAt')}</th><th>errcode</th><th>${L('hint')}</th><th></th></tr></thead>
  <tbody id="failed"></tbody></table>
</section>
<section data-panel="why">
  <label>${L('whyInput')}<textarea id="w-input" rows="6" placeholder='{"schema":"kube-herald.event/v1", …} / occurrenceId / cluster/namespace/Kind/name/Reason'></textarea></label>
  <button type="button" id="w-go">${L('explain')}</button>
  <p id="w-verdict" data-kind=""></p>
  <ol id="w-history"></ol>
  <ul id="w-routes"></ul>
  <ul id="w-groups"></ul>
</section>
<section data-panel="audit">
  <table><thead><tr><th>${L('when')}</th><th>${L('by')}</th><th>${L('action')}</th><th>${L('target')}</th><th>${L('from')}</th></tr></thead>
  <tbody id="audit"></tbody></table>
</section>
</main>
</body>
</html>
`;
}

/** The console's style: tables on wide screens, cards on phones. */
export const CONSOLE_CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;color:#1f2329;background:#f5f6f7}
header{display:flex;gap:12px;align-items:center;flex-wrap:wrap;padding:10px 16px;background:#1f2329;color:#fff}
header h1{font-size:17px;margin:0;flex:1 1 auto}header a{color:#9cf}
#stream{padding:2px 8px;border-radius:10px;background:#8a6d00;font-size:12px}#stream[data-state=live]{background:#2e7d32}#stream[data-state=down]{background:#c62828}
#updated{font-size:12px;opacity:.8}
#admin{display:flex;gap:12px;flex-wrap:wrap;align-items:end;padding:8px 16px;background:#fff;border-bottom:1px solid #dee0e3}
#admin .hint{font-size:12px;color:#646a73}
label{display:flex;flex-direction:column;font-size:12px;color:#646a73;gap:2px}
input,select,textarea{font:inherit;padding:5px 7px;border:1px solid #c9cdd4;border-radius:4px;min-width:0}
textarea{width:100%}
nav{display:flex;gap:4px;padding:8px 16px 0;overflow-x:auto;background:#fff;border-bottom:1px solid #dee0e3}
nav button{border:0;background:none;padding:8px 10px;font:inherit;cursor:pointer;white-space:nowrap;border-bottom:2px solid transparent}
nav button.on{border-color:#3370ff;color:#3370ff}nav b{font-weight:600;background:#eef0f3;border-radius:8px;padding:0 6px;font-size:12px}
main{padding:12px 16px}section[data-panel]{display:none}section[data-panel].on{display:block}
.filters{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:8px}
table{width:100%;border-collapse:collapse;background:#fff;margin-bottom:12px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}th{font-size:12px;color:#646a73;font-weight:500}
td.num{text-align:right;font-variant-numeric:tabular-nums}.grow{color:#c62828;font-weight:600}
tr.quiet{color:#8f959e}
.msg{font-size:12px;color:#646a73;max-width:420px;overflow-wrap:anywhere}
button{font:inherit;padding:4px 10px;border-radius:4px;border:1px solid #c9cdd4;background:#fff;cursor:pointer}
button.act{border-color:#3370ff;color:#3370ff}body[data-actions=off] button.act{display:none}
.card{background:#fff;padding:12px;border-radius:6px;display:grid;gap:8px;margin-bottom:12px;max-width:720px}
#w-verdict{font-size:16px;font-weight:600}#w-verdict[data-kind=sent]{color:#2e7d32}#w-verdict[data-kind=dropped],#w-verdict[data-kind=silenced]{color:#8a6d00}#w-verdict[data-kind=failed]{color:#c62828}
.empty{color:#8f959e}.error{color:#c62828}
@media (max-width:700px){
  thead{display:none}table,tbody,tr,td{display:block;width:100%}
  tr{margin-bottom:8px;border-radius:6px;background:#fff;padding:6px 8px;border:1px solid #eef0f3}
  td{border:0;padding:2px 0}td[data-l]::before{content:attr(data-l) ": ";color:#8f959e;font-size:12px}td.num{text-align:left}
}
`;
