import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FeishuStandin } from '@kube-herald/feishu-standin';
import type { WecomStandin } from '@kube-herald/wecom-standin';

/** One message as the groups page shows it. */
export interface GroupMessage {
  readonly platform: 'wecom' | 'feishu';
  readonly group: string;
  readonly time: number;
  readonly title?: string;
  readonly text: string;
}

/** The page of the demo's WeCom and Feishu groups (the DingTalk groups have the DingTalk stand-in's page). */
export interface GroupsPage {
  readonly url: string;
  close(): Promise<void>;
}

/** Every message the two stand-ins accepted, oldest first per platform. */
export function groupMessages(wecom: WecomStandin, feishu: FeishuStandin): GroupMessage[] {
  return [
    ...wecom
      .messages()
      .map((m) => ({ platform: 'wecom' as const, group: m.robot, time: m.time, text: m.content })),
    ...feishu.messages().map((m) => ({
      platform: 'feishu' as const,
      group: m.bot,
      time: m.time,
      ...(m.title ? { title: m.title } : {}),
      text: m.text,
    })),
  ];
}

// Message text is set with textContent only: event text never becomes markup on this page.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kube-herald demo — WeCom and Feishu groups</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#f3f4f6}
h1{font-size:18px;margin:12px 16px}
main{display:flex;gap:16px;padding:0 16px 16px}
section{flex:1;background:#fff;border-radius:8px;padding:8px 12px;min-width:0}
h2{font-size:15px;margin:4px 0 8px}
.wecom h2{color:#0b8f4d}.feishu h2{color:#3370ff}
ol{list-style:none;margin:0;padding:0;max-height:85vh;overflow:auto}
li{border-top:1px solid #e5e7eb;padding:6px 0}
b{display:block}pre{white-space:pre-wrap;word-break:break-word;margin:4px 0 0;font:13px ui-monospace,monospace}
small{color:#6b7280}
</style></head><body>
<h1>kube-herald demo — WeCom and Feishu groups (stand-ins)</h1>
<main>
<section class="wecom" data-testid="group-panel" data-platform="wecom"><h2>WeCom 企业微信</h2><ol></ol></section>
<section class="feishu" data-testid="group-panel" data-platform="feishu"><h2>Feishu 飞书</h2><ol></ol></section>
</main>
<script>
async function refresh() {
  try {
    const res = await fetch('messages');
    const { messages } = await res.json();
    for (const platform of ['wecom', 'feishu']) {
      const list = document.querySelector('[data-platform="' + platform + '"] ol');
      const mine = messages.filter((m) => m.platform === platform).reverse();
      list.replaceChildren(...mine.map((m) => {
        const li = document.createElement('li');
        li.dataset.testid = 'group-message';
        const when = document.createElement('small');
        when.textContent = new Date(m.time).toLocaleTimeString() + ' · ' + m.group;
        li.append(when);
        if (m.title) { const b = document.createElement('b'); b.textContent = m.title; li.append(b); }
        const pre = document.createElement('pre');
        pre.textContent = m.text;
        li.append(pre);
        return li;
      }));
    }
  } catch {}
}
refresh();
setInterval(refresh, 2000);
</script></body></html>`;

/** Serves the page (`/`) and its data (`/messages`) on 127.0.0.1, on a free port. */
export async function startGroupsPage(wecom: WecomStandin, feishu: FeishuStandin): Promise<GroupsPage> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page').pathname;
    if (path === '/messages') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ messages: groupMessages(wecom, feishu) }));
    } else if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html;charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
