/**
 * The rows of a full VARCHAR segment in a form the garbage collector does not walk row by row.
 *
 * A loaded table's strings are most of the JavaScript heap (TPC-H SF 1: ≈9M comment and name
 * strings and 60M array slots pointing at them), and every full (mark-compact) collection marks
 * them all, whatever set it off: 0.3–1 s a collection at SF 1. Once a segment is full its rows
 * are kept either as a dictionary (few distinct values: codes in a typed array, which the
 * collector skips, plus one small array of strings) or packed (one string of all rows plus
 * their offsets in an Int32Array: one object to mark instead of 65,536). Reads make the row
 * strings again: a dictionary hands out its own strings, packed rows are substrings of the
 * packed one (V8 makes a slice object or copies a short one).
 */

/** Rows of a sealed segment; row i of [0, length). Rows that were NULL read as ''. */
export interface SealedStrings {
  readonly kind: 'dictionary' | 'packed'
  at(i: number): string
  /** rows [start, end) as a new array */
  range(start: number, end: number): string[]
  /** rows sel[0..count) as a new array */
  gather(sel: Int32Array, count: number): string[]
  /** bytes held off the JavaScript heap (codes or offsets) */
  readonly offHeapBytes: number
}

/** distinct values up to which a segment keeps a dictionary rather than packing its rows */
export const DICTIONARY_MAX = 4096

/** V8 strings stop near 2^29 characters: a segment with more text stays an array */
const MAX_PACKED_CHARS = 1 << 28
/**
 * Rows averaging fewer characters than this are not packed. Short, mostly distinct strings are
 * typically keys (ids, codes, names) that queries group, join and filter by: a packed row is a new
 * substring on every read, with no pointer-equal duplicates and no hash cached from the last
 * query, and grouping by such a key (H2O's 12-character id3 over 10M rows) ran 1.3-1.7x slower.
 * Long text (comments, descriptions) is read far less often and is most of what packing saves.
 */
export const PACK_MIN_AVERAGE_CHARS = 20

class DictionaryStrings implements SealedStrings {
  readonly kind = 'dictionary'
  constructor(private readonly values: readonly string[], private readonly codes: Uint8Array | Uint16Array) {}
  get offHeapBytes(): number { return this.codes.byteLength }
  at(i: number): string { return this.values[this.codes[i]!]! }
  range(start: number, end: number): string[] {
    const out = new Array<string>(end - start), values = this.values, codes = this.codes
    for (let i = start, k = 0; i < end; i++, k++) out[k] = values[codes[i]!]!
    return out
  }
  gather(sel: Int32Array, count: number): string[] {
    const out = new Array<string>(count), values = this.values, codes = this.codes
    for (let k = 0; k < count; k++) out[k] = values[codes[sel[k]!]!]!
    return out
  }
}

class PackedStrings implements SealedStrings {
  readonly kind = 'packed'
  /** row i is text[offsets[i], offsets[i + 1]) */
  constructor(private readonly text: string, private readonly offsets: Int32Array) {}
  get offHeapBytes(): number { return this.offsets.byteLength }
  at(i: number): string { return this.text.substring(this.offsets[i]!, this.offsets[i + 1]!) }
  range(start: number, end: number): string[] {
    const out = new Array<string>(end - start), text = this.text, o = this.offsets
    for (let i = start, k = 0; i < end; i++, k++) out[k] = text.substring(o[i]!, o[i + 1]!)
    return out
  }
  gather(sel: Int32Array, count: number): string[] {
    const out = new Array<string>(count), text = this.text, o = this.offsets
    for (let k = 0; k < count; k++) { const i = sel[k]!; out[k] = text.substring(o[i]!, o[i + 1]!) }
    return out
  }
}

/**
 * Rows [0, length) of `rows` (strings; NULL rows as given by `validity`, 1 = valid) sealed, or
 * null when they are better left as they are: too many distinct values for a dictionary and
 * `pack` false, rows shorter on average than PACK_MIN_AVERAGE_CHARS, or more text than one
 * string can hold.
 */
export function sealStrings(rows: readonly unknown[], length: number, validity: Uint8Array | null, pack = true): SealedStrings | null {
  const codes = dictionaryCodes(rows, length, validity)
  if (codes !== null) return codes
  if (!pack) return null
  const offsets = new Int32Array(length + 1)
  const text = (i: number): string => {
    const v = rows[i]
    return typeof v === 'string' && (validity === null || validity[i] === 1) ? v : ''
  }
  // usually every row is a string: the array is joined as it is
  let direct = validity === null && rows.length === length
  let chars = 0
  for (let i = 0; i < length; i++) {
    const v = rows[i]
    const s = typeof v === 'string' && (validity === null || validity[i] === 1) ? v : ''
    if (s !== v) direct = false
    chars += s.length
    if (chars > MAX_PACKED_CHARS) return null
    offsets[i + 1] = chars
  }
  if (chars < length * PACK_MIN_AVERAGE_CHARS) return null
  // join makes one flat string: substrings of it are cheap slices, and its characters are not scanned by the collector
  const parts = direct ? rows : Array.from({ length }, (_, i) => text(i))
  return new PackedStrings(parts.join(''), offsets)
}

/** rows whose first SAMPLE hold more than SAMPLE_DISTINCT distinct values are not tried further (unique text) */
const SAMPLE = 1024
const SAMPLE_DISTINCT = 896

/** the rows as a dictionary, or null when they hold more than DICTIONARY_MAX distinct values */
function dictionaryCodes(rows: readonly unknown[], length: number, validity: Uint8Array | null): DictionaryStrings | null {
  const index = new Map<string, number>()
  const values: string[] = []
  const codes = new Uint16Array(length)
  for (let i = 0; i < length; i++) {
    if (i === SAMPLE && values.length > SAMPLE_DISTINCT) return null
    const v = rows[i]
    const s = typeof v === 'string' && (validity === null || validity[i] === 1) ? v : ''
    let code = index.get(s)
    if (code === undefined) {
      if (values.length === DICTIONARY_MAX) return null
      code = values.length
      index.set(s, code)
      values.push(s)
    }
    codes[i] = code
  }
  return new DictionaryStrings(values, values.length <= 256 ? Uint8Array.from(codes) : codes)
}
