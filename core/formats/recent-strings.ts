/**
 * Readers share one string per value for columns of few distinct values (codes, categories): a
 * small table of recently seen values per column, looked up by a cheap hash of the text, so a
 * table holds a handful of strings instead of one per row for the GC to walk.
 */

/** slots for recent values (a power of two) */
export const RECENT = 64

/** The slot of text[s, e) (not empty): its length, first, middle and last characters. */
export function recentSlot(text: string, s: number, e: number): number {
  const len = e - s
  return (len * 31 + text.charCodeAt(s) * 7 + text.charCodeAt(s + (len >> 1)) * 131 + text.charCodeAt(e - 1)) & (RECENT - 1)
}
