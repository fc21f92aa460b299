/**
 * Browser-side renderer of DingTalk's markdown subset, as plain JavaScript source (the page has no
 * build step). Defines `renderMarkdown(src, at)` and `renderText(src, at)`, returning safe HTML:
 * the input is HTML-escaped first, links and images only keep http(s)/dingtalk URLs, and mentions
 * listed in `at` are wrapped in `<span class="mention">`. Supported: `#`..`######` headings, `>`
 * quotes, `**bold**`, `*italic*`, links, images, `-`/`*` and `1.` lists, line breaks, `\` escapes.
 */
export const MARKDOWN_RENDERER_JS = String.raw`
function dtEscape(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
function dtProtect(s) {
  return String(s).replace(/\\([\\*_#\[\]()>.!+\-@|~{}])/g, function (_, c) {
    return '\uE000' + c.charCodeAt(0) + '\uE001';
  });
}
function dtRestore(s) {
  return s.replace(/\uE000(\d+)\uE001/g, function (_, n) { return '&#' + n + ';'; });
}
function dtMentions(html, at) {
  var set = {};
  var list = ((at && at.atMobiles) || []).concat((at && at.atUserIds) || []);
  for (var i = 0; i < list.length; i++) set[list[i]] = true;
  return html.split(/(<[^>]*>)/).map(function (part) {
    if (part.charAt(0) === '<') return part;
    return part.replace(/@([A-Za-z0-9_.\-]+|所有人)/g, function (m, who) {
      var hit = set[who] === true || (who === '所有人' && at && at.isAtAll === true);
      return hit ? '<span class="mention" data-testid="mention">' + m + '</span>' : m;
    });
  }).join('');
}
function dtUrl(u) {
  return /^(https?:\/\/|dingtalk:\/\/)/i.test(u) ? u : null;
}
function dtInline(s) {
  s = s.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, function (m, alt, url) {
    return dtUrl(url) ? '<img alt="' + alt + '" src="' + url + '">' : alt;
  });
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, function (m, text, url) {
    return dtUrl(url) ? '<a href="' + url + '" target="_blank" rel="noopener noreferrer">' + text + '</a>' : text;
  });
  s = s.replace(/\*\*([^*]+?)\*\*/g, '<strong>$1</strong>');
  s = s.replace(/\*([^*\s][^*]*?)\*/g, '<em>$1</em>');
  return s;
}
function renderMarkdown(src, at) {
  var lines = dtEscape(dtProtect(src)).split(/\r?\n/);
  var out = [], para = [], list = null, m;
  function flushPara() { if (para.length) { out.push('<p>' + para.join('<br>') + '</p>'); para = []; } }
  function closeList() { if (list) { out.push('</' + list + '>'); list = null; } }
  function openList(kind) { flushPara(); if (list !== kind) { closeList(); out.push('<' + kind + '>'); list = kind; } }
  for (var i = 0; i < lines.length; i++) {
    var line = lines[i];
    if ((m = /^\s*(#{1,6})\s+(.*)$/.exec(line))) {
      flushPara(); closeList();
      out.push('<h' + m[1].length + '>' + dtInline(m[2]) + '</h' + m[1].length + '>');
    } else if ((m = /^\s*&gt;\s?(.*)$/.exec(line))) {
      flushPara(); closeList();
      out.push('<blockquote>' + dtInline(m[1]) + '</blockquote>');
    } else if ((m = /^\s*[-*+]\s+(.*)$/.exec(line))) {
      openList('ul'); out.push('<li>' + dtInline(m[1]) + '</li>');
    } else if ((m = /^\s*\d+\.\s+(.*)$/.exec(line))) {
      openList('ol'); out.push('<li>' + dtInline(m[1]) + '</li>');
    } else if (/^\s*$/.test(line)) {
      flushPara(); closeList();
    } else {
      closeList(); para.push(dtInline(line));
    }
  }
  flushPara(); closeList();
  return dtRestore(dtMentions(out.join(''), at));
}
function renderText(src, at) {
  return dtMentions(dtEscape(src).replace(/\r?\n/g, '<br>'), at);
}
`;
