import type { Logger } from '@kube-herald/logging';
import { KhError } from '@kube-herald/errors';

/** Closes parts one after another (pass them in reverse start order) within a deadline. */
export async function closeAll(
  parts: readonly (readonly [string, () => Promise<void>])[],
  opts: { readonly deadlineMs: number; readonly log: Logger },
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new KhError('notifier_close_timeout', `close did not finish within ${opts.deadlineMs} ms`)),
      opts.deadlineMs,
    );
  });
  const run = async (): Promise<void> => {
    const failed: string[] = [];
    let cause: unknown;
    for (const [name, close] of parts) {
      try {
        await close();
      } catch (err) {
        opts.log.warn({ err, part: name }, 'close failed');
        failed.push(name);
        cause ??= err;
      }
    }
    if (failed.length > 0)
      throw new KhError('notifier_close_failed', `close failed: ${failed.join(', ')}`, { cause });
  };
  try {
    await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
