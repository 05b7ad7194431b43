/**
 * A B+tree of (key, row id) entries ordered by key, then row id, so equal keys of different rows
 * are distinct entries and a delete removes exactly one row's entry. Keys are opaque to the tree:
 * one Value for a single-column key, a Value[] for a composite key, ordered by the comparator
 * given at construction. Leaves are linked for range scans. Deletes never merge nodes (an empty
 * leaf stays; separators stay valid bounds, which is all a search needs); once more entries
 * have been deleted than remain, the tree is rebuilt compactly, so searches never walk long
 * runs of empty leaves and the rebuild costs O(1) per delete.
 */

export type KeyComparator = (a: unknown, b: unknown) => number

interface Leaf {
  readonly leaf: true
  keys: unknown[]
  rows: number[]
  next: Leaf | null
}

/** separator i (keys[i], rows[i]) is ≤ every entry of children[i + 1] and > every entry of children[i] */
interface Inner {
  readonly leaf: false
  keys: unknown[]
  rows: number[]
  children: TreeNode[]
}

type TreeNode = Leaf | Inner

/** entries from here on: leaf and position */
export interface Cursor { leaf: Leaf | null; index: number }

export const DEFAULT_NODE_SIZE = 64

/** deletes below this never trigger a rebuild (small trees are cheap to walk anyway) */
const COMPACT_AFTER = 256

export class BPlusTree {
  private root: TreeNode = emptyLeaf()
  private count = 0
  private deletesSinceLoad = 0

  constructor(readonly compare: KeyComparator, readonly nodeSize = DEFAULT_NODE_SIZE) {
    if (!(nodeSize >= 4)) throw new RangeError(`B+tree node size ${nodeSize} is below 4`)
  }

  get size(): number { return this.count }

  private compareEntry(k1: unknown, r1: number, k2: unknown, r2: number): number {
    const c = this.compare(k1, k2)
    return c !== 0 ? c : r1 - r2
  }

  /** adds (key, row); false when it is already held */
  insert(key: unknown, row: number): boolean {
    const path: Inner[] = [], slots: number[] = []
    let node = this.root
    while (!node.leaf) {
      const slot = this.upperSlot(node, key, row)
      path.push(node)
      slots.push(slot)
      node = node.children[slot]!
    }
    const leaf = node
    const at = this.lowerInLeaf(leaf, key, row)
    if (at < leaf.keys.length && this.compareEntry(leaf.keys[at], leaf.rows[at]!, key, row) === 0) return false
    leaf.keys.splice(at, 0, key)
    leaf.rows.splice(at, 0, row)
    this.count++
    if (leaf.keys.length <= this.nodeSize) return true
    const half = leaf.keys.length >> 1
    const right: Leaf = { leaf: true, keys: leaf.keys.splice(half), rows: leaf.rows.splice(half), next: leaf.next }
    leaf.next = right
    let sepKey = right.keys[0], sepRow = right.rows[0]!
    let added: TreeNode = right
    for (let d = path.length - 1; d >= 0; d--) {
      const parent = path[d]!, slot = slots[d]!
      parent.keys.splice(slot, 0, sepKey)
      parent.rows.splice(slot, 0, sepRow)
      parent.children.splice(slot + 1, 0, added)
      if (parent.children.length <= this.nodeSize) return true
      const m = parent.children.length >> 1
      const split: Inner = { leaf: false, keys: parent.keys.splice(m), rows: parent.rows.splice(m), children: parent.children.splice(m) }
      // the last left key separates the halves and moves up
      sepKey = parent.keys.pop()
      sepRow = parent.rows.pop()!
      added = split
    }
    this.root = { leaf: false, keys: [sepKey], rows: [sepRow], children: [this.root, added] }
    return true
  }

  /** removes (key, row); false when it was not held */
  delete(key: unknown, row: number): boolean {
    let node = this.root
    while (!node.leaf) node = node.children[this.upperSlot(node, key, row)]!
    const at = this.lowerInLeaf(node, key, row)
    if (at >= node.keys.length || this.compareEntry(node.keys[at], node.rows[at]!, key, row) !== 0) return false
    node.keys.splice(at, 1)
    node.rows.splice(at, 1)
    this.count--
    if (++this.deletesSinceLoad > COMPACT_AFTER && this.deletesSinceLoad > this.count) {
      const { keys, rows } = this.entries()
      this.load(keys, rows)
    }
    return true
  }

