/** A Slack incoming-webhook answer: a status and a short text body. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  /** `Retry-After` seconds, for 429. */
  readonly retryAfter?: number;
}

/** Answers as the real service words them (text bodies). */
export const ANSWERS = {
  ok: { status: 200, body: 'ok' },
  noService: { status: 404, body: 'no_service' },
  archived: { status: 410, body: 'channel_is_archived' },
  prohibited: { status: 403, body: 'action_prohibited' },
  invalidPayload: { status: 400, body: 'invalid_payload' },
  noText: { status: 400, body: 'no_text' },
  invalidBlocks: { status: 400, body: 'invalid_blocks' },
  tooManyAttachments: { status: 400, body: 'too_many_attachments' },
  rollup: { status: 500, body: 'rollup_error' },
} as const satisfies Record<string, Answer>;

/** The 429 answer. */
export function rateLimited(retryAfterSeconds: number): Answer {
  return { status: 429, body: 'rate_limited', retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)) };
}

const LIMITS = {
  blocks: 50,
  header: 150,
  section: 3000,
  fields: 10,
  field: 2000,
  context: 10,
  attachments: 100,
};

/** A body that passed the checks: its visible parts. */
export interface ParsedMessage {
  readonly text: string;
  readonly blockTexts: readonly string[];
  readonly body: Record<string, unknown>;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

const chars = (s: string): number => Array.from(s).length;

/** A text object: `{type: plain_text|mrkdwn, text}` within `max` characters; its text, or undefined. */
function textObject(v: unknown, max: number, plainOnly = false): string | undefined {
  const t = rec(v);
  if (t === undefined || typeof t['text'] !== 'string') return undefined;
  if (t['type'] !== 'plain_text' && (plainOnly || t['type'] !== 'mrkdwn')) return undefined;
  const text = t['text'];
  return text.length === 0 || chars(text) > max ? undefined : text;
}

function sectionTexts(b: Record<string, unknown>): string[] | undefined {
  const texts: string[] = [];
  if (b['text'] !== undefined) {
    const t = textObject(b['text'], LIMITS.section);
    if (t === undefined) return undefined;
    texts.push(t);
  }
  if (b['fields'] !== undefined) {
    const fields = b['fields'];
    if (!Array.isArray(fields) || fields.length === 0 || fields.length > LIMITS.fields) return undefined;
    for (const f of fields) {
      const t = textObject(f, LIMITS.field);
      if (t === undefined) return undefined;
      texts.push(t);
    }
  }
  return texts.length === 0 ? undefined : texts;
}

/** The texts of one block, or undefined when Slack would refuse it. Only the block types we know. */
function blockTexts(v: unknown): string[] | undefined {
  const b = rec(v);
  if (b === undefined) return undefined;
  switch (b['type']) {
    case 'header': {
      const t = textObject(b['text'], LIMITS.header, true);
      return t === undefined ? undefined : [t];
    }
    case 'section':
      return sectionTexts(b);
    case 'context': {
      const els = b['elements'];
      if (!Array.isArray(els) || els.length === 0 || els.length > LIMITS.context) return undefined;
      const texts: string[] = [];
      for (const e of els) {
        const t = textObject(e, LIMITS.section);
        if (t === undefined) return undefined;
        texts.push(t);
      }
      return texts;
    }
    case 'divider':
      return [];
    default:
      return undefined;
  }
}

/**
 * JSON and payload checks, in Slack's order: a JSON object (`invalid_payload`), text or blocks
 * (`no_text`), valid blocks within their limits (`invalid_blocks`), at most 100 attachments
 * (`too_many_attachments`). Returns the parsed message or the answer to give.
 */
export function parseBody(raw: Buffer): Answer | ParsedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return ANSWERS.invalidPayload;
  }
  const body = rec(parsed);
  if (body === undefined) return ANSWERS.invalidPayload;
  const text = typeof body['text'] === 'string' ? body['text'] : '';
  const blocks = body['blocks'];
  if (blocks !== undefined && !Array.isArray(blocks)) return ANSWERS.invalidBlocks;
  const attachments = body['attachments'];
  if (text === '' && (blocks === undefined || blocks.length === 0) && attachments === undefined) {
    return ANSWERS.noText;
  }
  const texts: string[] = [];
  if (blocks !== undefined) {
    if (blocks.length > LIMITS.blocks) return ANSWERS.invalidBlocks;
    for (const b of blocks) {
      const t = blockTexts(b);
      if (t === undefined) return ANSWERS.invalidBlocks;
      texts.push(...t);
    }
  }
  if (Array.isArray(attachments) && attachments.length > LIMITS.attachments)
    return ANSWERS.tooManyAttachments;
  // Slack truncates a text over 40,000 characters instead of refusing it.
  const kept = chars(text) > 40_000 ? Array.from(text).slice(0, 40_000).join('') : text;
  return { text: kept, blockTexts: texts, body };
}

/** `<@U…>`, `<!subteam^…>`, `<!channel>`… and `<http…>` sequences of the visible texts. */
export function specials(texts: readonly string[]): { mentions: string[]; links: string[] } {
  const mentions: string[] = [];
  const links: string[] = [];
  for (const t of texts) {
    for (const m of t.matchAll(/<([^<>]+)>/g)) {
      const inner = m[1] ?? '';
      if (/^(@|!|#)/.test(inner)) mentions.push(m[0]);
      else links.push(m[0]);
    }
  }
  return { mentions, links };
}
