import { MARKDOWN_RENDERER_JS } from './markdown-renderer.js';
import { PAGE_SCRIPT_JS } from './page-script.js';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f3f5;color:#1f2329}
body>header{display:flex;gap:12px;align-items:center;padding:10px 16px;background:#3370ff;color:#fff}
body>header h1{font-size:16px;margin:0}#status{font-size:12px;opacity:.85}
#robots{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:12px;padding:12px}
.panel{background:#fff;border-radius:8px;display:flex;flex-direction:column;height:calc(100vh - 70px);min-height:360px;box-shadow:0 1px 3px #0002}
.panel>header{padding:8px 12px;border-bottom:1px solid #e5e6eb}.panel h2{font-size:15px;margin:0}
.sub{font-size:12px;color:#8f959e}.counters{display:flex;flex-wrap:wrap;gap:10px;font-size:12px;margin-top:4px}
.counter .label{color:#646a73;margin-right:3px}.panel.throttled [data-testid=counter-throttle]{color:#f54a45}
.panel.over [data-testid=counter-max]{color:#f54a45}
.list{flex:1;overflow-y:auto;padding:10px 12px}.msg{margin-bottom:12px}
.meta{font-size:11px;color:#8f959e;display:flex;gap:8px}.title{font-size:11px;color:#646a73}
.bubble{background:#e8f0ff;border-radius:4px 12px 12px 12px;padding:8px 12px;max-width:100%;overflow-wrap:anywhere}
.bubble h1,.bubble h2,.bubble h3,.bubble h4,.bubble h5,.bubble h6{margin:2px 0 6px;font-size:15px}
.bubble p{margin:4px 0}.bubble ul,.bubble ol{margin:4px 0;padding-left:20px}
.bubble blockquote{margin:4px 0;padding-left:8px;border-left:3px solid #bbbfc4;color:#646a73}
.bubble img{max-width:100%}.mention{color:#3370ff;font-weight:600}.atall{color:#3370ff}
`;

/** The live page: one HTML document with inline CSS and JS, fed by `/_standin/stream`. */
export const PAGE_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>DingTalk stand-in</title><style>${CSS}</style></head>
<body><header><h1>DingTalk 机器人 stand-in</h1><span id="status" data-testid="stream-status">连接中…</span></header>
<main id="robots" data-testid="robots"></main>
<script>${MARKDOWN_RENDERER_JS}
${PAGE_SCRIPT_JS}</script></body></html>
`;
