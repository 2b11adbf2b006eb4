// The entities a feed's records touched, and which of them may be resolved while the file is still
// being read. An entity touched only by new records has, once the COPYs that wrote them are done,
// every current record it will have after the merge — unless a later row touches it again: then it
// is resolved again after the merge. Changed, replacing and retired records reach source_records
// only at the merge, so an entity they touch waits for it. Resolving while reading puts the
// server's share of resolution (reading records back, COPY, upserts) beside our reading, where the
// server is otherwise mostly idle.

/** Resolved after the merge. */
const LATE = -1;
/** Handed out to be resolved while reading, and not touched since. */
const EARLY = -2;

export class TouchedEntities {
  /** Per kind, per entity: the flush its latest new record went out in (≥ 0), LATE or EARLY. */
  private readonly states = new Map<string, Map<number, number>>();
  /** Per flush, the entities its new records name (one entry per record, so repeats). */
  private readonly byFlush: ({ kinds: string[]; ids: number[] } | undefined)[] = [];
  /** Flushes whose COPY is done: 0 … written - 1. */
  private written = 0;
  /** Flushes whose entities were looked at for handing out. */
  private taken = 0;

  /** A new record going out in flush number `flush` names the entity. */
  byNewRecord(kind: string, id: number, flush: number): void {
    const states = this.statesOf(kind);
    const state = states.get(id);
    if (state === LATE) return;
    if (state === EARLY) {
      states.set(id, LATE);
      return;
    }
    states.set(id, flush);
    let list = this.byFlush[flush];
    if (!list) {
      list = { kinds: [], ids: [] };
      this.byFlush[flush] = list;
    }
    list.kinds.push(kind);
    list.ids.push(id);
  }

  /** A record the merge will apply (changed, replacing, retired) names the entity. */
  byMergedRecord(kind: string, id: number): void {
    this.statesOf(kind).set(id, LATE);
  }

  /** The COPY of flush number `flush` (and so of every flush before it) is done. */
  flushWritten(flush: number): void {
    this.written = Math.max(this.written, flush + 1);
  }

  /**
   * The entities that may be resolved now — touched only by new records, all of them written —
   * by kind, once at least `atLeast` may be; they count as resolved unless touched again.
   */
  takeReady(atLeast: number): Map<string, number[]> | null {
    // Records of the written flushes not yet looked at: at most as many entities.
    let written = 0;
    for (let flush = this.taken; flush < this.written; flush++)
      written += this.byFlush[flush]?.ids.length ?? 0;
    if (written === 0 || written < atLeast) return null;
    const ready = new Map<string, number[]>();
    let count = 0;
    for (let flush = this.taken; flush < this.written; flush++) {
      const list = this.byFlush[flush];
      if (!list) continue;
      for (let i = 0; i < list.ids.length; i++) {
        const kind = list.kinds[i]!;
        const id = list.ids[i]!;
        const states = this.statesOf(kind);
        // A later flush's record or a merged one touched it since: not yet, or not before the merge.
        if (states.get(id) !== flush) continue;
        states.set(id, EARLY);
        const ids = ready.get(kind);
        if (ids) ids.push(id);
        else ready.set(kind, [id]);
        count += 1;
      }
      this.byFlush[flush] = undefined;
    }
    this.taken = this.written;
    return count > 0 ? ready : null;
  }

  /** What is left to resolve after the merge: every entity touched and not resolved since. */
  remaining(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const [kind, states] of this.states) {
      const ids: number[] = [];
      for (const [id, state] of states) if (state !== EARLY) ids.push(id);
      if (ids.length > 0) out.set(kind, ids);
    }
    return out;
  }

  private statesOf(kind: string): Map<number, number> {
    let states = this.states.get(kind);
    if (!states) {
      states = new Map();
      this.states.set(kind, states);
    }
    return states;
  }
}
