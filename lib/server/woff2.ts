import "server-only";
import zlib from "node:zlib";

// WOFF2 to a plain TrueType file, for next/og: its font reader (opentype.js) takes TTF, OTF and
// WOFF but not WOFF2, and the script fonts' @fontsource-variable packages ship only WOFF2. Brotli
// is node:zlib's; the rest is the format's table directory and its transformed `glyf` and `loca`
// (https://www.w3.org/TR/WOFF2/ sections 5 and 5.1). Single fonts only (no collections), `hmtx`
// untransformed, as the packages' files are: anything else throws rather than draw wrong glyphs.

const KNOWN_TAGS =
  "cmap head hhea hmtx maxp name OS/2 post cvt  fpgm glyf loca prep CFF  VORG EBDT EBLC gasp hdmx kern LTSH PCLT VDMX vhea vmtx BASE GDEF GPOS GSUB EBSC JSTF MATH CBDT CBLC COLR CPAL SVG  sbix acnt avar bdat bloc bsln cvar fdsc feat fmtx fvar gvar hsty just lcar mort morx opbd prop trak Zapf Silf Glat Gloc Feat Sill"
    .match(/.{4}(?: |$)/g)!
    .map((tag) => tag.slice(0, 4));

class Reader {
  constructor(
    private readonly bytes: Buffer,
    public at = 0,
  ) {}
  u8 = () => this.bytes.readUInt8(this.at++);
  u16 = () => ((this.at += 2), this.bytes.readUInt16BE(this.at - 2));
  i16 = () => ((this.at += 2), this.bytes.readInt16BE(this.at - 2));
  u32 = () => ((this.at += 4), this.bytes.readUInt32BE(this.at - 4));
  take = (length: number) => ((this.at += length), this.bytes.subarray(this.at - length, this.at));
  base128 = () => {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.u8();
      value = value * 128 + (byte & 0x7f);
      if (!(byte & 0x80)) return value;
    }
    throw new Error("woff2: bad UIntBase128");
  };
  u255 = () => {
    const code = this.u8();
    if (code === 253) return this.u16();
    if (code === 255) return this.u8() + 253;
    if (code === 254) return this.u8() + 506;
    return code;
  };
}

/** The TrueType bytes of a WOFF2 file, its tables by tag first passed to `edit`. */
export function woff2ToTtf(woff2: Buffer, edit?: (tables: Map<string, Buffer>) => void): Buffer {
  const header = new Reader(woff2);
  if (header.u32() !== 0x774f4632) throw new Error("woff2: not a WOFF2 file");
  const flavor = header.u32();
  if (flavor === 0x74746366) throw new Error("woff2: collections are not read");
  header.at = 12;
  const numTables = header.u16();
  header.at = 20;
  const compressedSize = header.u32();
  header.at = 48;
  const directory: Array<{ tag: string; length: number; transformed: boolean; stored: number }> = [];
  for (let i = 0; i < numTables; i++) {
    const flags = header.u8();
    const tag = (flags & 63) === 63 ? header.take(4).toString("latin1") : KNOWN_TAGS[flags & 63];
    const version = flags >> 6;
    const length = header.base128();
    const transformed = tag === "glyf" || tag === "loca" ? version === 0 : version !== 0;
    if (transformed && tag !== "glyf" && tag !== "loca") throw new Error(`woff2: transformed ${tag}`);
    directory.push({ tag, length, transformed, stored: transformed ? header.base128() : length });
  }
  const data = zlib.brotliDecompressSync(woff2.subarray(header.at, header.at + compressedSize));
  const tables = new Map<string, Buffer>();
  let at = 0;
  for (const entry of directory) {
    tables.set(entry.tag, data.subarray(at, at + entry.stored));
    at += entry.stored;
  }
  if (directory.find((entry) => entry.tag === "glyf")?.transformed) {
    const { glyf, loca } = untransformGlyf(tables.get("glyf")!);
    const head = Buffer.from(tables.get("head")!);
    head.writeInt16BE(1, 50); // indexToLocFormat: long offsets
    tables.set("glyf", glyf).set("loca", loca).set("head", head);
  }
  edit?.(tables);
  return sfnt(flavor, tables);
}

