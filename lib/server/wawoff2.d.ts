// wawoff2 (Google's WOFF2 coder compiled to WebAssembly) ships no types: the one function used.
declare module "wawoff2" {
  /** The TrueType (or OpenType) bytes of a WOFF2 file. */
  export function decompress(woff2: Uint8Array): Promise<Uint8Array>;
}
