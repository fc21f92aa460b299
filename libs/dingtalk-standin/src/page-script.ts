/** Browser script of the live page (plain JS; uses renderMarkdown/renderText from the renderer). */
export const PAGE_SCRIPT_JS = String.raw`
var state = { robots: [], stats: { ratePerMinute: 20, robots: {} } };
var root = document.getElementById('robots');
function el(tag, cls, testid, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (testid) e.setAttribute('data-testid', testid);
  if (text !== undefined) e.textContent = text;
  return e;
}
function panelOf(name) { return document.querySelector('[data-testid="robot-panel"][data-robot="' + CSS.escape(name) + '"]'); }
function hhmmss(ms) { return new Date(ms).toLocaleTimeString('zh-CN', { hour12: false }); }
function bodyHtml(m) {
  var b = m.body || {};
  var part = b[m.msgtype] || {};
  if (m.msgtype === 'text') return renderText(m.text, m.at);
  if (m.msgtype === 'markdown') return renderMarkdown(m.text, m.at);
  if (m.msgtype === 'feedCard') {
    return (part.links || []).map(function (l) { return renderMarkdown('[' + (l.title || '') + '](' + (l.messageURL || '') + ')'); }).join('');
  }
  var html = renderMarkdown(m.text, m.at);
  if (m.msgtype === 'link') html += renderMarkdown('[打开链接](' + (part.messageUrl || '') + ')');
  if (m.msgtype === 'actionCard') {
    var btns = part.btns || (part.singleTitle ? [{ title: part.singleTitle, actionURL: part.singleURL }] : []);
    html += btns.map(function (x) { return renderMarkdown('[' + x.title + '](' + x.actionURL + ')'); }).join(' · ');
  }
  return html;
}
function addMessage(m) {
  var panel = panelOf(m.robot);
  if (!panel) return;
  var list = panel.querySelector('[data-testid="message-list"]');
  var item = el('div', 'msg', 'message');
  item.setAttribute('data-id', String(m.id));
  item.setAttribute('data-msgtype', m.msgtype);
  var meta = el('div', 'meta');
  meta.appendChild(el('span', 'time', 'message-time', hhmmss(m.time)));
  meta.appendChild(el('span', 'type', 'message-type', m.msgtype));
  if (m.at && m.at.isAtAll) meta.appendChild(el('span', 'atall', 'message-at-all', '@所有人'));
  item.appendChild(meta);
  if (m.title !== undefined) item.appendChild(el('div', 'title', 'message-title', m.title));
  var bubble = el('div', 'bubble', 'message-body');
  bubble.innerHTML = bodyHtml(m);
  item.appendChild(bubble);
  list.appendChild(item);
  list.scrollTop = list.scrollHeight;
}
function counter(label, testid) {
  var box = el('span', 'counter');
  box.appendChild(el('span', 'label', undefined, label));
  box.appendChild(el('b', undefined, testid, '0'));
  return box;
}
function buildPanels(snap) {
  state.robots = snap.robots;
  root.textContent = '';
  snap.robots.forEach(function (r) {
    var panel = el('section', 'panel', 'robot-panel');
    panel.setAttribute('data-robot', r.name);
    var head = el('header');
    head.appendChild(el('h2', undefined, 'robot-name', r.name));
    var kw = r.keywords.length ? '关键词: ' + r.keywords.join(', ') : '';
    head.appendChild(el('div', 'sub', 'robot-security', [kw, r.signed ? '加签' : ''].filter(Boolean).join(' · ')));
    var counters = el('div', 'counters', 'robot-counters');
    counters.appendChild(counter('本分钟', 'counter-minute'));
    counters.appendChild(el('span', 'limit', 'counter-limit', '/ ' + snap.stats.ratePerMinute));
    counters.appendChild(counter('单分钟最多', 'counter-max'));
    counters.appendChild(counter('已接收', 'counter-accepted'));
    counters.appendChild(counter('限流', 'counter-throttle'));
    head.appendChild(counters);
    panel.appendChild(head);
    panel.appendChild(el('div', 'list', 'message-list'));
    root.appendChild(panel);
  });
  snap.messages.forEach(addMessage);
  updateStats(snap.stats);
}
function updateStats(stats) {
  state.stats = stats;
  Object.keys(stats.robots).forEach(function (name) {
    var panel = panelOf(name);
    if (!panel) return;
    var s = stats.robots[name];
    panel.querySelector('[data-testid="counter-minute"]').textContent = String(s.lastMinute);
    panel.querySelector('[data-testid="counter-max"]').textContent = String(s.maxPerMinute);
    panel.querySelector('[data-testid="counter-accepted"]').textContent = String(s.accepted);
    var t = panel.querySelector('[data-testid="counter-throttle"]');
    t.textContent = String(s.throttleAnswers);
    panel.classList.toggle('throttled', s.throttleAnswers > 0);
    panel.classList.toggle('over', s.maxPerMinute > stats.ratePerMinute);
  });
}
var streamStatus = document.getElementById('status');
var es = new EventSource('/_standin/stream');
es.addEventListener('open', function () { streamStatus.textContent = '已连接'; streamStatus.setAttribute('data-state', 'live'); });
es.addEventListener('error', function () { streamStatus.textContent = '重连中…'; streamStatus.setAttribute('data-state', 'down'); });
es.addEventListener('snapshot', function (e) { buildPanels(JSON.parse(e.data)); });
es.addEventListener('reset', function (e) { buildPanels(JSON.parse(e.data)); });
es.addEventListener('message', function (e) { addMessage(JSON.parse(e.data)); });
es.addEventListener('stats', function (e) { updateStats(JSON.parse(e.data)); });
`;
