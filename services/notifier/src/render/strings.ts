/** Locales of the default templates. */
export type Locale = 'zh-CN' | 'en';

/** The robot's rate budget a storm summary names: the receiver's, as its rate gate enforces it. */
export interface RateBudget {
  readonly perMinute: number;
  /** The per-second budget, for platforms that have one (Feishu, Slack). */
  readonly perSecond?: number;
}

/** Incidents of a message by status. */
export interface StatusCounts {
  readonly new: number;
  readonly grown: number;
  readonly ongoing: number;
  readonly resolved: number;
}

/** Every locale-dependent piece of the default messages (the product's voice, see MESSAGES.md). */
export interface Strings {
  readonly tag: {
    readonly Warning: string;
    readonly Normal: string;
    readonly storm: string;
    readonly test: string;
    readonly resolved: string;
    readonly ongoing: string;
  };
  readonly object: string;
  readonly namespace: string;
  readonly count: string;
  readonly paren: (s: string) => string;
  readonly times: (count: string, first: string, last: string, offset: string, grown?: string) => string;
  /** `3 个新问题，1 个持续`; `sep` joins the parts (the title uses `, `). */
  readonly summary: (c: StatusCounts, sep?: string) => string;
  readonly ongoing: string;
  /** The word of a resolved incident (已恢复 / resolved). */
  readonly resolved: string;
  /** `，持续 12 分钟` — how long a resolved incident lasted. */
  readonly lasted: (minutes: number) => string;
  readonly since: (t: string) => string;
  readonly grownBy: (n: string) => string;
  readonly more: (n: number, hint: string) => string;
  readonly stormHead: (cluster: string, minutes: number, n: string, type: string, objects: string) => string;
  readonly stormTitle: (cluster: string, n: string, type: string, objects: string) => string;
  readonly stormItem: (objects: number, kind: string, occurrences: string) => string;
  /** The kind word of a storm line whose objects are of several kinds. */
  readonly anyKind: string;
  /** Why a storm summary came (the robot's budget, or a general phrase without one) and when the next is due. */
  readonly stormFoot: (next: string | undefined, rate: RateBudget | undefined) => string;
  readonly events: string;
  readonly list: (items: readonly string[]) => string;
  readonly clusters: (n: number) => string;
}

const zh: Strings = {
  tag: {
    Warning: '【告警】',
    Normal: '【通知】',
    storm: '【风暴】',
    test: '【测试】',
    resolved: '【恢复】',
    ongoing: '【持续】',
  },
  object: '对象',
  namespace: '命名空间',
  count: '次数',
  paren: (s) => `（${s}）`,
  times: (c, f, l, o, g = '') => `${c} 次${g}，首次 ${f}，最近 ${l}（${o}）`,
  summary: (c, sep = '，') =>
    [
      c.new && `${c.new} 个新问题`,
      c.grown && `${c.grown} 个增长`,
      c.ongoing && `${c.ongoing} 个持续`,
      c.resolved && `${c.resolved} 个已恢复`,
    ]
      .filter(Boolean)
      .join(sep) || '无新问题',
  ongoing: '持续',
  resolved: '已恢复',
  lasted: (m) => `，持续 ${m} 分钟`,
  since: (t) => `（自 ${t}）`,
  grownBy: (n) => `（+${n}）`,
  more: (n, hint) => `另有 ${n} 个问题未列出（消息长度上限），完整列表：${hint}`,
  stormHead: (c, m, n, t, o) => `${c} · ${m} 分钟内 ${n} 条 ${t}，涉及 ${o} 个对象`,
  stormTitle: (c, n, t, o) => `[${c}] 事件风暴: ${n} 条 ${t} / ${o} 个对象`,
  // a space between CJK and Latin only: `210 个 Pod`, `5 个对象`
  stormItem: (o, k, n) => `${o} 个${/^[\x21-\x7e]/.test(k) ? ' ' : ''}${k}，${n} 次`,
  anyKind: '对象',
  stormFoot: (next, rate) =>
    `${
      rate
        ? `本群每分钟最多 ${rate.perMinute} 条消息${rate.perSecond ? `、每秒最多 ${rate.perSecond} 条` : ''}`
        : '本群的消息额度已用完'
    }，已合并为摘要${next ? `；下一次汇总 ${next}` : ''}。没有任何事件被丢弃。`,
  events: '事件',
  list: (items) => items.join('、'),
  clusters: (n) => `${n} 个集群`,
};

const en: Strings = {
  tag: {
    Warning: '[ALERT] ',
    Normal: '[INFO] ',
    storm: '[STORM] ',
    test: '[TEST] ',
    resolved: '[RESOLVED] ',
    ongoing: '[ONGOING] ',
  },
  object: 'Object',
  namespace: 'Namespace',
  count: 'Count',
  paren: (s) => ` (${s})`,
  times: (c, f, l, o, g = '') => `${c} times${g}, first ${f}, last ${l} (${o})`,
  summary: (c) =>
    [
      c.new && `${c.new} new`,
      c.grown && `${c.grown} growing`,
      c.ongoing && `${c.ongoing} ongoing`,
      c.resolved && `${c.resolved} resolved`,
    ]
      .filter(Boolean)
      .join(', ') || 'no new problems',
  ongoing: 'ongoing',
  resolved: 'resolved',
  lasted: (m) => `, lasted ${m} min`,
  since: (t) => ` (since ${t})`,
  grownBy: (n) => ` (+${n})`,
  more: (n, hint) => `${n} more not listed (message size limit); full list: ${hint}`,
  stormHead: (c, m, n, t, o) => `${c} · ${n} ${t} in ${m} min across ${o} objects`,
  stormTitle: (c, n, t, o) => `[${c}] event storm: ${n} ${t} / ${o} objects`,
  stormItem: (o, k, n) => `${o} ${k}${o === 1 ? '' : 's'}, ${n} times`,
  anyKind: 'object',
  stormFoot: (next, rate) =>
    `${
      rate
        ? `This group gets at most ${rate.perMinute} message${rate.perMinute === 1 ? '' : 's'} per minute${rate.perSecond ? ` and ${rate.perSecond} per second` : ''}`
        : "This group's message budget ran out"
    }, so events were merged into a summary${next ? `; next summary at ${next}` : ''}. No event was dropped.`,
  events: 'events',
  list: (items) => items.join(', '),
  clusters: (n) => `${n} clusters`,
};

/** The strings of a locale. */
export function stringsFor(locale: Locale): Strings {
  return locale === 'zh-CN' ? zh : en;
}
