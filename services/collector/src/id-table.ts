/**
 * A bounded set of 128-bit ids that forgets the least recently seen first, kept outside the JavaScript heap:
 * the ids, an open-addressing hash index (linear probing, deletion by backward shift) and the recency list
 * live in typed arrays. The collector's seen set holds up to `seenSize` (default 200,000) ids; as
 * 16-character strings in a `Set` they were ~11 MB of small heap objects that every full garbage
 * collection had to mark (about a quarter of the collector's CPU went to GC under load), here they are
 * 24 bytes per id plus the index, in a few large buffers the collector never scans. The arrays start at
 * {@link INITIAL_CAPACITY} ids and double when full, up to `capacity`: a quiet cluster's collector does not
 * keep (and touch, all over the index) the pages of 200,000 ids it never sees.
 */
export interface IdTable {
  /** True when the id in `words` (4 × 32 bits) is present; a hit makes it the most recent. */
  has(words: Uint32Array): boolean;
  /** Adds the id (or refreshes it); when full, the least recently seen id is forgotten. */
  add(words: Uint32Array): void;
  readonly size: number;
  /** Bytes of the typed arrays allocated now (they grow with `size`, up to the capacity's). */
  readonly bytes: number;
}

const EMPTY = -1;

/** Ids the arrays are first allocated for (fewer when `capacity` is lower). */
export const INITIAL_CAPACITY = 4096;

/** The smallest power of two ≥ 2 × `ids`: the index stays at most half full (short probe sequences). */
function indexSizeFor(ids: number): number {
  let size = 2;
  while (size < ids * 2) size *= 2;
  return size;
}

/** Creates an {@link IdTable} holding at most `capacity` ids (`initialCapacity`: allocated at first). */
export function createIdTable(capacity: number, initialCapacity = INITIAL_CAPACITY): IdTable {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('capacity must be ≥ 1');
  let allocated = Math.max(1, Math.min(capacity, initialCapacity));
  let ids = new Uint32Array(allocated * 4);
  let prev = new Int32Array(allocated);
  let next = new Int32Array(allocated);
  // Entry = slot + 1 (0 = free).
  let mask = indexSizeFor(allocated) - 1;
  let index = new Int32Array(mask + 1);
  const evicted = new Uint32Array(4);
  let size = 0;
  let oldest = EMPTY;
  let newest = EMPTY;

  // The ids are hash outputs already; mixing all four words keeps ids that share a prefix apart too.
  const home = (w0: number, w1: number, w2: number, w3: number): number =>
    (Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca77) ^ w3, 0xc2b2ae3d) >>> 0) & mask;
  const homeOf = (slot: number): number =>
    home(
      ids[slot * 4] as number,
      ids[slot * 4 + 1] as number,
      ids[slot * 4 + 2] as number,
      ids[slot * 4 + 3] as number,
    );

  /** Index position holding `words`, or of the free entry where it would go (as -1 - position). */
  function find(words: Uint32Array): number {
    const w0 = words[0] as number;
    const w1 = words[1] as number;
    const w2 = words[2] as number;
    const w3 = words[3] as number;
    for (let i = home(w0, w1, w2, w3); ; i = (i + 1) & mask) {
      const e = index[i] as number;
      if (e === 0) return -1 - i;
      const s = (e - 1) * 4;
      if (ids[s] === w0 && ids[s + 1] === w1 && ids[s + 2] === w2 && ids[s + 3] === w3) return i;
    }
  }

  function unlink(slot: number): void {
    const p = prev[slot] as number;
    const n = next[slot] as number;
    if (p === EMPTY) oldest = n;
    else next[p] = n;
    if (n === EMPTY) newest = p;
    else prev[n] = p;
  }

  function append(slot: number): void {
    prev[slot] = newest;
    next[slot] = EMPTY;
    if (newest === EMPTY) oldest = slot;
    else next[newest] = slot;
    newest = slot;
  }

  /** Doubles the arrays (at most to `capacity`); slots keep their numbers, the index is rebuilt. */
  function grow(): void {
    allocated = Math.min(capacity, allocated * 2);
    const grown = new Uint32Array(allocated * 4);
    grown.set(ids);
    ids = grown;
    const p = new Int32Array(allocated);
    p.set(prev);
    prev = p;
    const n = new Int32Array(allocated);
    n.set(next);
    next = n;
    mask = indexSizeFor(allocated) - 1;
    index = new Int32Array(mask + 1);
    for (let slot = 0; slot < size; slot++) {
      let i = homeOf(slot);
      while (index[i] !== 0) i = (i + 1) & mask;
      index[i] = slot + 1;
    }
  }

  /** Removes index position `i`, shifting later entries of its probe run back (no tombstones). */
  function removeAt(i: number): void {
    let hole = i;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const e = index[j] as number;
      if (e === 0) break;
      const h = homeOf(e - 1);
      // The entry at j may move into the hole unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        index[hole] = e;
        hole = j;
      }
    }
    index[hole] = 0;
  }

  return {
    has(words) {
      const i = find(words);
      if (i < 0) return false;
      const slot = (index[i] as number) - 1;
      if (slot !== newest) {
        unlink(slot);
        append(slot);
      }
      return true;
    },
    add(words) {
      let at = find(words);
      if (at >= 0) {
        const slot = (index[at] as number) - 1;
        unlink(slot);
        append(slot);
        return;
      }
      let slot: number;
      if (size === allocated && allocated < capacity) {
        grow();
        at = find(words); // positions changed with the index
      }
      if (size < capacity) slot = size++;
      else {
        slot = oldest;
        unlink(slot);
        for (let k = 0; k < 4; k++) evicted[k] = ids[slot * 4 + k] as number;
        removeAt(find(evicted));
        // The removal may have shifted the free position found for the new id.
        at = find(words);
      }
      ids.set(words, slot * 4);
      index[-1 - at] = slot + 1;
      append(slot);
    },
    get size() {
      return size;
    },
    get bytes() {
      return ids.byteLength + prev.byteLength + next.byteLength + index.byteLength;
    },
  };
}

const HEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[97 + c] = 10 + c;

/**
 * Reads a 32-character lowercase hex id (an occurrenceId) into `out` (4 × 32 bits) without allocating;
 * false for anything else.
 */
export function parseHexId(key: string, out: Uint32Array): boolean {
  if (key.length !== 32) return false;
  for (let w = 0; w < 4; w++) {
    let v = 0;
    for (let i = w * 8; i < w * 8 + 8; i++) {
      const c = key.charCodeAt(i);
      const d = c < 128 ? (HEX[c] as number) : -1;
      if (d < 0) return false;
      v = (v << 4) | d;
    }
    out[w] = v >>> 0;
  }
  return true;
}
