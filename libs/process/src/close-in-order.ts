/** A named part and how to close it. */
export type CloseStep = readonly [name: string, close: () => Promise<void>];

/** What {@link closeInOrder} saw. */
export interface CloseReport {
  /** The steps that rejected, with their errors, in order. */
  readonly failures: readonly { readonly part: string; readonly err: unknown }[];
  /** The step still running at the deadline (the ones after it were not started); undefined in time. */
  readonly lateAt: string | undefined;
}

/**
 * Closes parts one after another (pass them in reverse start order): a failed step does not stop the
 * others. Resolves at the end or at `deadlineMs`, whichever comes first — shutdown must end before the
 * SIGKILL that follows. Never rejects.
 */
export async function closeInOrder(steps: readonly CloseStep[], deadlineMs: number): Promise<CloseReport> {
  const failures: { part: string; err: unknown }[] = [];
  let current: string | undefined;
  const all = (async () => {
    for (const [part, close] of steps) {
      current = part;
      try {
        await close();
      } catch (err) {
        failures.push({ part, err });
      }
    }
    current = undefined;
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)));
  const res = await Promise.race([all, late]).finally(() => clearTimeout(timer));
  return { failures: [...failures], lateAt: res === 'late' ? current : undefined };
}
