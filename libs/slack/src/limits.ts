import type { SlackMessage } from './messages.js';

/**
 * Slack's documented limits, in characters (sources in docs/receivers.md): at most 50 blocks per message;
 * a header's plain_text at most 150; a section's text at most 3,000; a context block at most 10
 * elements; the top-level `text` is truncated by Slack past 40,000.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  contextElements: 10,
  contextText: 3000,
  messageText: 40_000,
} as const;

/** About one message per second per incoming webhook (short bursts tolerated, then HTTP 429). */
export const SLACK_RATE_PER_SECOND = 1;

/** What is wrong with a message, as Slack would answer it (`invalid_blocks`, `no_text`). */
export interface MessageProblem {
  readonly error: 'no_text' | 'invalid_blocks';
  readonly detail: string;
}

const chars = (s: string): number => Array.from(s).length;

function blockProblem(b: NonNullable<SlackMessage['blocks']>[number], i: number): string | undefined {
  switch (b.type) {
    case 'header':
      if (b.text.type !== 'plain_text') return `blocks[${i}]: a header takes plain_text`;
      if (chars(b.text.text) > SLACK_LIMITS.headerText) return `blocks[${i}]: header over 150 characters`;
      return b.text.text === '' ? `blocks[${i}]: empty header` : undefined;
    case 'section':
      if (chars(b.text.text) > SLACK_LIMITS.sectionText) return `blocks[${i}]: section over 3,000 characters`;
      return b.text.text === '' ? `blocks[${i}]: empty section` : undefined;
    case 'context':
      if (b.elements.length === 0 || b.elements.length > SLACK_LIMITS.contextElements) {
        return `blocks[${i}]: a context block takes 1 to 10 elements`;
      }
      return b.elements.some((e) => chars(e.text) > SLACK_LIMITS.contextText || e.text === '')
        ? `blocks[${i}]: a context element is empty or over 3,000 characters`
        : undefined;
    case 'divider':
      return undefined;
  }
}

/**
 * Checks a message against Slack's limits; undefined when it would be accepted. Pure: the client runs
 * it before sending (a message Slack would refuse is not sent) and the renderer's tests use it.
 */
export function checkMessage(msg: SlackMessage): MessageProblem | undefined {
  const blocks = msg.blocks ?? [];
  if (msg.text === '' && blocks.length === 0) return { error: 'no_text', detail: 'neither text nor blocks' };
  if (chars(msg.text) > SLACK_LIMITS.messageText) {
    return { error: 'invalid_blocks', detail: 'text over 40,000 characters (Slack would cut it)' };
  }
  if (blocks.length > SLACK_LIMITS.blocks) return { error: 'invalid_blocks', detail: 'more than 50 blocks' };
  for (const [i, b] of blocks.entries()) {
    const problem = blockProblem(b, i);
    if (problem !== undefined) return { error: 'invalid_blocks', detail: problem };
  }
  return undefined;
}

/** UTF-8 byte length of the JSON serialization of `body`, exactly as the client sends it. */
export function bodyBytes(body: unknown): number {
  return Buffer.byteLength(JSON.stringify(body) ?? '', 'utf8');
}
