import { backoffDelay } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import type { DeliveryOutcome, Notification, Receiver } from '../model.js';
import type { GroupStore, TakenGroup } from '../store/group-store.js';
import { gateKeyOf, type GateAnswer, type RateGate } from '../rate-gate.js';
import type { NotifierMetrics } from '../metrics.js';
import type { DecisionLog } from '../decision-log.js';
import { buildDigest } from './digest.js';
import type { DeliveryMetrics } from '../delivery-metrics.js';

/** What one delivery attempt ended with (mapped to BullMQ in delivery.ts, and only there). */
export type DispatchResult =
  | { readonly kind: 'sent'; readonly occurrences: number; readonly groups: number }
  | { readonly kind: 'skipped'; readonly reason: 'nothing-pending' }
  | { readonly kind: 'wait'; readonly untilMs: number }
  | { readonly kind: 'throttle'; readonly untilMs: number }
  | { readonly kind: 'retry'; readonly code: string }
  | { readonly kind: 'permanent'; readonly code: string; readonly errcode: string };

/** Dependencies of {@link createDispatcher}. */
export interface DispatcherDeps {
  readonly store: GroupStore;
  readonly gate: RateGate;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly metrics: NotifierMetrics;
  readonly decisionLog: DecisionLog;
  readonly log: Logger;
  /** Budget when a receiver declares none. Default 18 (DingTalk allows 20). */
  readonly defaultRatePerMinute?: number;
  /** Rate gate window; the per-minute budget is scaled to it (18/min over 20 s = 6). Default 60 000. */
  readonly rateWindowMs?: number;
  /** Metrics of the delivery side beyond `metrics` (throttle blocks, possible duplicates, commit retries). */
  readonly deliveryMetrics?: DeliveryMetrics;
  /**
   * How long a commit after a successful send is retried before the job fails (default 30 000 ms; 100 ms
   * doubling, at most 2 s apart). Long enough to outlast a Redis failover: a failed job's next attempt sends
   * the message again.
   */
  readonly commitRetryMs?: number;
  /** How long the take of a permanently failed job is kept for `failed retry`. */
  readonly parkTtlMs?: number;
  /** Most groups merged into one summary under rate pressure. Default 1000. */
  readonly mergeLimit?: number;
  /** Label of the involved object listing people to mention, per receiver. */
  readonly mentionLabels?: ReadonlyMap<string, string>;
  readonly now?: () => number;
}

/** One delivery attempt for one job: gate → take → render → send → commit or put back. */
export interface Dispatcher {
  dispatch(jobId: string, receiver: string, gid: string): Promise<DispatchResult>;
}

interface Attempt {
  readonly jobId: string;
  readonly receiver: Receiver;
  readonly groups: readonly TakenGroup[];
  readonly notification: Notification;
}

/** Creates the dispatcher. */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const ctx: Ctx = {
    deps,
    log: deps.log.child({ component: 'delivery' }),
    now: () => deps.now?.() ?? Date.now(),
  };
  return { dispatch: (jobId, receiverName, gid) => dispatchJob(ctx, jobId, receiverName, gid) };
}

/** What the steps of an attempt share. */
interface Ctx {
  readonly deps: DispatcherDeps;
  readonly log: Logger;
  readonly now: () => number;
}

async function dispatchJob(
  ctx: Ctx,
  jobId: string,
  receiverName: string,
  gid: string,
): Promise<DispatchResult> {
  const { deps, now } = ctx;
  const receiver = deps.receivers.get(receiverName);
  if (!receiver) return { kind: 'permanent', code: 'unknown_receiver', errcode: 'unknown_receiver' };
  const pending = (await deps.store.isReady(receiverName, gid)) || (await deps.store.hasTake(jobId));
  if (!pending) return { kind: 'skipped', reason: 'nothing-pending' };
  const { robot, member, gate } = await takeSlot(ctx, jobId, receiver);
  if (!gate.granted) {
    deps.metrics.rateGateWaits.inc({ receiver: receiverName });
    return { kind: 'wait', untilMs: now() + gate.waitMs };
  }
  const ready = await deps.store.readyCount(receiverName);
  const merge = ready - 1 > gate.remaining ? (deps.mergeLimit ?? 1000) : 0;
  const taken = await deps.store.take(jobId, receiverName, gid, merge, now());
  if (taken.recovered > 0) {
    deps.metrics.takesRecovered.inc();
    ctx.log.warn({ jobId, recovered: taken.recovered }, 'recovered the take of an interrupted attempt');
  }
  if (taken.groups.length === 0) {
    await deps.gate.release(robot, member);
    return { kind: 'skipped', reason: 'nothing-pending' };
  }
  return sendTaken(ctx, jobId, receiver, taken.groups, {
    readyLeft: taken.readyLeft,
    nextSlotMs: gate.nextSlotMs ?? 0,
  });
}

