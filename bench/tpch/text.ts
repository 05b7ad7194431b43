/**
 * Vocabularies of the TPC-H specification (clause 4.2.2.13 and 4.2.3) and the text pool comments
 * are cut from. As in dbgen, a comment is a random substring of one long pseudo-text built from
 * the spec's sentence grammar, so comment generation costs one substring per row.
 */
import type { Rng } from './rng.ts'

/** The 92 colour words p_name is made of (5 distinct words per part). */
export const COLORS: readonly string[] = [
  'almond', 'antique', 'aquamarine', 'azure', 'beige', 'bisque', 'black', 'blanched', 'blue', 'blush',
  'brown', 'burlywood', 'burnished', 'chartreuse', 'chiffon', 'chocolate', 'coral', 'cornflower',
  'cornsilk', 'cream', 'cyan', 'dark', 'deep', 'dim', 'dodger', 'drab', 'firebrick', 'floral', 'forest',
  'frosted', 'gainsboro', 'ghost', 'goldenrod', 'green', 'grey', 'honeydew', 'hot', 'indian', 'ivory',
  'khaki', 'lace', 'lavender', 'lawn', 'lemon', 'light', 'lime', 'linen', 'magenta', 'maroon', 'medium',
  'metallic', 'midnight', 'mint', 'misty', 'moccasin', 'navajo', 'navy', 'olive', 'orange', 'orchid',
  'pale', 'papaya', 'peach', 'peru', 'pink', 'plum', 'powder', 'puff', 'purple', 'red', 'rose', 'rosy',
  'royal', 'saddle', 'salmon', 'sandy', 'seashell', 'sienna', 'sky', 'slate', 'smoke', 'snow', 'spring',
  'steel', 'tan', 'thistle', 'tomato', 'turquoise', 'violet', 'wheat', 'white', 'yellow',
]

export const TYPE_SYLLABLE_1: readonly string[] = ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO']
export const TYPE_SYLLABLE_2: readonly string[] = ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED']
export const TYPE_SYLLABLE_3: readonly string[] = ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER']
export const CONTAINER_SYLLABLE_1: readonly string[] = ['SM', 'LG', 'MED', 'JUMBO', 'WRAP']
export const CONTAINER_SYLLABLE_2: readonly string[] = ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM']
export const SEGMENTS: readonly string[] = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD']
export const PRIORITIES: readonly string[] = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW']
export const SHIP_INSTRUCTIONS: readonly string[] = ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN']
export const SHIP_MODES: readonly string[] = ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB']

export const REGIONS: readonly string[] = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST']

/** [name, regionkey] by nationkey, as fixed by the specification. */
export const NATIONS: readonly (readonly [string, number])[] = [
  ['ALGERIA', 0], ['ARGENTINA', 1], ['BRAZIL', 1], ['CANADA', 1], ['EGYPT', 4], ['ETHIOPIA', 0],
  ['FRANCE', 3], ['GERMANY', 3], ['INDIA', 2], ['INDONESIA', 2], ['IRAN', 4], ['IRAQ', 4], ['JAPAN', 2],
  ['JORDAN', 4], ['KENYA', 0], ['MOROCCO', 0], ['MOZAMBIQUE', 0], ['PERU', 1], ['CHINA', 2], ['ROMANIA', 3],
  ['SAUDI ARABIA', 4], ['VIETNAM', 2], ['RUSSIA', 3], ['UNITED KINGDOM', 3], ['UNITED STATES', 1],
]

/** Expands "word:weight" entries (weight 1 when omitted) into a list a uniform pick draws from by weight. */
function weighted(entries: readonly string[]): readonly string[] {
  const out: string[] = []
  for (const e of entries) {
    const at = e.lastIndexOf(':')
    const weight = at < 0 ? 1 : Number(e.slice(at + 1))
    const word = at < 0 ? e : e.slice(0, at)
    for (let i = 0; i < weight; i++) out.push(word)
  }
  return out
}

