import type { Logger } from '@kube-herald/logging';
import { KhError } from '@kube-herald/errors';
import { closeInOrder, type CloseStep } from '@kube-herald/process';

/**
 * Closes parts one after another (pass them in reverse start order) within a deadline; rejects with
 * `notifier_close_timeout` past it, with `notifier_close_failed` naming the parts whose close failed.
 */
export async function closeAll(
  parts: readonly CloseStep[],
  opts: { readonly deadlineMs: number; readonly log: Logger },
): Promise<void> {
  const { failures, lateAt } = await closeInOrder(parts, opts.deadlineMs);
  for (const { part, err } of failures) opts.log.warn({ err, part }, 'close failed');
  if (lateAt !== undefined)
    throw new KhError('notifier_close_timeout', `close did not finish within ${opts.deadlineMs} ms`);
  const [first] = failures;
  if (first !== undefined)
    throw new KhError('notifier_close_failed', `close failed: ${failures.map((f) => f.part).join(', ')}`, {
      cause: first.err,
    });
}
