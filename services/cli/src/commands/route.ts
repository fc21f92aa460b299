import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeEvent, type EventV1 } from '@kube-herald/events';
import { compileRoutes, loadNotifierConfig, routeEvent, type RoutingResult } from '@kube-herald/notifier';
import type { Env } from '../command-types.js';
import { runtimeError, usageError } from '../exit-codes.js';
import { ioOf, readAll } from '../io.js';
import type { SetExit } from '../command-types.js';

async function readEvent(source: string, stdin: NodeJS.ReadableStream): Promise<EventV1> {
  let text: string;
  try {
    text = source === '-' ? await readAll(stdin) : readFileSync(source, 'utf8');
  } catch (err) {
    throw runtimeError(`--event: cannot read ${source} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const res = decodeEvent(text.trim());
  if (!res.ok) throw usageError(`--event: not a kube-herald.event/v1 event (${res.reason}: ${res.detail})`);
  return res.event;
}

const MARK: Readonly<Record<RoutingResult['explanation'][number]['outcome'], string>> = {
  matched: '✓',
  dropped: '✗',
  'no-match': '·',
  'not-reached': ' ',
};

/** Human explanation of a routing result, as printed by `route test`. */
export function formatRouting(event: EventV1, result: RoutingResult): string {
  const o = event.involvedObject;
  const lines = [
    `event: ${event.type} ${event.reason} ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} (cluster ${event.cluster.id}, count ${event.count})`,
  ];
  if (result.dropped)
    lines.push(`result: dropped at route ${result.dropped.route} by ${result.dropped.rule}`);
  else if (result.matches.length === 0)
    lines.push('result: not delivered (no route with a receiver matched)');
  for (const m of result.matches)
    lines.push(
      `result: → receiver ${m.receiver} via route ${m.route}`,
      `        group ${m.groupKey} (groupBy ${m.groupBy.join(',') || '-'}; wait ${m.groupWait}ms, interval ${m.groupInterval}ms, repeat ${m.repeatInterval}ms)`,
    );
  if (result.dropped && result.matches.length > 0)
    lines.push('        (deliveries decided before the drop, by continue: true routes, stay)');
  lines.push('routes:');
  for (const e of result.explanation)
    lines.push(`  ${MARK[e.outcome]} ${e.route}: ${e.outcome} — ${e.detail}`);
  return `${lines.join('\n')}\n`;
}

/** `kube-herald route test`: which routes take an event and why the others do not. */
export function registerRoute(program: Command, env: Env, setExit: SetExit): void {
  const route = program.command('route').description('Inspect the route tree of a notifier config.');
  route
    .command('test')
    .description(
      'Route one event through the config exactly as the notifier does: matching routes, receiver, group, and why every other route did not match.',
    )
    .requiredOption('--event <file>', 'the event as JSON (kube-herald.event/v1), or - for stdin')
    .requiredOption('--config <file>', 'the notifier config file')
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Examples:
  kube-herald route test --event backoff.json --config notifier.yaml
  kube-herald replay --from 1h --dry-run --output jsonl --config notifier.yaml | head -1 | kube-herald route test --event - --config notifier.yaml`,
    )
    .action(async (flags: { event: string; config: string; output: string }, cmd: Command) => {
      const io = ioOf(cmd);
      if (flags.output !== 'text' && flags.output !== 'json')
        throw usageError(`--output: "${flags.output}" is not text or json`);
      const config = loadNotifierConfig(flags.config, env);
      const event = await readEvent(flags.event, io.stdin);
      const known = new Set(config.receivers.map((r) => r.name));
      const result = routeEvent(compileRoutes(config.route), event, { receiverKnown: (r) => known.has(r) });
      io.stdout.write(
        flags.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatRouting(event, result),
      );
      setExit(0);
    });
}