/** Asks the robot's rate gate for a send slot: the receiver's per-minute budget scaled to the gate's window. */
async function takeSlot(
  ctx: Ctx,
  jobId: string,
  receiver: Receiver,
): Promise<{ robot: string; member: string; gate: GateAnswer }> {
  const { deps } = ctx;
  const member = `${jobId}@${ctx.now()}`;
  const perMinute = receiver.ratePerMinute ?? deps.defaultRatePerMinute ?? 18;
  const limit = Math.max(1, Math.floor((perMinute * (deps.rateWindowMs ?? 60_000)) / 60_000));
  const robot = gateKeyOf(receiver);
  const perSecond = receiver.ratePerSecond;
  const gate = await deps.gate.acquire(robot, limit, member, perSecond ? { perSecond } : undefined);
  return { robot, member, gate };
}

// A merged summary names the next one only when one is really scheduled: groups of the receiver are
// still waiting for a delivery after this take (their jobs run when the gate frees the next slot).
// Later events are reported at their groups' groupInterval; no promise is made for them.
function nextSummaryAt(
  now: () => number,
  groups: readonly TakenGroup[],
  readyLeft: number,
  nextSlotMs: number,
): number | undefined {
  return groups.length < 2 || readyLeft <= 0 ? undefined : now() + nextSlotMs;
}

/** Renders and sends the taken groups, then settles the attempt by the receiver's verdict. */
async function sendTaken(
  ctx: Ctx,
  jobId: string,
  receiver: Receiver,
  groups: readonly TakenGroup[],
  next: { readonly readyLeft: number; readonly nextSlotMs: number },
): Promise<DispatchResult> {
  const { deps } = ctx;
  let outcome: DeliveryOutcome;
  let notification: Notification;
  try {
    const mentionLabel = deps.mentionLabels?.get(receiver.name);
    const nextAt = nextSummaryAt(ctx.now, groups, next.readyLeft, next.nextSlotMs);
    notification = receiver.render(
      buildDigest(receiver.name, groups, {
        ...(mentionLabel ? { mentionLabel } : {}),
        ...(nextAt === undefined ? {} : { nextAt }),
      }),
    );
    outcome = await receiver.send(notification);
  } catch (err) {
    // a bug in render/send (remote errors never throw): put the occurrences back before failing
    await deps.store.restore(jobId, ctx.now());
    throw err;
  }
  deps.metrics.deliveryAttempts.inc({ receiver: receiver.name, verdict: outcome.verdict });
  return settle(ctx, { jobId, receiver, groups, notification }, outcome);
}

function settle(ctx: Ctx, a: Attempt, out: DeliveryOutcome): Promise<DispatchResult> {
  switch (out.verdict) {
    case 'ok':
      return onSent(ctx, a);
    case 'throttle':
      return onThrottle(ctx, a, out);
    case 'retry':
      return onRetry(ctx, a, out);
    case 'permanent':
      return onPermanent(ctx, a, out);
  }
}

/** What every decision-log entry of an attempt names. */
function attemptFacts(a: Attempt): { receiver: string; messageId: string; groupKeys: string[] } {
  return { receiver: a.receiver.name, messageId: a.jobId, groupKeys: a.groups.map((g) => g.groupKey) };
}

