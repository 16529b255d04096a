/**
 * Small seeded pseudo-random numbers for the demo cohort. Pure TS (no Node or browser APIs) so the
 * generator runs the same in the app, the CLI, the benchmark and the tests.
 *
 * sfc32 is used because it is fast in V8 (32-bit integer ops only), passes PractRand far beyond what
 * a demo needs, and needs no dependency. Every client gets its own stream derived from (seed, index),
 * so client i is identical whatever the cohort size: a 1,500-client cohort is a prefix of a
 * 140,000-client one, and the generator never has to replay earlier clients.
 */

/** A stream of uniform numbers in [0, 1) plus the derived draws the generator needs. */
export interface Rng {
	/** Uniform in [0, 1). */
	next(): number;
	/** Standard normal N(0, 1) (Box–Muller; the second value of each pair is kept for the next call). */
	normal(): number;
	/** Integer uniform in [lo, hi] (both inclusive). */
	int(lo: number, hi: number): number;
	/** True with probability `p`. */
	chance(p: number): boolean;
	/** Index drawn with probability proportional to `weights` (need not sum to 1). */
	weighted(weights: readonly number[]): number;
}

/** splitmix32 step: mixes a 32-bit value well, used only to expand a seed into sfc32 state. */
function splitmix32(x: number): number {
	x = (x + 0x9e3779b9) | 0;
	let z = x;
	z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
	z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
	return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A deterministic `Rng` for `(seed, stream)`: same pair → same sequence on every platform.
 * `stream` separates independent sub-streams (e.g. one per client index).
 */
export function createRng(seed: number, stream = 0): Rng {
	// Expand (seed, stream) into four state words; the constants keep stream 0 distinct from seed 0.
	let a = splitmix32(seed ^ 0x5bd1e995);
	let b = splitmix32(a ^ Math.imul(stream + 1, 0x27d4eb2f));
	let c = splitmix32(b ^ stream);
	let d = splitmix32(c ^ 0x165667b1);
	const raw = (): number => {
		// sfc32 (Chris Doty-Humphrey), 32-bit output mapped to [0, 1).
		const t = (((a + b) | 0) + d) | 0;
		d = (d + 1) | 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) | 0;
		c = (c << 21) | (c >>> 11);
		c = (c + t) | 0;
		return (t >>> 0) / 4294967296;
	};
	// Discard the first outputs: sfc32's state needs a few rounds to decorrelate from the seed.
	for (let i = 0; i < 12; i++) raw();

	let spare: number | null = null;
	return {
		next: raw,
		normal() {
			if (spare !== null) {
				const s = spare;
				spare = null;
				return s;
			}
			// 1 - u keeps the log argument in (0, 1], so no -Infinity.
			const r = Math.sqrt(-2 * Math.log(1 - raw()));
			const theta = 2 * Math.PI * raw();
			spare = r * Math.sin(theta);
			return r * Math.cos(theta);
		},
		int(lo, hi) {
			return lo + Math.floor(raw() * (hi - lo + 1));
		},
		chance(p) {
			return raw() < p;
		},
		weighted(weights) {
			let total = 0;
			for (const w of weights) total += w;
			let u = raw() * total;
			for (let i = 0; i < weights.length; i++) {
				u -= weights[i];
				if (u < 0) return i;
			}
			return weights.length - 1;
		}
	};
}

/** `x` limited to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
	return x < lo ? lo : x > hi ? hi : x;
}
