/**
 * Normal, Student t, chi-square and F distribution functions, written out so the
 * dashboard needs no statistics dependency (jstat is effectively unmaintained and its
 * tail accuracy is uneven). Everything reduces to three special functions:
 * log-gamma (Lanczos), the regularized incomplete gamma (series / continued fraction)
 * and the regularized incomplete beta (modified Lentz continued fraction), following
 * Numerical Recipes 3rd ed. §6.1–6.4. The normal quantile is Wichura's AS 241 (the
 * algorithm behind R's qnorm), accurate to about 1e-16.
 *
 * Conventions for every exported function: a NaN argument gives NaN; arguments outside
 * the domain (p outside [0, 1], df ≤ 0) give NaN rather than throwing, because these run
 * inside chart code where one bad cell must not blank the page.
 */

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 10000;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error < 1e-15). NaN for x ≤ 0. */
export function logGamma(x: number): number {
	if (!(x > 0)) return NaN;
	if (x < 0.5) {
		// Reflection keeps the Lanczos sum in its accurate range.
		return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
	}
	const c = [
		0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
		-176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
		1.5056327351493116e-7
	];
	const z = x - 1;
	let a = c[0];
	const t = z + 7.5;
	for (let i = 1; i < 9; i++) a += c[i] / (z + i);
	return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized lower incomplete gamma P(a, x). a > 0, x ≥ 0; otherwise NaN. */
export function gammaP(a: number, x: number): number {
	if (!(a > 0) || !(x >= 0)) return NaN;
	if (x === 0) return 0;
	if (x === Infinity) return 1;
	return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed directly so small upper tails keep their digits. */
export function gammaQ(a: number, x: number): number {
	if (!(a > 0) || !(x >= 0)) return NaN;
	if (x === 0) return 1;
	if (x === Infinity) return 0;
	return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
	let ap = a;
	let del = 1 / a;
	let sum = del;
	for (let i = 0; i < MAX_ITER; i++) {
		ap += 1;
		del *= x / ap;
		sum += del;
		if (Math.abs(del) < Math.abs(sum) * EPS) break;
	}
	return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
	let b = x + 1 - a;
	let c = 1 / TINY;
	let d = 1 / b;
	let h = d;
	for (let i = 1; i < MAX_ITER; i++) {
		const an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (Math.abs(d) < TINY) d = TINY;
		c = b + an / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		const del = d * c;
		h *= del;
		if (Math.abs(del - 1) < EPS) break;
	}
	return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularized incomplete beta I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1; otherwise NaN. */
export function betaI(x: number, a: number, b: number): number {
	if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1)) return NaN;
	if (x === 0) return 0;
	if (x === 1) return 1;
	const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
	// The continued fraction converges fast only on this side of the mean; use the symmetry otherwise.
	if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
	return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
	const qab = a + b;
	const qap = a + 1;
	const qam = a - 1;
	let c = 1;
	let d = 1 - (qab * x) / qap;
	if (Math.abs(d) < TINY) d = TINY;
	d = 1 / d;
	let h = d;
	for (let m = 1; m < MAX_ITER; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < TINY) d = TINY;
		c = 1 + aa / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < TINY) d = TINY;
		c = 1 + aa / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		const del = d * c;
		h *= del;
		if (Math.abs(del - 1) < EPS) break;
	}
	return h;
}

/** Standard normal CDF Φ(z). ±Infinity give 0/1; NaN gives NaN. Accurate in both tails (uses the upper incomplete gamma, not 1 − Φ). */
export function normalCdf(z: number): number {
	if (Number.isNaN(z)) return NaN;
	if (z === 0) return 0.5;
	// Φ(z) = ½·erfc(−z/√2) and erfc(u) = Q(½, u²) for u ≥ 0.
	const tail = 0.5 * gammaQ(0.5, (z * z) / 2);
	return z < 0 ? tail : 1 - tail;
}

const A = [
	3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
	45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727
];
const B = [
	1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
	39307.89580009271061, 28729.085735721942674, 5226.495278852854561
];
const C = [
	1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
	1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4
];
const D = [
	1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
	0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9
];
const E = [
	6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
	0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7
];
const F = [
	1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
	7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15
];

function poly(c: number[], x: number): number {
	let v = c[c.length - 1];
	for (let i = c.length - 2; i >= 0; i--) v = v * x + c[i];
	return v;
}

/** Standard normal quantile Φ⁻¹(p) (Wichura AS 241). p = 0 → −Infinity, p = 1 → +Infinity, outside [0, 1] → NaN. */
export function normalQuantile(p: number): number {
	if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
	if (p === 0) return -Infinity;
	if (p === 1) return Infinity;
	const q = p - 0.5;
	if (Math.abs(q) <= 0.425) {
		const r = 0.180625 - q * q;
		return (q * poly(A, r)) / poly(B, r);
	}
	let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
	const val = r <= 5 ? poly(C, (r -= 1.6)) / poly(D, r) : poly(E, (r -= 5)) / poly(F, r);
	return q < 0 ? -val : val;
}

/**
 * Student t CDF P(T ≤ t) for df > 0 (non-integer allowed; df = Infinity is the normal).
 * df ≤ 0 or NaN → NaN.
 */
export function tCdf(t: number, df: number): number {
	if (Number.isNaN(t) || !(df > 0)) return NaN;
	if (df === Infinity) return normalCdf(t);
	if (t === Infinity) return 1;
	if (t === -Infinity) return 0;
	// Two-sided tail P(|T| > |t|) = I_{df/(df+t²)}(df/2, ½).
	const tail = 0.5 * betaI(df / (df + t * t), df / 2, 0.5);
	return t > 0 ? 1 - tail : tail;
}

function tPdf(t: number, df: number): number {
	const lnC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
	return Math.exp(lnC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student t quantile: the t with P(T ≤ t) = p, for df > 0 (non-integer allowed).
 * p = 0/1 → ∓Infinity; p outside [0, 1] or df ≤ 0 → NaN. Relative error < 1e-12 for df ≤ 1000 (≈1e-10 at df = 1e6).
 */
export function tQuantile(p: number, df: number): number {
	if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return NaN;
	if (df === Infinity) return normalQuantile(p);
	if (p === 0) return -Infinity;
	if (p === 1) return Infinity;
	if (p === 0.5) return 0;
	if (p < 0.5) return -tQuantile(1 - p, df);
	if (df === 1) return Math.tan(Math.PI * (p - 0.5));
	// Bracket [lo, hi] on the upper half, then safeguarded Newton: heavy tails at small df
	// make plain Newton from the normal quantile overshoot.
	let lo = 0;
	let hi = Math.max(1, normalQuantile(p));
	while (tCdf(hi, df) < p) {
		lo = hi;
		hi *= 2;
		if (hi > 1e300) return Infinity;
	}
	let x = (lo + hi) / 2;
	for (let i = 0; i < 200; i++) {
		const f = tCdf(x, df) - p;
		if (f === 0) return x;
		if (f < 0) lo = x;
		else hi = x;
		let next = x - f / tPdf(x, df);
		if (!(next > lo && next < hi)) next = (lo + hi) / 2;
		if (Math.abs(next - x) <= 1e-14 * Math.max(1, Math.abs(x))) return next;
		x = next;
	}
	return x;
}

/** Chi-square upper tail P(X > x) (the test p-value), computed directly so tiny p-values keep precision. x ≤ 0 → 1. */
export function chiSquareSf(x: number, df: number): number {
	if (Number.isNaN(x) || !(df > 0)) return NaN;
	if (x <= 0) return 1;
	return gammaQ(df / 2, x / 2);
}

