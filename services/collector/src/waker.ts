/** A sleep that can be cut short (see {@link createWaker}). */
export interface Waker {
  /** Resolves after `ms` (never, without it) or at the next `wake()`, whichever comes first. */
  readonly sleep: (ms?: number) => Promise<void>;
  /** Ends the current sleep at once (nothing when none runs). */
  readonly wake: () => void;
}

/** One sleeper at a time: a loop's pause that a state change (resume, close, new data) ends early. */
export function createWaker(): Waker {
  let wakeUp: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    wake: () => {
      const w = wakeUp;
      wakeUp = undefined;
      w?.();
    },
  };
}
