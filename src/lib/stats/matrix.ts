/**
 * Small dense linear algebra on row-major `Float64Array`s, for the p×p systems of the
 * mixed-model and regression code (p = number of fixed-effect terms, typically < 30).
 *
 * Why hand-rolled rather than a library: the matrices are tiny, the operations needed are
 * only Cholesky and triangular solves, and these run inside the deviance loop of the
 * optimiser where allocation and abstraction overhead matter more than asymptotics.
 * Pure functions (no Node/DOM APIs): usable in browser, worker and CLI.
 */

/**
 * In-place Cholesky factorisation of a symmetric positive-definite n×n matrix `a`
 * (row-major; only the lower triangle is read). On success the lower triangle holds L with
 * L Lᵀ = A and the strict upper triangle is zeroed. Returns false (leaving `a` partly
 * overwritten) if A is not numerically positive definite, so callers can report rank
 * deficiency instead of producing NaNs.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
	for (let j = 0; j < n; j++) {
		const orig = a[j * n + j];
		let d = orig;
		for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
		// Relative threshold: a pivot that is tiny compared with the original diagonal means a
		// (numerically) collinear column, which would give meaningless estimates.
		if (!(d > 1e-10 * orig) || !Number.isFinite(d)) return false;
		const ljj = Math.sqrt(d);
		a[j * n + j] = ljj;
		for (let i = j + 1; i < n; i++) {
			let s = a[i * n + j];
			for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
			a[i * n + j] = s / ljj;
		}
		for (let i = 0; i < j; i++) a[i * n + j] = 0;
	}
	return true;
}

/** Solves L x = b in place (b overwritten by x) for lower-triangular n×n L (row-major). */
export function forwardSolveInPlace(L: Float64Array, n: number, b: Float64Array): void {
	for (let i = 0; i < n; i++) {
		let s = b[i];
		for (let k = 0; k < i; k++) s -= L[i * n + k] * b[k];
		b[i] = s / L[i * n + i];
	}
}

/** Solves Lᵀ x = b in place (b overwritten by x) for lower-triangular n×n L (row-major). */
export function backSolveTransposedInPlace(L: Float64Array, n: number, b: Float64Array): void {
	for (let i = n - 1; i >= 0; i--) {
		let s = b[i];
		for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
		b[i] = s / L[i * n + i];
	}
}

/**
 * Given the Cholesky factor L of A (L Lᵀ = A), returns A⁻¹ as a new row-major n×n matrix.
 * Used for covariance matrices of estimates, e.g. Var(β) = σ² (RXᵀRX)⁻¹.
 */
export function inverseFromCholesky(L: Float64Array, n: number): Float64Array {
	const inv = new Float64Array(n * n);
	const col = new Float64Array(n);
	for (let j = 0; j < n; j++) {
		col.fill(0);
		col[j] = 1;
		forwardSolveInPlace(L, n, col);
		backSolveTransposedInPlace(L, n, col);
		for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
	}
	return inv;
}

/** log det(A) = 2 Σ log Lᵢᵢ, given the Cholesky factor L of A. */
export function logDetFromCholesky(L: Float64Array, n: number): number {
	let s = 0;
	for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]);
	return 2 * s;
}

/**
 * Solves the symmetric positive-definite system A x = b (A row-major n×n, not modified).
 * Returns null if A is not positive definite (e.g. collinear design columns).
 */
export function solveSpd(A: Float64Array, n: number, b: ArrayLike<number>): Float64Array | null {
	const L = Float64Array.from(A);
	if (!choleskyInPlace(L, n)) return null;
	const x = Float64Array.from(b);
	forwardSolveInPlace(L, n, x);
	backSolveTransposedInPlace(L, n, x);
	return x;
}
