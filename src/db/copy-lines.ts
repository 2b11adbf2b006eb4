// The lines of a COPY, encoded as UTF-8 the moment each is made, into one growing buffer outside
// the JavaScript heap. Kept as strings until the COPY, a few thousand lines lived through the young
// generation's collections, were copied there and promoted to the old one, joined into one more
// string, and copied again on their way to the database's thread: at scale 1 the main thread, the
// one that limits an ingest, spent a fifth of its time collecting garbage. A line encoded at once
// dies young; the buffer crosses to the thread without a copy (see `copyFrom`).

/** Room for this many bytes at first; a buffer then starts as large as the last one taken. */
const FIRST_BYTES = 1 << 20;

export class CopyLines {
  /** Made at the first line: most COPYs of a feed's staging never get one. */
  private buffer: Buffer | null = null;
  private used = 0;
  private count = 0;

  constructor(private capacity = FIRST_BYTES) {}

  /** Appends one line (its newline included). */
  push(line: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    const most = line.length * 3;
    if (this.buffer === null || this.used + most > this.buffer.length) this.grow(this.used + most);
    this.used += this.buffer!.write(line, this.used);
    this.count += 1;
  }

  /** Lines pushed since the last take. */
  get lines(): number {
    return this.count;
  }

  /**
   * The lines so far, for one `copyFrom`, which may hand the buffer to another thread: nothing here
   * touches it again. The next lines go to a new buffer.
   */
  take(): Uint8Array {
    const taken = this.buffer === null ? new Uint8Array(0) : this.buffer.subarray(0, this.used);
    this.capacity = Math.max(this.capacity, this.used);
    this.buffer = null;
    this.used = 0;
    this.count = 0;
    return taken;
  }

  private grow(atLeast: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(atLeast, this.capacity, 2 * (this.buffer?.length ?? 0)));
    this.buffer?.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}