  /** the first entry for which `atOrAfter` holds (it must be false, then true, in entry order) */
  seek(atOrAfter: (key: unknown, row: number) => boolean): Cursor {
    let node = this.root
    while (!node.leaf) {
      let lo = 0, hi = node.keys.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (atOrAfter(node.keys[mid], node.rows[mid]!)) hi = mid
        else lo = mid + 1
      }
      node = node.children[lo]!
    }
    for (let leaf: Leaf | null = node; leaf !== null; leaf = leaf.next) {
      let lo = 0, hi = leaf.keys.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (atOrAfter(leaf.keys[mid], leaf.rows[mid]!)) hi = mid
        else lo = mid + 1
      }
      if (lo < leaf.keys.length) return { leaf, index: lo }
    }
    return { leaf: null, index: 0 }
  }

  /** a cursor on the smallest entry */
  first(): Cursor {
    let node = this.root
    while (!node.leaf) node = node.children[0]!
    let leaf: Leaf | null = node
    while (leaf !== null && leaf.keys.length === 0) leaf = leaf.next
    return { leaf, index: 0 }
  }

  /**
   * Walks entries from `cursor` while `inside(key)` holds, calling `visit` for each; stops early
   * when `visit` returns false.
   */
  walk(cursor: Cursor, inside: (key: unknown) => boolean, visit: (key: unknown, row: number) => boolean): void {
    let leaf = cursor.leaf, i = cursor.index
    while (leaf !== null) {
      const keys = leaf.keys, rows = leaf.rows
      for (; i < keys.length; i++) {
        const k = keys[i]
        if (!inside(k)) return
        if (!visit(k, rows[i]!)) return
      }
      leaf = leaf.next
      i = 0
    }
  }

  /** replaces the contents with entries already sorted by (key, row) and free of duplicates */
  load(keys: readonly unknown[], rows: readonly number[]): void {
    const n = keys.length
    this.count = n
    this.deletesSinceLoad = 0
    if (n === 0) { this.root = emptyLeaf(); return }
    // full leaves: bulk-built indexes are mostly read; inserts split as needed
    const size = this.nodeSize
    let level: TreeNode[] = []
    const mins: { key: unknown; row: number }[] = []
    let previous: Leaf | null = null
    for (let start = 0; start < n; start += size) {
      const end = Math.min(n, start + size)
      const leaf: Leaf = { leaf: true, keys: keys.slice(start, end), rows: rows.slice(start, end), next: null }
      if (previous !== null) previous.next = leaf
      previous = leaf
      level.push(leaf)
      mins.push({ key: keys[start], row: rows[start]! })
    }
    let levelMins = mins
    while (level.length > 1) {
      const up: TreeNode[] = [], upMins: { key: unknown; row: number }[] = []
      for (let start = 0; start < level.length; start += size) {
        const end = Math.min(level.length, start + size)
        const children = level.slice(start, end)
        const seps = levelMins.slice(start + 1, end)
        up.push({ leaf: false, keys: seps.map(s => s.key), rows: seps.map(s => s.row), children })
        upMins.push(levelMins[start]!)
      }
      level = up
      levelMins = upMins
    }
    this.root = level[0]!
  }

  /** every entry in order (tests and serialization) */
  entries(): { keys: unknown[]; rows: number[] } {
    const keys: unknown[] = [], rows: number[] = []
    this.walk(this.first(), () => true, (k, r) => { keys.push(k); rows.push(r); return true })
    return { keys, rows }
  }

  /** child slot for entry (key, row): the number of separators ≤ it */
  private upperSlot(node: Inner, key: unknown, row: number): number {
    let lo = 0, hi = node.keys.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.compareEntry(node.keys[mid], node.rows[mid]!, key, row) <= 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** first position in `leaf` whose entry is ≥ (key, row) */
  private lowerInLeaf(leaf: Leaf, key: unknown, row: number): number {
    let lo = 0, hi = leaf.keys.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.compareEntry(leaf.keys[mid], leaf.rows[mid]!, key, row) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

function emptyLeaf(): Leaf { return { leaf: true, keys: [], rows: [], next: null } }
