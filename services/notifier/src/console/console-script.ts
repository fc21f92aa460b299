// The console's browser script (served as /console.js). Data is only ever put into the page with
// textContent: event text, names and matchers are data, never markup.
export const CONSOLE_JS = String.raw`
(function () {
  'use strict';
  var T = JSON.parse(document.getElementById('i18n').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var state = { snap: null };
  var lang = document.documentElement.lang;
  var fmtTime = function (ms) {
    if (!ms) return T.never;
    return new Date(ms).toLocaleString(lang, { hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  };
  var fmtIn = function (ms, now) {
    var d = Math.round((ms - now) / 1000);
    if (d <= 0) return T.now;
    return d >= 90 ? Math.round(d / 60) + ' min' : d + ' s';
  };
  function cell(tr, text, label, cls) {
    var td = document.createElement('td');
    td.textContent = text === undefined || text === null ? '' : String(text);
    if (label) td.setAttribute('data-l', label);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function button(text, cls, onClick) {
    var b = document.createElement('button');
    b.type = 'button'; b.textContent = text; b.className = cls; b.addEventListener('click', onClick);
    return b;
  }
  function fill(id, rows) {
    var tb = $(id);
    tb.replaceChildren.apply(tb, rows);
  }
  // admin: name and token live in sessionStorage (this tab only); no cookie is ever used
  ['who', 'token'].forEach(function (k) {
    $(k).value = sessionStorage.getItem('kh-' + k) || '';
    $(k).addEventListener('input', function () { sessionStorage.setItem('kh-' + k, $(k).value); });
  });
  function api(path, body, admin) {
    var headers = { 'content-type': 'application/json' };
    if (admin) {
      if (!$('who').value.trim() || !$('token').value) return Promise.reject(new Error(T.needWho));
      headers.authorization = 'Bearer ' + $('token').value;
      body.by = $('who').value.trim();
    }
    return fetch(path, { method: 'POST', headers: headers, body: JSON.stringify(body) }).then(function (res) {
      return res.json().then(function (j) {
        if (!res.ok) throw new Error(j.error || res.statusText);
        return j;
      });
    });
  }
  function show(id, text, bad) { var el = $(id); el.textContent = text; el.className = bad ? 'error' : ''; }
  // tabs
  document.querySelectorAll('#tabs button').forEach(function (b) {
    b.addEventListener('click', function () {
      var tab = b.getAttribute('data-tab');
      document.querySelectorAll('#tabs button').forEach(function (x) { x.classList.toggle('on', x === b); });
      document.querySelectorAll('section[data-panel]').forEach(function (s) { s.classList.toggle('on', s.getAttribute('data-panel') === tab); });
      if (tab === 'audit') loadAudit();
    });
  });
  function openTab(tab) { document.querySelector('#tabs button[data-tab="' + tab + '"]').click(); }
  // incidents
  function filters() {
    var f = {};
    document.querySelectorAll('[data-filter]').forEach(function (el) { if (el.value.trim()) f[el.getAttribute('data-filter')] = el.value.trim().toLowerCase(); });
    return f;
  }
  function keep(i, f) {
    var has = function (v, q) { return String(v).toLowerCase().indexOf(q) >= 0; };
    return (!f.cluster || has(i.cluster + ' ' + i.clusterName, f.cluster)) && (!f.namespace || has(i.namespace, f.namespace)) &&
      (!f.reason || has(i.reason, f.reason)) && (!f.owner || has(i.owner, f.owner)) &&
      (!f.receiver || has(i.receivers.join(' '), f.receiver)) && (!f.state || i.state === f.state);
  }
  function renderIncidents(s) {
    var f = filters();
    var rows = s.incidents.filter(function (i) { return keep(i, f); }).map(function (i) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-testid', 'incident-row'); tr.setAttribute('data-key', i.incidentKey);
      if (i.state !== 'active') tr.className = 'quiet';
      cell(tr, i.cluster + (i.clusterName ? ' ' + i.clusterName : ''), T.cluster);
      cell(tr, i.namespace, T.namespace);
      var obj = cell(tr, i.kind + ' ' + i.name + (i.owner ? ' (' + i.owner + ')' : ''), T.object);
      var msg = document.createElement('div'); msg.className = 'msg'; msg.textContent = i.message; obj.appendChild(msg);
      cell(tr, i.reason, T.reason);
      cell(tr, i.count, T.count, 'num count');
      cell(tr, i.growth > 0 ? '+' + i.growth : '0', T.growth, 'num growth' + (i.growth > 0 ? ' grow' : ''));
      cell(tr, fmtTime(i.firstSeenMs), T.firstSeen);
      cell(tr, fmtTime(i.lastSeenMs), T.lastSeen);
      cell(tr, i.receivers.join(', ') + ' · ' + (i.sent ? T.sent : T.notSent), T.receiver);
      cell(tr, T[i.state] + (i.closedAtMs ? ' ' + fmtTime(i.closedAtMs) : ''), T.state, 'state');
      var td = cell(tr, '', '');
      td.appendChild(button(T.why, 'why-link', function () { $('w-input').value = i.incidentKey; openTab('why'); explain(); }));
      return tr;
    });
    fill('incidents', rows);
    $('incidents-empty').style.display = rows.length ? 'none' : '';
  }
  document.querySelectorAll('[data-filter]').forEach(function (el) {
    el.addEventListener('input', function () { if (state.snap) renderIncidents(state.snap); });
  });
  function renderWaiting(s) {
    fill('robots', s.robots.map(function (r) {
      var tr = document.createElement('tr'); tr.setAttribute('data-testid', 'robot-row'); tr.setAttribute('data-robot', r.name);
      cell(tr, r.name + ' (' + r.type + ')', T.receiver); cell(tr, r.webhook, T.webhook);
      cell(tr, r.used + ' / ' + r.limit, T.budget, 'num budget');
      cell(tr, r.nextSlotInMs ? fmtIn(s.at + r.nextSlotInMs, s.at) : T.now, T.nextSlot);
      cell(tr, r.blockedForMs ? T.blocked + ' ' + fmtIn(s.at + r.blockedForMs, s.at) + (r.throttleLevel > 0 ? ' (×' + Math.pow(2, r.throttleLevel) + ')' : '') : T.none, T.throttle);
      cell(tr, r.readyGroups, T.readyGroups, 'num'); cell(tr, r.delayedJobs, T.delayedJobs, 'num');
      return tr;
    }));
    $('queue').textContent = T.queue + ': ' + Object.keys(s.queue).map(function (k) { return k + ' ' + s.queue[k]; }).join(' · ');
    fill('groups', s.groups.map(function (g) {
      var tr = document.createElement('tr'); tr.setAttribute('data-testid', 'group-row');
      cell(tr, g.receiver, T.receiver); cell(tr, g.groupKey, T.group); cell(tr, g.route, T.route);
      cell(tr, g.incidents + (g.newIncidents ? ' (+' + g.newIncidents + ')' : ''), T.incidentsShort, 'num');
      cell(tr, g.pending, T.pending, 'num');
      cell(tr, g.pending > 0 ? fmtIn(g.nextCheckMs, s.at) : T.none, T.nextFlush);
      cell(tr, fmtTime(g.lastSentMs), T.lastSent);
      return tr;
    }));
  }
  function matcherText(m) { return m.field + m.op + JSON.stringify(m.value); }
  function renderSilences(s) {
    fill('silences', s.silences.map(function (x) {
      var tr = document.createElement('tr'); tr.setAttribute('data-testid', 'silence-row'); tr.setAttribute('data-id', x.id);
      cell(tr, x.id.slice(0, 8), 'ID'); cell(tr, x.matchers.map(matcherText).join(', '), T.matchers);
      cell(tr, fmtTime(Date.parse(x.endsAt)), T.until); cell(tr, x.createdBy, T.by); cell(tr, x.comment, T.comment);
      cell(tr, '', '').appendChild(button(T.expire, 'act expire', function () {
        api('/api/silences/expire', { id: x.id }, true).then(function () { show('s-result', T.expired + ': ' + x.id); },
          function (e) { show('s-result', e.message, true); });
      }));
      return tr;
    }));
  }
  function renderFailed(s) {
    fill('failed', s.failed.map(function (f) {
      var tr = document.createElement('tr'); tr.setAttribute('data-testid', 'failed-row'); tr.setAttribute('data-id', f.id);
      cell(tr, f.id, 'ID'); cell(tr, f.receiver, T.receiver); cell(tr, fmtTime(f.failedAtMs), T.failedAt);
      cell(tr, f.errcode + (f.code ? ' ' + f.code : ''), 'errcode', 'errcode'); cell(tr, f.hint, T.hint);
      cell(tr, '', '').appendChild(button(T.retry, 'act retry', function () { retry({ ids: [f.id] }); }));
      return tr;
    }));
  }
  function retry(body) {
    api('/api/failed/retry', body, true).then(function (j) { show('f-result', T.retried + ': ' + j.retried.length); },
      function (e) { show('f-result', e.message, true); });
  }
  $('retry-all').addEventListener('click', function () { retry({ all: true }); });
  function render(s) {
    state.snap = s;
    $('n-incidents').textContent = s.incidentsOpen;
    var shownOpen = s.incidents.filter(function (i) { return !i.closedAtMs; }).length;
    $('incidents-more').textContent = shownOpen < s.incidentsOpen ? T.shown.replace('{n}', shownOpen).replace('{total}', s.incidentsOpen) : ''; $('n-groups').textContent = s.groupsTotal;
    $('n-silences').textContent = s.silences.length; $('n-failed').textContent = s.failed.length;
    $('updated').textContent = T.updated + ' ' + fmtTime(s.at);
    renderIncidents(s); renderWaiting(s); renderSilences(s); renderFailed(s);
  }
  // silences
  function matcherLines() { return $('s-matchers').value.split('\n').map(function (l) { return l.trim(); }).filter(Boolean); }
  $('s-preview').addEventListener('click', function () {
    api('/api/silences/preview', { matchers: matcherLines() }).then(function (j) {
      show('s-result', j.incidents.length + ' ' + T.previewCount);
      fill('s-preview-list', j.incidents.map(function (i) {
        var li = document.createElement('li'); li.setAttribute('data-testid', 'preview-row');
        li.textContent = i.cluster + ' ' + i.namespace + ' ' + i.kind + '/' + i.name + ' ' + i.reason + ' ×' + i.count;
        return li;
      }));
    }, function (e) { show('s-result', e.message, true); });
  });
  $('s-create').addEventListener('click', function () {
    api('/api/silences', { matchers: matcherLines(), for: $('s-for').value, comment: $('s-comment').value }, true).then(function (j) {
      show('s-result', T.created + ': ' + j.silence.id);
      $('s-result').setAttribute('data-silence', j.silence.id);
    }, function (e) { show('s-result', e.message, true); });
  });
  // why
  function explain() {
    var text = $('w-input').value.trim();
    var body = text.charAt(0) === '{' ? { event: text } : text.indexOf('/') >= 0 ? { incidentKey: text } : { occurrenceId: text };
    api('/api/why', body).then(function (a) {
      var v = $('w-verdict'); v.textContent = verdictText(a); v.setAttribute('data-kind', a.kind); v.className = '';
      fill('w-history', a.history.length ? a.history.map(function (l) {
        var li = document.createElement('li'); li.setAttribute('data-testid', 'why-line');
        var rest = Object.assign({}, l); delete rest.at; delete rest.decision;
        li.textContent = fmtTime(l.at) + ' ' + l.decision + ' ' + JSON.stringify(rest);
        return li;
      }) : [Object.assign(document.createElement('li'), { textContent: a.historyAvailable ? T.noHistory : T.noHistory })]);
      fill('w-routes', a.routing ? a.routing.explanation.map(function (e) {
        var li = document.createElement('li'); li.textContent = e.route + ': ' + e.outcome + (e.detail ? ' — ' + e.detail : ''); return li;
      }) : []);
      fill('w-groups', a.groups.map(function (g) {
        var li = document.createElement('li');
        li.textContent = T.liveGroups + ': ' + g.groupKey + ' · ×' + g.count + ' · ' + (g.sent ? T.sent : T.notSent) + (g.pending ? ' · ' + T.pending + ' ' + g.pending : '');
        return li;
      }));
    }, function (e) { var v = $('w-verdict'); v.textContent = e.message; v.className = 'error'; v.setAttribute('data-kind', 'error'); });
  }
  $('w-go').addEventListener('click', explain);
  // the verdict in the page's language, from the decision-log lines it rests on
  var WORDS = { dropped: 'wDropped', silenced: 'wSilenced', unrouted: 'wUnrouted', deduped: 'wDeduped', grouped: 'wGrouped', sent: 'wSent', failed: 'wFailed' };
  function lineText(l) {
    var t = T[WORDS[l.decision]] || l.decision;
    var groupKey = typeof l.groupKey === 'string' ? l.groupKey : JSON.stringify(l.groups || []);
    return t.replace(/\{(\w+)\}/g, function (_, k) { return k === 'groupKey' ? groupKey : String(l[k]); });
  }
  function verdictText(a) {
    if (!a.verdictLines) return T.wDryRun + ': ' + a.verdict;
    var parts = a.verdictLines.map(lineText);
    if (a.kind === 'grouped') parts.push(T.wNotYet);
    return parts.join('; ');
  }
  function loadAudit() {
    fetch('/api/audit').then(function (r) { return r.json(); }).then(function (j) {
      fill('audit', j.entries.map(function (e) {
        var tr = document.createElement('tr'); tr.setAttribute('data-testid', 'audit-row');
        cell(tr, fmtTime(Date.parse(e.at)), T.when); cell(tr, e.by, T.by); cell(tr, e.action, T.action); cell(tr, e.target, T.target); cell(tr, e.remote, T.from);
        return tr;
      }));
    });
  }
  // live stream
  var es = new EventSource('/api/stream');
  var status = $('stream');
  es.addEventListener('open', function () { status.setAttribute('data-state', 'live'); status.textContent = T.live; });
  es.addEventListener('error', function () { status.setAttribute('data-state', 'down'); status.textContent = T.down; });
  es.addEventListener('snapshot', function (ev) { render(JSON.parse(ev.data)); });
})();
`;
