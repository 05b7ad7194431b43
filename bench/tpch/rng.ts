/**
 * A seeded PRNG (sfc32, 32-bit state words): fast, well distributed, and the same sequence on
 * every platform, so a seed fixes the generated data exactly.
 */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    this.a = 0x9e3779b9
    this.b = 0x243f6a88
    this.c = 0xb7e15162
    this.d = seed >>> 0
    // warm up so nearby seeds give unrelated streams
    for (let i = 0; i < 15; i++) this.nextUint32()
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** uniform in [0, 1) */
  next(): number { return this.nextUint32() / 4294967296 }

  /** uniform integer in [lo, hi], both inclusive */
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)) }

  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]! }
}
