import type { KhError } from '@kube-herald/errors';
import { USER_ID } from '@kube-herald/wecom';
import { invalid, receiverNameOf, routeOf } from './kube-eventer-common.js';
import type { KubeEventerFragment } from './kube-eventer-common.js';

/** The scheme of kube-eventer's WeCom sink: `--sink=wechat:?corp_id=…&corp_secret=…&agent_id=…`. */
export const WECHAT_PREFIX = 'wechat:';

const WECHAT_PARAMS = new Set([
  'corp_id',
  'corp_secret',
  'agent_id',
  'to_user',
  'label',
  'level',
  'namespaces',
  'kinds',
]);

/** A translated `wechat:` sink: the receiver has no webhook (the sink has none); `warnings` say what is lost. */
export interface WechatTranslation extends KubeEventerFragment {
  readonly warnings: readonly string[];
}

/**
 * Why `notifier --sink=wechat:…` cannot run: kube-eventer's wechat sink sends WeCom *application*
 * messages (corp_id + corp_secret → access token → message/send to `to_user` from app `agent_id`);
 * kube-herald sends to WeCom *group robots*, whose webhook the sink does not carry.
 */
export function wechatRuntimeError(): KhError {
  return invalid(
    'wechat: kube-eventer sends WeCom application messages (corp_id, corp_secret, agent_id, to_user); kube-herald ' +
      'sends to a WeCom group robot, whose webhook (…/cgi-bin/webhook/send?key=…) the sink does not carry. Run ' +
      '`kube-herald config from-kube-eventer --sink=<the same sink>` and put a group robot webhook in the file it names',
  );
}

function paramsOf(sink: string): URLSearchParams {
  const rest = sink.trim().slice(WECHAT_PREFIX.length);
  const q = rest.indexOf('?');
  if (q === -1) throw invalid('a wechat sink is wechat:?corp_id=…&corp_secret=…&agent_id=…');
  return new URLSearchParams(rest.slice(q + 1));
}

function required(p: URLSearchParams): void {
  // As kube-eventer itself requires them; the values are never echoed (corp_secret is a secret).
  for (const k of ['corp_id', 'corp_secret', 'agent_id'])
    if (!p.get(k)) throw invalid(`wechat: ${k} is required`);
  if (!/^\d+$/.test(p.get('agent_id') ?? '')) throw invalid('wechat: agent_id must be a number');
}

function toUsers(p: URLSearchParams): string[] {
  const users = (p.get('to_user') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '' && u !== '@all');
  for (const u of users) {
    if (!USER_ID.test(u))
      throw invalid(`wechat: to_user ${JSON.stringify(u.slice(0, 64))} is not a WeCom user id`);
  }
  return users;
}

function warningsOf(p: URLSearchParams, users: readonly string[]): string[] {
  const out = [
    'kube-eventer sends WeCom application messages; kube-herald sends to a WeCom group robot. corp_id, ' +
      'corp_secret and agent_id have no equivalent and are not used (corp_secret is written nowhere): add a ' +
      'group robot to the chat that should get the alerts and put its webhook in webhookFile.',
    users.length
      ? `to_user (${users.join(', ')}): these users are @-mentioned in the group instead of messaged one by one; ` +
        'they must be members of the group.'
      : 'to_user empty or @all: every member of the group sees the alerts; nobody is @-mentioned ' +
        '(mentions.atAll: true with msgType: text would notify everyone).',
  ];
  const unknown = [...new Set(p.keys())].filter((k) => !WECHAT_PARAMS.has(k));
  if (unknown.length) out.push(`not kube-eventer wechat parameters, ignored: ${unknown.join(', ')}`);
  return out;
}

/**
 * Translates kube-eventer's `--sink=wechat:?corp_id=<id>&corp_secret=<secret>&agent_id=<n>&to_user=<a,b>
 * &label=<cluster>&level=Warning|Normal&namespaces=a,b&kinds=Pod,Node` (its docs/en/wechat-sink.md) into a
 * `type: wecom` receiver WITHOUT a webhook (the caller adds `webhookFile`) and a route, plus warnings
 * for what has no equivalent. `label`/`level`/`namespaces`/`kinds` map as for dingtalk sinks; `to_user`
 * becomes `mentions.userIds`. Throws `KhError('kube_eventer_sink_invalid')`, never echoing corp_secret.
 */
export function parseWechatSink(sink: string, name?: string): WechatTranslation {
  if (!sink.trim().startsWith(WECHAT_PREFIX)) throw invalid('not a wechat: sink');
  const p = paramsOf(sink);
  required(p);
  const users = toUsers(p);
  const receiverName = receiverNameOf('wecom', p.get('label') ?? '', name);
  const receiver = {
    name: receiverName,
    type: 'wecom',
    ...(users.length ? { mentions: { userIds: users } } : {}),
  };
  return { receiver, route: routeOf(p, receiverName), warnings: warningsOf(p, users) };
}
