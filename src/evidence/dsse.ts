/**
 * DSSE (Dead Simple Signing Envelope, github.com/secure-systems-lab/dsse, protocol v1): the
 * signature covers PAE(payloadType, payload) — the type and the exact payload bytes, each
 * length-prefixed — so neither can be swapped without breaking it. Signatures are Ed25519 through
 * node:crypto. An envelope with no signatures is how soc2 writes an unsigned statement: the file
 * layout stays the same and the verifier can say "unsigned" instead of "malformed".
 */
import { sign, verify, type KeyObject } from 'node:crypto';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface EnvelopeSignature {
  keyid: string;
  sig: string;
}

export interface Envelope {
  payloadType: string;
  /** Standard base64 of the payload bytes. */
  payload: string;
  signatures: EnvelopeSignature[];
}

/** Pre-Authentication Encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes as ASCII decimal. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'utf8'), type, Buffer.from(` ${payload.length} `, 'utf8'), payload]);
}

export interface EnvelopeSigner {
  keyid: string;
  privateKey: KeyObject;
}

export function makeEnvelope(payloadType: string, payload: Uint8Array, signers: readonly EnvelopeSigner[]): Envelope {
  const message = pae(payloadType, payload);
  return {
    payloadType,
    payload: Buffer.from(payload).toString('base64'),
    signatures: signers.map((s) => ({ keyid: s.keyid, sig: sign(null, message, s.privateKey).toString('base64') })),
  };
}

/** The envelope as parsed from its file, or why it cannot be one. */
export type ParsedEnvelope = { ok: true; envelope: Envelope; payload: Buffer } | { ok: false; problem: string };

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict: exactly the three DSSE fields, strings where strings belong, and canonical standard
 * base64 (Buffer.from would silently skip stray characters, so text could be slipped into the
 * file without changing the signed bytes).
 */
export function parseEnvelope(value: unknown): ParsedEnvelope {
  if (!isObject(value)) return { ok: false, problem: 'it is not a JSON object' };
  const extra = Object.keys(value).filter((k) => !['payloadType', 'payload', 'signatures'].includes(k));
  if (extra.length) return { ok: false, problem: `it has fields a DSSE envelope does not have: ${extra.join(', ')}` };
  const { payloadType, payload, signatures } = value;
  if (typeof payloadType !== 'string') return { ok: false, problem: 'payloadType is missing or not a string' };
  if (typeof payload !== 'string' || !STANDARD_BASE64.test(payload)) return { ok: false, problem: 'payload is missing or not standard base64' };
  if (!Array.isArray(signatures)) return { ok: false, problem: 'signatures is missing or not a list' };
  const sigs: EnvelopeSignature[] = [];
  for (const [i, s] of signatures.entries()) {
    if (!isObject(s) || typeof s.sig !== 'string' || !STANDARD_BASE64.test(s.sig) || (s.keyid !== undefined && typeof s.keyid !== 'string')) {
      return { ok: false, problem: `signature ${i + 1} is not {keyid, sig} with a base64 sig` };
    }
    const unknown = Object.keys(s).filter((k) => k !== 'keyid' && k !== 'sig');
    if (unknown.length) return { ok: false, problem: `signature ${i + 1} has unexpected fields: ${unknown.join(', ')}` };
    sigs.push({ keyid: typeof s.keyid === 'string' ? s.keyid : '', sig: s.sig });
  }
  return { ok: true, envelope: { payloadType, payload, signatures: sigs }, payload: Buffer.from(payload, 'base64') };
}

/**
 * The signatures that verify with `publicKey`. Every signature is tried: a keyid is only a hint
 * the envelope's author chose, so it is never trusted to pick (or skip) a signature.
 */
export function verifiedSignatures(envelope: Pick<Envelope, 'payloadType' | 'signatures'>, payload: Uint8Array, publicKey: KeyObject): EnvelopeSignature[] {
  const message = pae(envelope.payloadType, payload);
  return envelope.signatures.filter((s) => {
    try {
      return verify(null, message, publicKey, Buffer.from(s.sig, 'base64'));
    } catch {
      return false;
    }
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
