/**
 * The contract between a ColumnSegment whose rows are stored in a database file and the buffer
 * manager that loads and evicts them (core/storage/buffer-manager.ts). The catalog defines it,
 * storage implements it, so the catalog never imports storage.
 *
 * A backed segment is *clean*: its rows equal the stored ones, so it may drop them (evict) and
 * read them again on its next use. The first change (append, write, truncate) makes it *dirty*:
 * it leaves the backing and stays in memory until a checkpoint stores it and backs it again.
 */
import type { Vector } from '../vector/vector.ts'
import type { ColumnSegment } from './column-segment.ts'

export interface SegmentBacking {
  /** decodes the stored rows (block checksums and authentication checked) */
  load(segment: ColumnSegment): Vector
  /** the segment holds its rows again: charge them, evicting others past the limit */
  loaded(segment: ColumnSegment, rows: Vector): void
  /** the segment changed and leaves this backing: it is no longer evictable */
  changed(segment: ColumnSegment): void
}

/** What a segment's directory entry knows without its rows: enough for zone-map skipping. */
export interface SegmentStats {
  readonly min: number | bigint | null
  readonly max: number | bigint | null
  readonly hasValid: boolean
  readonly hasNull: boolean
  readonly hasNaN: boolean
}

let clock = 0

/** a stamp per use of a backed segment: least recently used = lowest stamp */
export function useStamp(): number { return ++clock }

interface Held { segments: ColumnSegment[] }

// a scan dropped without being closed (no return()) releases its pins when collected
const abandoned = new FinalizationRegistry<Held>(held => { for (const s of held.segments) s.pins--; held.segments = [] })

/** The segments one scan is reading: pinned (never evicted) until the scan moves on or ends. */
export class SegmentPins {
  private readonly held: Held = { segments: [] }

  constructor() { abandoned.register(this, this.held, this) }

  /** pins `columns` of a row group's segments, releasing the previous group's */
  hold(segments: readonly ColumnSegment[], columns: readonly number[]): void {
    this.release()
    for (const c of columns) {
      const s = segments[c]
      if (s === undefined || s.storedBy === null) continue
      s.pins++
      this.held.segments.push(s)
    }
  }

  release(): void {
    for (const s of this.held.segments) s.pins--
    this.held.segments = []
  }
}
