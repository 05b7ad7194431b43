/**
 * Encryption at rest: AES-256-GCM over every block payload and every WAL record body, with a
 * key derived by scrypt from the user's secret and a random per-file salt kept in the header.
 * Each sealed payload is [nonce 12][ciphertext][tag 16]; a fresh random nonce per write. A
 * block's number is its additional data, so blocks cannot be swapped unnoticed.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'

const NONCE = 12
const TAG = 16
/** bytes a sealed payload adds */
export const SEAL_OVERHEAD = NONCE + TAG
export const SALT_BYTES = 16
const CHECK_PLAIN = Buffer.from('GRIZZLY-KEYCHECK', 'latin1')
/** length of the key check stored in the header */
export const KEY_CHECK_BYTES = CHECK_PLAIN.length + TAG

export class Encryption {
  private constructor(private readonly key: Buffer) {}

  static derive(secret: string | Uint8Array, salt: Uint8Array): Encryption {
    return new Encryption(scryptSync(secret, salt, 32, { N: 1 << 14, r: 8, p: 1 }))
  }

  static newSalt(): Uint8Array { return randomBytes(SALT_BYTES) }

  seal(plain: Uint8Array, aad: Uint8Array | null): Uint8Array {
    const nonce = randomBytes(NONCE)
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce)
    if (aad !== null) cipher.setAAD(aad)
    const body = cipher.update(plain)
    const final = cipher.final()
    return Buffer.concat([nonce, body, final, cipher.getAuthTag()])
  }

  /** the plaintext, or null when the data or the key is not the one that sealed it */
  open(sealed: Uint8Array, aad: Uint8Array | null): Uint8Array | null {
    if (sealed.length < SEAL_OVERHEAD) return null
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, NONCE))
      if (aad !== null) decipher.setAAD(aad)
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG))
      const out = Buffer.concat([decipher.update(sealed.subarray(NONCE, sealed.length - TAG)), decipher.final()])
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
    } catch {
      return null
    }
  }

  /** a fixed text sealed with a zero nonce: tells a wrong key apart at open (no secret data under that nonce) */
  keyCheck(): Uint8Array {
    const cipher = createCipheriv('aes-256-gcm', this.key, Buffer.alloc(NONCE))
    const body = Buffer.concat([cipher.update(CHECK_PLAIN), cipher.final()])
    return Buffer.concat([body, cipher.getAuthTag()])
  }
}

export function blockAad(block: number): Uint8Array {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(block)
  return b
}
