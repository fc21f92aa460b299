import { createHmac } from 'node:crypto';
import { sendToStandin } from '@kube-herald/standin-kit';

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Signs a webhook independently of the client library. */
export function signed(webhook: string, secret: string, ts: number): string {
  const sign = encodeURIComponent(createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'));
  return `${webhook}&timestamp=${ts}&sign=${sign}`;
}

/** POSTs a JSON (or raw string) body; returns status and parsed JSON answer. */
export async function post(
  url: string,
  body: unknown,
  method = 'POST',
): Promise<{ status: number; json: { errcode: number; errmsg: string } }> {
  const res = await sendToStandin(url, body, method, 'application/json;charset=utf-8');
  return { status: res.status, json: (await res.json()) as { errcode: number; errmsg: string } };
}

export const text = (content: string): unknown => ({ msgtype: 'text', text: { content } });