function untransformGlyf(table: Buffer): { glyf: Buffer; loca: Buffer } {
  const head = new Reader(table, 2);
  const options = head.u16();
  const numGlyphs = head.u16();
  head.u16(); // the original's loca format: replaced by the long one below
  const sizes = Array.from({ length: 7 }, () => head.u32());
  let start = head.at;
  const [contours, points, flags, glyphs, composites, bboxes, instructions] = sizes.map((size) => {
    const stream = new Reader(table, start);
    start += size;
    return stream;
  });
  void options; // bit 0 adds an overlap bitmap after the streams: a rendering hint, not read.
  const bitmap = bboxes.take(4 * ((numGlyphs + 31) >> 5));
  const hasBox = (glyph: number) => (bitmap[glyph >> 3] & (0x80 >> (glyph & 7))) !== 0;
  const out: Buffer[] = [];
  const offsets = [0];
  let offset = 0;
  for (let glyph = 0; glyph < numGlyphs; glyph++) {
    const count = contours.i16();
    let bytes: Buffer;
    if (count === 0) bytes = Buffer.alloc(0);
    else if (count < 0) {
      const box = bboxes.take(8);
      const start = composites.at;
      let more = true;
      let instructed = false;
      while (more) {
        const componentFlags = composites.u16();
        composites.at += 2 + (componentFlags & 1 ? 4 : 2);
        if (componentFlags & 0x08) composites.at += 2;
        else if (componentFlags & 0x40) composites.at += 4;
        else if (componentFlags & 0x80) composites.at += 8;
        instructed ||= (componentFlags & 0x100) !== 0;
        more = (componentFlags & 0x20) !== 0;
      }
      const parts = [int16(-1), box, table.subarray(start, composites.at)];
      if (instructed) {
        const length = glyphs.u255();
        parts.push(uint16(length), instructions.take(length));
      }
      bytes = Buffer.concat(parts);
    } else bytes = simpleGlyph(count, hasBox(glyph) ? bboxes.take(8) : null, { points, flags, glyphs, instructions });
    out.push(bytes);
    const padded = (bytes.length + 3) & ~3;
    if (padded > bytes.length) out.push(Buffer.alloc(padded - bytes.length));
    offsets.push((offset += padded));
  }
  // Long offsets whatever the original's: the unpacked coordinates may pass the short form's 128 KB.
  const loca = Buffer.alloc(offsets.length * 4);
  offsets.forEach((value, i) => loca.writeUInt32BE(value, i * 4));
  return { glyf: Buffer.concat(out), loca };
}

type Streams = { points: Reader; flags: Reader; glyphs: Reader; instructions: Reader };

function simpleGlyph(count: number, box: Buffer | null, { points, flags, glyphs, instructions }: Streams): Buffer {
  const ends: number[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) ends.push((total += points.u255()) - 1);
  const xs: number[] = [];
  const ys: number[] = [];
  const on: boolean[] = [];
  let x = 0;
  let y = 0;
  const sign = (flag: number, value: number) => (flag & 1 ? value : -value);
  for (let i = 0; i < total; i++) {
    const raw = flags.u8();
    const flag = raw & 0x7f;
    on.push(!(raw >> 7));
    let dx: number;
    let dy: number;
    if (flag < 10) [dx, dy] = [0, sign(flag, ((flag & 14) << 7) + glyphs.u8())];
    else if (flag < 20) [dx, dy] = [sign(flag, (((flag - 10) & 14) << 7) + glyphs.u8()), 0];
    else if (flag < 84) {
      const b0 = flag - 20;
      const b1 = glyphs.u8();
      [dx, dy] = [sign(flag, 1 + (b0 & 0x30) + (b1 >> 4)), sign(flag >> 1, 1 + ((b0 & 0x0c) << 2) + (b1 & 0x0f))];
    } else if (flag < 120) {
      const b0 = flag - 84;
      dx = sign(flag, 1 + (Math.floor(b0 / 12) << 8) + glyphs.u8());
      dy = sign(flag >> 1, 1 + (((b0 % 12) >> 2) << 8) + glyphs.u8());
    } else if (flag < 124) {
      const [b0, b1, b2] = [glyphs.u8(), glyphs.u8(), glyphs.u8()];
      [dx, dy] = [sign(flag, (b0 << 4) + (b1 >> 4)), sign(flag >> 1, ((b1 & 0x0f) << 8) + b2)];
    } else [dx, dy] = [sign(flag, glyphs.u16()), sign(flag >> 1, glyphs.u16())];
    xs.push((x += dx));
    ys.push((y += dy));
  }
  const length = glyphs.u255();
  const code = instructions.take(length);
  const bounds = box ?? Buffer.concat([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].map(int16));
  // Every coordinate as a two-byte delta: larger than the original's packing, read the same.
  const deltas = (values: number[]) => values.map((value, i) => int16(value - (i ? values[i - 1] : 0)));
  return Buffer.concat([
    int16(count),
    bounds,
    ...ends.map(uint16),
    uint16(length),
    code,
    Buffer.from(on.map((point) => (point ? 1 : 0))),
    ...deltas(xs),
    ...deltas(ys),
  ]);
}

const int16 = (value: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeInt16BE(value);
  return bytes;
};
const uint16 = (value: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
};

function sfnt(flavor: number, tables: Map<string, Buffer>): Buffer {
  const tags = [...tables.keys()].sort();
  const power = 2 ** Math.floor(Math.log2(tags.length));
  const header = Buffer.alloc(12 + 16 * tags.length);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(tags.length, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(Math.log2(power), 8);
  header.writeUInt16BE(tags.length * 16 - power * 16, 10);
  const body: Buffer[] = [];
  let offset = header.length;
  tags.forEach((tag, i) => {
    const table = tables.get(tag)!;
    const record = 12 + 16 * i;
    header.write(tag, record, "latin1");
    header.writeUInt32BE(offset, record + 8);
    header.writeUInt32BE(table.length, record + 12);
    const padded = (table.length + 3) & ~3;
    body.push(table, Buffer.alloc(padded - table.length));
    offset += padded;
  });
  return Buffer.concat([header, ...body]);
}
