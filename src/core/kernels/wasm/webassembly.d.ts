/**
 * The slice of the WebAssembly JS API the core uses (the ES2022 lib does not declare it; Node and
 * browsers provide it).
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    /** A SharedArrayBuffer for shared memories: a new object after each growth, over the same bytes. */
    readonly buffer: ArrayBufferLike;
    grow(pages: number): number;
  }
}