// word weights as in dbgen's distributions, so 'special … requests' and friends appear about as often
const NOUNS = weighted([
  'packages:40', 'requests:40', 'accounts:40', 'deposits:40', 'foxes:20', 'ideas:20', 'theodolites:20',
  'pinto beans:20', 'instructions:20', 'dependencies:10', 'excuses:10', 'platelets:10', 'asymptotes:10',
  'courts:5', 'dolphins:5', 'multipliers', 'sauternes', 'warthogs', 'frets', 'dinos', 'attainments', 'somas',
  'Tiresias', 'patterns', 'forges', 'braids', 'hockey players', 'frays', 'warhorses', 'dugouts', 'notornis',
  'epitaphs', 'pearls', 'tithes', 'waters', 'orbits', 'gifts', 'sheaves', 'depths', 'sentiments', 'decoys',
  'realms', 'pains', 'grouches', 'escapades',
])
const VERBS = weighted([
  'sleep:20', 'wake:20', 'are:20', 'cajole:20', 'haggle:20', 'nag:10', 'use:10', 'boost:10', 'affix:5',
  'detect:5', 'integrate:5', 'maintain', 'nod', 'was', 'lose', 'sublate', 'solve', 'thrash', 'promise',
  'engage', 'hinder', 'print', 'x-ray', 'breach', 'eat', 'grow', 'impress', 'mold', 'poach', 'serve', 'run',
  'dazzle', 'snooze', 'doze', 'unwind', 'kindle', 'play', 'hang', 'believe', 'doubt',
])
const ADJECTIVES = weighted([
  'special:20', 'pending:20', 'unusual:20', 'express:20', 'furious', 'sly', 'careful', 'blithe', 'quick',
  'fluffy', 'slow', 'quiet', 'ruthless', 'thin', 'close', 'dogged', 'daring', 'brave', 'stealthy',
  'permanent', 'enticing', 'idle', 'busy', 'regular:50', 'final:40', 'ironic:40', 'even:30', 'bold:20',
  'silent:10',
])
const ADVERBS = weighted([
  'sometimes', 'always', 'never', 'furiously:50', 'slyly:50', 'carefully:50', 'blithely:40', 'quickly:30',
  'fluffily:20', 'slowly', 'quietly', 'ruthlessly', 'thinly', 'closely', 'doggedly', 'daringly', 'bravely',
  'stealthily', 'permanently', 'enticingly', 'idly', 'busily', 'regularly', 'finally', 'ironically', 'evenly',
  'boldly', 'silently',
])
const PREPOSITIONS = weighted([
  'about:50', 'above:50', 'according to:50', 'across:50', 'after:50', 'against:40', 'along:40',
  'alongside of:30', 'among:30', 'around:20', 'at:10', 'atop', 'before', 'behind', 'beneath', 'beside',
  'besides', 'between', 'beyond', 'by', 'despite', 'during', 'except', 'for', 'from', 'in place of', 'inside',
  'instead of', 'into', 'near', 'of', 'on', 'outside', 'over', 'past', 'since', 'through', 'throughout', 'to',
  'toward', 'under', 'until', 'up', 'upon', 'without', 'with', 'within',
])
const AUXILIARIES = [
  'do', 'may', 'might', 'shall', 'will', 'would', 'can', 'could', 'should', 'ought to', 'must',
  'will have to', 'shall have to', 'could have to', 'should have to', 'must have to', 'need to', 'try to',
]
const SENTENCE_SHAPES = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 4]
const TERMINATORS = ['.', ';', ':', '?', '!', '--']

/** Phrase shapes weighted as in dbgen: noun phrase N 10, J N 20, J, J N 10, D J N 50. */
function nounPhrase(r: Rng): string {
  const x = r.int(1, 90)
  if (x <= 10) return r.pick(NOUNS)
  if (x <= 30) return `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`
  if (x <= 40) return `${r.pick(ADJECTIVES)}, ${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`
  return `${r.pick(ADVERBS)} ${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`
}

/** verb phrase V 30, X V 1, V D 40, X V D 1 */
function verbPhrase(r: Rng): string {
  const x = r.int(1, 72)
  if (x <= 30) return r.pick(VERBS)
  if (x <= 31) return `${r.pick(AUXILIARIES)} ${r.pick(VERBS)}`
  if (x <= 71) return `${r.pick(VERBS)} ${r.pick(ADVERBS)}`
  return `${r.pick(AUXILIARIES)} ${r.pick(VERBS)} ${r.pick(ADVERBS)}`
}

const prepositionalPhrase = (r: Rng): string => `${r.pick(PREPOSITIONS)} the ${nounPhrase(r)}`

/** One sentence of the grammar in clause 4.2.2.14. */
function sentence(r: Rng): string {
  let body: string
  // shapes N V T 3, N V P T 3, N V N T 3, N P V N T 1, N P V P T 1
  switch (r.pick(SENTENCE_SHAPES)) {
    case 0: body = `${nounPhrase(r)} ${verbPhrase(r)}`; break
    case 1: body = `${nounPhrase(r)} ${verbPhrase(r)} ${prepositionalPhrase(r)}`; break
    case 2: body = `${nounPhrase(r)} ${verbPhrase(r)} ${nounPhrase(r)}`; break
    case 3: body = `${nounPhrase(r)} ${prepositionalPhrase(r)} ${verbPhrase(r)} ${nounPhrase(r)}`; break
    default: body = `${nounPhrase(r)} ${prepositionalPhrase(r)} ${verbPhrase(r)} ${prepositionalPhrase(r)}`; break
  }
  return body + r.pick(TERMINATORS)
}

/** A pseudo-text of at least `length` characters (dbgen uses 300 MB; a few MB repeat no worse at our scales). */
export function buildTextPool(r: Rng, length: number): string {
  const parts: string[] = []
  let total = 0
  while (total < length) {
    const s = sentence(r)
    parts.push(s)
    total += s.length + 1
  }
  return parts.join(' ')
}

const ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ, '

/** Random characters for addresses (the spec's "v-string"); cut the same way as the text pool. */
export function buildCharPool(r: Rng, length: number): string {
  const chars = new Array<string>(length)
  for (let i = 0; i < length; i++) chars[i] = ALPHANUMERIC[r.int(0, ALPHANUMERIC.length - 1)]!
  return chars.join('')
}
