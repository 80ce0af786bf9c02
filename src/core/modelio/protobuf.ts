/**
 * The protocol-buffers wire format (varints, fixed 32/64-bit values, length-delimited fields), read
 * with every length checked against the bytes present before anything is allocated, and written.
 */

/** Malformed or refused model bytes; the message says what and, where it helps, at which byte. */
export class ModelFormatError extends Error {}

/** Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
export type WireType = 0 | 1 | 2 | 5;

/** One field as read: its number, wire type, and either its scalar value or its byte range. */
export interface WireField {
  readonly field: number;
  readonly wire: WireType;
  /** Varint value (wire 0), exact while below 2^53. */
  readonly value: number;
  /** The field's bytes (wire 1, 2, 5), a view into the message, never a copy. */
  readonly bytes: Uint8Array;
}

/**
 * Reads a varint at `pos`; returns its value and the position after it. Values are unsigned, exact below
 * 2^53; a 10-byte varint (a negative int64) reads as its two's-complement value, exactly for small magnitudes.
 */
export function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ModelFormatError(`the file is truncated (a number at byte ${pos} is cut off)`);
    const b = buf[pos++];
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return [Number(BigInt.asIntN(64, value)), pos];
  }
  throw new ModelFormatError(`malformed number at byte ${pos}: more than 10 bytes`);
}

/** The fields of one message, in order; throws ModelFormatError on truncation or an unknown wire type. */
export function readFields(buf: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    pos = afterKey;
    if (field <= 0) throw new ModelFormatError(`malformed message: field number ${field} at byte ${pos}`);
    if (wire === 0) {
      const [value, next] = readVarint(buf, pos);
      fields.push({ field, wire, value, bytes: buf.subarray(pos, next) });
      pos = next;
    } else if (wire === 1 || wire === 5 || wire === 2) {
      let length = wire === 1 ? 8 : 4;
      if (wire === 2) [length, pos] = readVarint(buf, pos);
      if (length < 0 || length > buf.length - pos)
        throw new ModelFormatError(
          `the file is truncated: a field declares ${length} bytes at byte ${pos}, only ${buf.length - pos} remain`,
        );
      fields.push({ field, wire, value: 0, bytes: buf.subarray(pos, pos + length) });
      pos += length;
    } else {
      throw new ModelFormatError(`not a protocol-buffers message: wire type ${wire} at byte ${pos}`);
    }
  }
  return fields;
}

/** UTF-8 text of a length-delimited field. */
export function fieldText(f: WireField): string {
  return new TextDecoder().decode(f.bytes);
}

/** A repeated varint field, packed (wire 2) or not (wire 0): every value. */
export function varints(fields: readonly WireField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire === 0) out.push(f.value);
    else if (f.wire === 2)
      for (let p = 0; p < f.bytes.length;) {
        const [v, next] = readVarint(f.bytes, p);
        out.push(v);
        p = next;
      }
  }
  return out;
}

/** Grows a byte buffer and writes protocol-buffers fields into it. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private length = 0;

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  private rawVarint(v: number): void {
    this.reserve(10);
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 128n) {
      this.buf[this.length++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.length++] = Number(x);
  }

  /** A varint field (int32/int64/enum; negatives as 10-byte two's complement). */
  varint(field: number, v: number): this {
    this.rawVarint(field * 8);
    this.rawVarint(v);
    return this;
  }

  /** A length-delimited field holding `bytes`. */
  bytes(field: number, bytes: Uint8Array): this {
    this.rawVarint(field * 8 + 2);
    this.rawVarint(bytes.length);
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  /** A 32-bit float field (wire 5). */
  float(field: number, v: number): this {
    this.rawVarint(field * 8 + 5);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.length, v, true);
    this.length += 4;
    return this;
  }

  /** A nested message field written by `build`. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }
}
