/**
 * ed25519 signing of bundles (tweetnacl). What is signed is the SHA-256 of the canonical digest
 * list — sorted "name sha256" lines of every file but `signature` — not the bytes themselves:
 * hashing is ~40× cheaper than tweetnacl over megabytes, and the list pins every file.
 */
import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import nacl from 'tweetnacl'
import { BundleError, asBundleError } from './errors.ts'
import { MANIFEST_FILE, SIGNATURE_FILE, parseManifest } from './manifest.ts'
import type { ExtensionManifest } from './manifest.ts'

export interface KeyPair {
  /** 32 bytes as 64 hex characters: what policies list as trusted */
  readonly publicKey: string
  /** 64 bytes as 128 hex characters: keep it secret */
  readonly secretKey: string
}

export interface BundleSignature { readonly publicKey: string; readonly algorithm: 'ed25519'; readonly signature: string }

export interface VerifiedBundle {
  readonly manifest: ExtensionManifest
  readonly publisherKey: string | null
  /** every file but `signature` → sha256 hex, manifest.json included */
  readonly files: Readonly<Record<string, string>>
}

export interface VerifyOptions {
  readonly revokedKeys?: readonly string[]
  /** accept a bundle without a signature file (publisherKey is then null); digests are still checked */
  readonly allowUnsigned?: boolean
}

const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

export function generateKeyPair(): KeyPair {
  const k = nacl.sign.keyPair()
  return { publicKey: toHex(k.publicKey), secretKey: toHex(k.secretKey) }
}

/** Reads a key given as hex or base64 text (whitespace ignored); `bytes` is 32 public or 64 secret. */
export function parseKey(text: string, bytes: 32 | 64, what = bytes === 32 ? 'public key' : 'secret key'): Uint8Array {
  const t = String(text).replace(/\s+/g, '')
  let out: Buffer | undefined
  if (/^[0-9a-fA-F]+$/.test(t) && t.length === bytes * 2) out = Buffer.from(t, 'hex')
  else if (/^[A-Za-z0-9+/]+={0,2}$/.test(t)) out = Buffer.from(t, 'base64')
  if (out === undefined || out.length !== bytes) {
    throw new BundleError('bad_key', `invalid ${what}: expected ${bytes} bytes as ${bytes * 2} hex characters or base64`, 'generate keys with generateKeyPair() / `grizzly ext keygen`')
  }
  return new Uint8Array(out)
}

/** Canonical hex form of a public key given as hex or base64. */
export function normalizePublicKey(text: string): string {
  return toHex(parseKey(text, 32))
}

/** Writes `<path>.pub` and `<path>.key` (hex text, the secret file readable by the owner only). */
export function writeKeyPair(path: string, pair: KeyPair = generateKeyPair()): KeyPair {
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(`${path}.pub`, pair.publicKey + '\n')
    writeFileSync(`${path}.key`, pair.secretKey + '\n', { mode: 0o600 })
  } catch (e) {
    throw new BundleError('io', `cannot write the key pair ${path}.pub / ${path}.key: ${(e as Error).message}`, 'pick a writable path', e)
  }
  return pair
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}

function ioError(what: string, e: unknown): BundleError {
  return new BundleError('io', `${what}: ${(e as Error).message}`, undefined, e)
}

/** sha256 of every regular file under `dir` except `signature`, by '/'-separated relative name. */
export function digestFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (abs: string, rel: string): void => {
    let names: string[]
    try { names = readdirSync(abs) } catch (e) { throw ioError(`cannot read bundle directory ${abs}`, e) }
    for (const name of names.sort()) {
      const relName = rel === '' ? name : `${rel}/${name}`
      if (relName === SIGNATURE_FILE) continue
      const full = join(abs, name)
      const st = lstatSync(full)
      if (st.isDirectory()) walk(full, relName)
      else if (st.isFile()) out[relName] = sha256Hex(readFileSync(full))
      else throw new BundleError('extra_file', `bundle file ${relName} is not a regular file (links and devices are not allowed in bundles)`)
    }
  }
  walk(dir, '')
  return out
}

/** The bytes that are signed: sha256 over sorted "name sha256\n" lines. */
export function canonicalDigest(files: Readonly<Record<string, string>>): Uint8Array {
  const names = Object.keys(files).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const text = names.map(n => `${n} ${files[n]}\n`).join('')
  return new Uint8Array(createHash('sha256').update(text).digest())
}

/** Rewrites manifest.json's `files` to the digests of what is in `dir`. */
export function sealManifest(dir: string): ExtensionManifest {
  const path = join(dir, MANIFEST_FILE)
  let json: Record<string, unknown>
  try { json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> } catch (e) { throw asBundleError('bad_manifest', e, `cannot read ${MANIFEST_FILE}`) }
  const files = digestFiles(dir)
  delete files[MANIFEST_FILE]
  json['files'] = files
  const manifest = checkedManifest(JSON.stringify(json))
  writeFileSync(path, JSON.stringify(json, null, 2) + '\n')
  return manifest
}

function checkedManifest(text: string): ExtensionManifest {
  try { return parseManifest(text) } catch (e) { throw asBundleError('bad_manifest', e, 'bad bundle manifest') }
}