async function onSent(ctx: Ctx, a: Attempt): Promise<DispatchResult> {
  const m = ctx.deps.metrics;
  const sentAt = ctx.now();
  await commitSent(ctx, a.jobId, sentAt);
  const occurrences = a.groups.reduce((n, g) => n + g.incidents.reduce((k, i) => k + i.occurrences, 0), 0);
  m.messagesSent.inc({ receiver: a.receiver.name });
  m.eventsNotified.inc({ receiver: a.receiver.name }, occurrences);
  for (const g of a.groups) {
    for (const i of g.incidents) m.deliveryLatency.observe(Math.max(0, sentAt - i.oldestObservedMs) / 1000);
  }
  await ctx.deps.decisionLog.delivery({
    kind: 'sent',
    ...attemptFacts(a),
    incidentKeys: a.groups.flatMap((g) => g.incidents.map((i) => i.incidentKey)),
    occurrences,
  });
  return { kind: 'sent', occurrences, groups: a.groups.length };
}

// The message is out: recording that must not fail the job (its retry would send it again), so a
// failing commit is retried here first. Only when Redis stays away does the job fail; its next attempt
// finds the take and sends once more (counted in takes_recovered_total). The commit is idempotent (a
// commit that reached Redis but whose durability check failed finds no take the second time).
async function commitSent(ctx: Ctx, jobId: string, sentAt: number): Promise<void> {
  const { deps } = ctx;
  const deadline = Date.now() + (deps.commitRetryMs ?? 30_000);
  for (let i = 1; ; i++) {
    try {
      await deps.store.commit(jobId, sentAt);
      return;
    } catch (err) {
      const pause = backoffDelay(i - 1, 100, 2000, 0);
      if (Date.now() + pause > deadline) throw err;
      deps.deliveryMetrics?.commitRetries.inc();
      ctx.log.warn({ jobId, attempt: i, err }, 'commit after a successful send failed; retrying');
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

async function onThrottle(ctx: Ctx, a: Attempt, out: DeliveryOutcome): Promise<DispatchResult> {
  const { deps } = ctx;
  const name = a.receiver.name;
  const minMs = out.retryAfterMs;
  const block = await deps.gate.throttled(gateKeyOf(a.receiver), minMs ? { minMs } : undefined);
  await deps.store.restore(a.jobId, ctx.now());
  deps.metrics.throttled.inc({ receiver: name });
  deps.deliveryMetrics?.throttleBlock.set({ receiver: name }, block.blockMs / 1000);
  ctx.log.warn(
    { receiver: name, errcode: out.errcode, code: out.code, blockMs: block.blockMs, level: block.level },
    'robot throttled; blocked fleet-wide (escalating)',
  );
  return { kind: 'throttle', untilMs: ctx.now() + block.blockMs };
}

async function onRetry(ctx: Ctx, a: Attempt, out: DeliveryOutcome): Promise<DispatchResult> {
  const { deps } = ctx;
  const name = a.receiver.name;
  const ambiguous = out.ambiguous === true;
  await deps.store.restore(a.jobId, ctx.now());
  if (ambiguous) {
    // the robot may have shown it: the retry can be the one duplicate DingTalk cannot prevent
    deps.deliveryMetrics?.possibleDuplicates.inc({ receiver: name });
    await deps.decisionLog.delivery({
      kind: 'ambiguous',
      ...attemptFacts(a),
      occurrences: a.notification.occurrences,
      code: out.code,
    });
  }
  ctx.log.warn(
    { receiver: name, code: out.code, errcode: out.errcode, ambiguous },
    ambiguous
      ? 'delivery outcome unknown (may have been shown); will retry: possible duplicate'
      : 'delivery failed; will retry',
  );
  return { kind: 'retry', code: out.code };
}

async function onPermanent(ctx: Ctx, a: Attempt, out: DeliveryOutcome): Promise<DispatchResult> {
  const { deps } = ctx;
  const errcode = out.errcode === undefined ? out.code : String(out.errcode);
  await deps.store.park(a.jobId, deps.parkTtlMs ?? 7 * 86_400_000);
  deps.metrics.failed.inc({ receiver: a.receiver.name, errcode });
  await deps.decisionLog.delivery({
    kind: 'failed',
    ...attemptFacts(a),
    occurrences: a.notification.occurrences,
    errcode,
    code: out.code,
  });
  return { kind: 'permanent', code: out.code, errcode };
}
