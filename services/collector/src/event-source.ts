/** How an Event object reached the collector: a LIST item or a watch change. */
export type SourceEventType = 'LISTED' | 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * A line that moved the stream on without an Event to publish (a BOOKMARK, the collector's own heartbeat):
 * handed to the sink as `{ type: 'PROGRESS', position }` so that the checkpoint moves on with it.
 */
export interface SourceProgress {
  readonly type: 'PROGRESS';
  readonly position: SourcePosition;
}

/**
 * Where a source is in its stream: the resourceVersion a watch of `scope` (a namespace, `*` for the whole
 * cluster) can resume from once this event and everything before it are handled.
 */
export interface SourcePosition {
  readonly scope: string;
  readonly rv: string;
}

/** One Event object as read from the API, untouched. */
export interface SourceEvent {
  readonly type: SourceEventType;
  readonly object: unknown;
  /** Milliseconds since the epoch when the collector read it. */
  readonly observedAt: number;
  /** Set on watch events and on the last item of a LIST (a LIST's other items are no resume point). */
  readonly position?: SourcePosition;
}

/** Receives events synchronously, in order; may call `pause()` on the source from inside. */
export type EventSink = (event: SourceEvent | SourceProgress) => void;

/**
 * The seam between the Kubernetes API and the pipeline. `pause()` stops reading (backpressure) and
 * remembers where it was; `resume()` continues from there without losing or re-reading more than needed.
 */
export interface EventSource {
  start(sink: EventSink): Promise<void>;
  pause(): void;
  resume(): void;
  /** True once the initial LIST is done and a watch is open (or being reopened). */
  synced(): boolean;
  close(): Promise<void>;
}

/** The in-memory twin: tests push objects; while paused they queue like an unread watch stream. */
export interface MemoryEventSource extends EventSource {
  emit(type: Exclude<SourceEventType, 'LISTED'>, object: unknown): void;
  list(objects: readonly unknown[]): void;
  readonly paused: boolean;
  readonly pending: number;
}

/** Creates a {@link MemoryEventSource}. */
export function createMemoryEventSource(now: () => number = Date.now): MemoryEventSource {
  let sink: EventSink | undefined;
  let paused = false;
  let closed = false;
  const queue: Array<SourceEvent | SourceProgress> = [];
  const drain = (): void => {
    while (sink && !paused && !closed && queue.length) sink(queue.shift() as SourceEvent | SourceProgress);
  };
  return {
    start(s) {
      sink = s;
      drain();
      return Promise.resolve();
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      drain();
    },
    synced: () => sink !== undefined && !closed,
    close() {
      closed = true;
      return Promise.resolve();
    },
    emit(type, object) {
      queue.push({ type, object, observedAt: now() });
      drain();
    },
    list(objects) {
      for (const object of objects) queue.push({ type: 'LISTED', object, observedAt: now() });
      drain();
    },
    get paused() {
      return paused;
    },
    get pending() {
      return queue.length;
    },
  };
}