function readManifest(dir: string): ExtensionManifest {
  let text: string
  try { text = readFileSync(join(dir, MANIFEST_FILE), 'utf8') } catch (e) {
    throw new BundleError('missing_file', `bundle has no ${MANIFEST_FILE}`, undefined, e)
  }
  return checkedManifest(text)
}

/** Compares what is on disk with the manifest's `files`; returns the full digest list. */
function checkFiles(dir: string, manifest: ExtensionManifest): Record<string, string> {
  const actual = digestFiles(dir)
  for (const [name, digest] of Object.entries(manifest.files)) {
    const got = actual[name]
    if (got === undefined) throw new BundleError('missing_file', `bundle file ${name} is listed in the manifest but missing`)
    if (got !== digest) throw new BundleError('digest_mismatch', `bundle file ${name} does not match its digest (expected ${digest.slice(0, 12)}…, found ${got.slice(0, 12)}…): the bundle was modified after it was built`)
  }
  for (const name of Object.keys(actual)) {
    if (name !== MANIFEST_FILE && !Object.prototype.hasOwnProperty.call(manifest.files, name)) {
      throw new BundleError('extra_file', `bundle file ${name} is not listed in the manifest`, 'rebuild the bundle, or remove the file')
    }
  }
  return actual
}

/** Checks the bundle is consistent, then writes `signature`. Returns it. */
export function signBundle(dir: string, secretKey: string | Uint8Array): BundleSignature {
  const secret = typeof secretKey === 'string' ? parseKey(secretKey, 64) : secretKey
  if (secret.length !== 64) throw new BundleError('bad_key', 'invalid secret key: expected 64 bytes')
  const manifest = readManifest(dir)
  const files = checkFiles(dir, manifest)
  const sig = nacl.sign.detached(canonicalDigest(files), secret)
  const out: BundleSignature = { publicKey: toHex(secret.subarray(32)), algorithm: 'ed25519', signature: toHex(sig) }
  try { writeFileSync(join(dir, SIGNATURE_FILE), JSON.stringify(out, null, 2) + '\n') } catch (e) { throw ioError('cannot write signature', e) }
  return out
}

function readSignature(dir: string): BundleSignature | null {
  let text: string
  try { text = readFileSync(join(dir, SIGNATURE_FILE), 'utf8') } catch { return null }
  let json: unknown
  try { json = JSON.parse(text) } catch { throw new BundleError('corrupt_signature', 'bundle signature file is not valid JSON') }
  const s = json as Partial<BundleSignature> | null
  if (s === null || typeof s !== 'object') throw new BundleError('corrupt_signature', 'bundle signature file is not a JSON object')
  if (s.algorithm !== 'ed25519') throw new BundleError('corrupt_signature', `bundle signature algorithm ${JSON.stringify(s.algorithm)} is not supported`, 'only "ed25519" is')
  if (typeof s.publicKey !== 'string' || !/^[0-9a-f]{64}$/i.test(s.publicKey)) throw new BundleError('corrupt_signature', 'bundle signature has no valid publicKey (64 hex characters)')
  if (typeof s.signature !== 'string' || !/^[0-9a-f]{128}$/i.test(s.signature)) throw new BundleError('corrupt_signature', 'bundle signature has no valid signature (128 hex characters)')
  return { publicKey: s.publicKey.toLowerCase(), algorithm: 'ed25519', signature: s.signature.toLowerCase() }
}

/**
 * Verifies a bundle folder: trust of the signing key, manifest, every file's digest, no file
 * missing or extra, and the ed25519 signature over the digest list. Throws BundleError.
 */
export function verifyBundle(dir: string, trustedKeys: readonly string[], options: VerifyOptions = {}): VerifiedBundle {
  try { if (!lstatSync(dir).isDirectory()) throw new Error('not a directory') } catch (e) { throw ioError(`cannot open bundle ${dir}`, e) }
  const sig = readSignature(dir)
  if (sig === null && options.allowUnsigned !== true) {
    throw new BundleError('unsigned', 'bundle is not signed (no signature file)', 'sign it with signBundle / `grizzly ext sign`, or allow unsigned bundles in the policy')
  }
  if (sig !== null) {
    const short = sig.publicKey.slice(0, 12) + '…'
    if ((options.revokedKeys ?? []).some(k => normalizePublicKey(k) === sig.publicKey)) {
      throw new BundleError('revoked_key', `bundle is signed with revoked key ${short}`)
    }
    if (!trustedKeys.some(k => normalizePublicKey(k) === sig.publicKey)) {
      throw new BundleError('unknown_key', `bundle is signed with key ${short}, which is not trusted`, 'add the publisher\'s public key to trusted_keys in the policy')
    }
  }
  const manifest = readManifest(dir)
  const files = checkFiles(dir, manifest)
  if (sig !== null) {
    const ok = nacl.sign.detached.verify(canonicalDigest(files), Buffer.from(sig.signature, 'hex'), Buffer.from(sig.publicKey, 'hex'))
    if (!ok) throw new BundleError('bad_signature', 'bundle signature does not verify: the bundle or its manifest was changed after signing, or the signature was forged')
  }
  return { manifest, publisherKey: sig?.publicKey ?? null, files }
}
