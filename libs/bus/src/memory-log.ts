import { EventEmitter } from 'node:events';
import type { BusMessage, BusRecord } from './types.js';

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The storage behind the in-memory bus (internal): partitioned append-only topics, committed offsets per
 * consumer group, and group membership with a round-robin partition assignment.
 */
export class MemoryLog {
  readonly changes = new EventEmitter();
  private readonly topics = new Map<string, BusRecord[][]>();
  private readonly committed = new Map<string, Map<string, number>>();
  private readonly members = new Map<string, string[]>();
  private roundRobin = 0;

  constructor(private readonly defaultPartitions: number) {
    this.changes.setMaxListeners(0);
  }

  /** Creates `topic` with `partitions` partitions unless it exists; true when created. */
  createTopic(topic: string, partitions = this.defaultPartitions): boolean {
    if (this.topics.has(topic)) return false;
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => []),
    );
    this.changes.emit('change');
    return true;
  }

  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  partitions(topic: string): BusRecord[][] {
    return this.topics.get(topic) ?? [];
  }

  append(topic: string, messages: readonly BusMessage[]): void {
    this.createTopic(topic);
    const parts = this.partitions(topic);
    for (const m of messages) {
      const partition = m.key === null ? this.roundRobin++ % parts.length : fnv1a(m.key) % parts.length;
      const log = parts[partition] ?? [];
      log.push({
        topic,
        partition,
        offset: String(log.length),
        key: m.key,
        value: Buffer.from(m.value),
        headers: { ...m.headers },
        timestamp: m.timestamp ?? Date.now(),
      });
    }
    this.changes.emit('change');
  }

  committedOffset(groupId: string, topic: string, partition: number): number | undefined {
    return this.committed.get(groupId)?.get(`${topic}\u0000${partition}`);
  }

  commit(groupId: string, topic: string, partition: number, next: number): void {
    let group = this.committed.get(groupId);
    if (!group) {
      group = new Map<string, number>();
      this.committed.set(groupId, group);
    }
    group.set(`${topic}\u0000${partition}`, next);
  }

  /** Groups with commits or members. */
  groupIds(): string[] {
    return [...new Set([...this.committed.keys(), ...this.members.keys()])].sort();
  }

  /** Forgets a group's commits (members stay: a group with members is not deleted). */
  deleteGroup(groupId: string): void {
    if ((this.members.get(groupId) ?? []).length === 0) {
      this.committed.delete(groupId);
      this.members.delete(groupId);
    }
  }

  join(groupId: string, memberId: string): void {
    this.members.set(groupId, [...(this.members.get(groupId) ?? []), memberId]);
    this.changes.emit('change');
  }

  leave(groupId: string, memberId: string): void {
    this.members.set(
      groupId,
      (this.members.get(groupId) ?? []).filter((m) => m !== memberId),
    );
    this.changes.emit('change');
  }

  /** The partitions of `topics` assigned to `memberId`: round-robin over the group's members in join order. */
  assigned(
    groupId: string,
    memberId: string,
    topics: readonly string[],
  ): { topic: string; partition: number }[] {
    const members = this.members.get(groupId) ?? [];
    const index = members.indexOf(memberId);
    if (index < 0) return [];
    const all = [...topics]
      .sort()
      .flatMap((topic) => this.partitions(topic).map((_, partition) => ({ topic, partition })));
    return all.filter((_, i) => i % members.length === index);
  }
}
