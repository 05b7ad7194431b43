/**
 * Signed model files: `<model>.sig` beside the model holds an ed25519 signature over the
 * model's SHA-256 digest (the same scheme as bundles: hashing is cheap, the digest pins every
 * byte), as JSON `{ publicKey, algorithm: 'ed25519', signature }`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import nacl from 'tweetnacl'
import { BundleError } from './errors.ts'
import { normalizePublicKey, parseKey, sha256Hex, type BundleSignature } from './signing.ts'

export const MODEL_SIGNATURE_SUFFIX = '.sig'

/** Signs the model file at `path`: writes `<path>.sig`; returns the signature. */
export function signModel(path: string, secretKey: string | Uint8Array): BundleSignature {
  let bytes: Uint8Array
  try { bytes = readFileSync(path) } catch (e) {
    throw new BundleError('io', `cannot read the model ${path}: ${(e as Error).message}`, 'check the path', e)
  }
  const secret = typeof secretKey === 'string' ? parseKey(secretKey, 64) : secretKey
  const digest = Buffer.from(sha256Hex(bytes), 'hex')
  const signature: BundleSignature = {
    publicKey: Buffer.from(secret.subarray(32)).toString('hex'),
    algorithm: 'ed25519',
    signature: Buffer.from(nacl.sign.detached(digest, secret)).toString('hex'),
  }
  writeFileSync(path + MODEL_SIGNATURE_SUFFIX, JSON.stringify(signature, null, 2) + '\n')
  return signature
}

export type ModelSignatureCheck =
  | { readonly ok: true; readonly publicKey: string }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'bad_signature' | 'untrusted_key' | 'revoked_key'; readonly message: string }

/** Checks `<path>.sig` against the model's SHA-256 and the keys trusted to sign models. */
export function checkModelSignature(path: string, sha256: string, trustedKeys: readonly string[], revokedKeys: readonly string[]): ModelSignatureCheck {
  let text: string
  try { text = readFileSync(path + MODEL_SIGNATURE_SUFFIX, 'utf8') } catch {
    return { ok: false, reason: 'missing', message: `model "${path}" has no signature file ${path}${MODEL_SIGNATURE_SUFFIX}` }
  }
  let sig: Partial<BundleSignature>
  let key: string
  try {
    sig = JSON.parse(text) as Partial<BundleSignature>
    if (sig.algorithm !== 'ed25519' || typeof sig.signature !== 'string' || !/^[0-9a-f]{128}$/i.test(sig.signature)) throw new Error('not an ed25519 signature')
    key = normalizePublicKey(String(sig.publicKey))
  } catch (e) {
    return { ok: false, reason: 'malformed', message: `the signature file ${path}${MODEL_SIGNATURE_SUFFIX} is malformed: ${(e as Error).message}` }
  }
  if (revokedKeys.includes(key)) return { ok: false, reason: 'revoked_key', message: `model "${path}" is signed by the revoked key ${key}` }
  const valid = nacl.sign.detached.verify(Buffer.from(sha256, 'hex'), Buffer.from(sig.signature, 'hex'), Buffer.from(key, 'hex'))
  if (!valid) return { ok: false, reason: 'bad_signature', message: `the signature of model "${path}" does not match its bytes` }
  if (!trustedKeys.includes(key)) return { ok: false, reason: 'untrusted_key', message: `model "${path}" is signed by ${key}, a key the policy does not trust for models` }
  return { ok: true, publicKey: key }
}
