/**
 * A small, fast, seedable PRNG (sfc32, seeded through splitmix32). The
 * generator never uses Math.random: one seed must reproduce a run byte for byte.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Any finite number is a valid seed; seeds above 2^32 keep their high bits. */
  constructor(seed: number) {
    let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x9e3779b1);
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
    // sfc32's first outputs are still correlated with the seed: discard them.
    for (let i = 0; i < 15; i++) this.uint32();
  }

  /** Uniform integer in [0, 2^32). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform float in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** Uniform integer in [min, maxInclusive]. */
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.float() * (maxInclusive - min + 1));
  }

  /** True with probability p (p ≤ 0 never, p ≥ 1 always). */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Uniform pick from a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /**
   * Log-uniform float in [min, max): short gaps are more common than long
   * ones, like think times between clicks.
   */
  logUniform(min: number, max: number): number {
    return min * Math.exp(Math.log(max / min) * this.float());
  }

  /** Exponentially distributed float with the given mean (inter-arrival times). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** A random RFC 4122 version-4 UUID string. */
  uuid(): string {
    const a = this.uint32();
    const b = this.uint32();
    const c = this.uint32();
    const d = this.uint32();
    return (
      hex8(a) +
      '-' +
      hex4(b >>> 16) +
      '-4' +
      hex4(b & 0xfff).slice(1) +
      '-' +
      hex4(0x8000 | (c >>> 18)) +
      '-' +
      hex4(c & 0xffff) +
      hex8(d)
    );
  }
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex4(value: number): string {
  return (HEX_BYTE[(value >>> 8) & 0xff] as string) + (HEX_BYTE[value & 0xff] as string);
}

function hex8(value: number): string {
  return hex4(value >>> 16) + hex4(value & 0xffff);
}
