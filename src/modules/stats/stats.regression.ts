/**
 * Small regression models for uplift and reward models: ridge linear regression (normal
 * equations) and L2-penalized logistic regression (Newton–Raphson with step halving), both on
 * internally standardized features so the penalty treats features alike whatever their units,
 * as scikit-learn does after a StandardScaler. The intercept is never penalized. Coefficients
 * are returned on the original feature scale.
 */

export interface LinearModel {
  intercept: number;
  weights: number[];
}

export interface FitOptions {
  /** L2 penalty λ on standardized coefficients: loss + λ/2·‖w‖². Default 1e-4 (nearly unpenalized). */
  l2?: number;
  /** Logistic only: Newton iterations cap (default 100) and convergence tolerance on the step (1e-10). */
  maxIterations?: number;
  tolerance?: number;
}

type Matrix = readonly (readonly number[])[];

interface Scaling { mean: number[]; scale: number[] }

function computeScaling(X: Matrix, p: number): Scaling {
  const n = X.length;
  const mean = new Array<number>(p).fill(0), scale = new Array<number>(p).fill(0);
  for (const row of X) for (let j = 0; j < p; j++) mean[j]! += row[j]! / n;
  for (const row of X) for (let j = 0; j < p; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / n;
  // A constant column is left unscaled (its coefficient is then driven to 0 by the penalty).
  for (let j = 0; j < p; j++) scale[j] = scale[j]! > 0 ? Math.sqrt(scale[j]!) : 1;
  return { mean, scale };
}

/** Design row with a leading 1 for the intercept, standardized. */
function designRow(row: readonly number[], s: Scaling, p: number): Float64Array {
  const z = new Float64Array(p + 1);
  z[0] = 1;
  for (let j = 0; j < p; j++) z[j + 1] = (row[j]! - s.mean[j]!) / s.scale[j]!;
  return z;
}

/** Solves A x = b for symmetric positive-definite A (Cholesky); A is (m×m) row-major. */
export function solveSymmetricPositiveDefinite(A: Float64Array, b: Float64Array, m: number): Float64Array {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * m + j]!;
      for (let k = 0; k < j; k++) s -= L[i * m + k]! * L[j * m + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error('matrix is not positive definite (collinear features? increase l2)');
        L[i * m + i] = Math.sqrt(s);
      } else L[i * m + j] = s / L[j * m + j]!;
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) { let s = b[i]!; for (let k = 0; k < i; k++) s -= L[i * m + k]! * y[k]!; y[i] = s / L[i * m + i]!; }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) { let s = y[i]!; for (let k = i + 1; k < m; k++) s -= L[k * m + i]! * x[k]!; x[i] = s / L[i * m + i]!; }
  return x;
}

function unscale(beta: Float64Array, s: Scaling, p: number): LinearModel {
  const weights = new Array<number>(p);
  let intercept = beta[0]!;
  for (let j = 0; j < p; j++) { weights[j] = beta[j + 1]! / s.scale[j]!; intercept -= weights[j]! * s.mean[j]!; }
  return { intercept, weights };
}

function checkShape(X: Matrix, y: readonly number[]): number {
  if (X.length === 0) throw new RangeError('regression needs at least one row');
  if (X.length !== y.length) throw new RangeError('regression: one outcome per row');
  const p = X[0]!.length;
  if (X.some((r) => r.length !== p)) throw new RangeError('regression: every row needs the same number of features');
  return p;
}

/** Ridge least squares: minimizes (1/n)·½Σ(y − b − w·x)² + λ/2·‖w_std‖² (closed form). */
export function fitLinearRegression(X: Matrix, y: readonly number[], opts: FitOptions = {}): LinearModel {
  const p = checkShape(X, y);
  const n = X.length, m = p + 1, lambda = opts.l2 ?? 1e-4;
  const s = computeScaling(X, p);
  const A = new Float64Array(m * m), b = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    const z = designRow(X[r]!, s, p);
    for (let i = 0; i < m; i++) { b[i]! += z[i]! * y[r]!; for (let j = 0; j <= i; j++) A[i * m + j]! += z[i]! * z[j]!; }
  }
  // Penalty per unit (λ·n), so λ means the same for 100 or 100,000 rows.
  for (let i = 1; i < m; i++) A[i * m + i]! += lambda * n;
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) A[j * m + i] = A[i * m + j]!;
  return unscale(solveSymmetricPositiveDefinite(A, b, m), s, p);
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** log(1 + e^t) without overflow. */
function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/**
 * Logistic regression, y in {0, 1} (or a probability): minimizes the mean log-loss
 * (1/n)Σ[softplus(η) − yη] + λ/2·‖w_std‖² by Newton's method.
 */
export function fitLogisticRegression(X: Matrix, y: readonly number[], opts: FitOptions = {}): LinearModel {
  const p = checkShape(X, y);
  const n = X.length, m = p + 1, lambda = opts.l2 ?? 1e-4;
  const maxIter = opts.maxIterations ?? 100, tol = opts.tolerance ?? 1e-10;
  const s = computeScaling(X, p);
  const Z = X.map((row) => designRow(row, s, p));
  const beta = new Float64Array(m);
  const eta = (z: Float64Array, bb: Float64Array) => { let e = 0; for (let i = 0; i < m; i++) e += z[i]! * bb[i]!; return e; };
  const loss = (bb: Float64Array) => {
    let l = 0;
    for (let r = 0; r < n; r++) { const e = eta(Z[r]!, bb); l += softplus(e) - y[r]! * e; }
    let pen = 0;
    for (let i = 1; i < m; i++) pen += bb[i]! ** 2;
    return l / n + (lambda / 2) * pen;
  };
  let current = loss(beta);
  for (let it = 0; it < maxIter; it++) {
    const g = new Float64Array(m), H = new Float64Array(m * m);
    for (let r = 0; r < n; r++) {
      const z = Z[r]!, pr = sigmoid(eta(z, beta)), w = pr * (1 - pr), res = pr - y[r]!;
      for (let i = 0; i < m; i++) { g[i]! += (res * z[i]!) / n; for (let j = 0; j <= i; j++) H[i * m + j]! += (w * z[i]! * z[j]!) / n; }
    }
    for (let i = 1; i < m; i++) { g[i]! += lambda * beta[i]!; H[i * m + i]! += lambda; }
    for (let i = 0; i < m; i++) { H[i * m + i]! += 1e-12; for (let j = 0; j < i; j++) H[j * m + i] = H[i * m + j]!; }
    const step = solveSymmetricPositiveDefinite(H, g, m);
    // Step halving keeps Newton monotone when the start is far from the optimum.
    let t = 1, next = beta, nextLoss = Infinity;
    for (let h = 0; h < 30; h++) {
      next = beta.map((b, i) => b - t * step[i]!);
      nextLoss = loss(next);
      if (nextLoss <= current + 1e-15) break;
      t /= 2;
    }
    let maxStep = 0;
    for (let i = 0; i < m; i++) maxStep = Math.max(maxStep, Math.abs(next[i]! - beta[i]!));
    beta.set(next);
    current = nextLoss;
    if (maxStep < tol) break;
  }
  return unscale(beta, s, p);
}

export function predictLinear(model: LinearModel, x: readonly number[]): number {
  let e = model.intercept;
  for (let j = 0; j < model.weights.length; j++) e += model.weights[j]! * x[j]!;
  return e;
}

export function predictLogistic(model: LinearModel, x: readonly number[]): number {
  return sigmoid(predictLinear(model, x));
}

/**
 * Approximate variance of a linear functional gᵀβ̂ of a fitted model's coefficients
 * (β = [intercept, ...weights], original feature scale), e.g. of an average prediction's
 * sensitivity to the fit: gᵀ H⁻¹ g / n with H the per-row penalized Hessian at the fit (in the
 * standardized space the fit used): the inverse Fisher information for logistic regression,
 * σ̂²·(ZᵀZ/n + λ)⁻¹ for linear. Exact asymptotically when λ = 0; slightly small otherwise.
 */
export function computeFunctionalVariance(model: LinearModel, X: Matrix, y: readonly number[], kind: 'logistic' | 'linear', g: readonly number[], opts: FitOptions = {}): number {
  const p = checkShape(X, y);
  const n = X.length, m = p + 1, lambda = opts.l2 ?? 1e-4;
  if (g.length !== m) throw new RangeError(`computeFunctionalVariance: g needs ${m} entries (intercept first)`);
  const s = computeScaling(X, p);
  const H = new Float64Array(m * m);
  let sse = 0;
  for (let r = 0; r < n; r++) {
    const z = designRow(X[r]!, s, p);
    const eta = predictLinear(model, X[r]!);
    const w = kind === 'logistic' ? sigmoid(eta) * (1 - sigmoid(eta)) : 1;
    if (kind === 'linear') sse += (y[r]! - eta) ** 2;
    for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) H[i * m + j]! += (w * z[i]! * z[j]!) / n;
  }
  for (let i = 1; i < m; i++) H[i * m + i]! += lambda;
  for (let i = 0; i < m; i++) { H[i * m + i]! += 1e-12; for (let j = 0; j < i; j++) H[j * m + i] = H[i * m + j]!; }
  // g in the standardized coordinates: gᵀβ = g̃ᵀβ_std with g̃_0 = g_0, g̃_j = (g_j − g_0·μ_j)/s_j.
  const gs = new Float64Array(m);
  gs[0] = g[0]!;
  for (let j = 0; j < p; j++) gs[j + 1] = (g[j + 1]! - g[0]! * s.mean[j]!) / s.scale[j]!;
  const v = solveSymmetricPositiveDefinite(H, gs, m);
  let q = 0;
  for (let i = 0; i < m; i++) q += gs[i]! * v[i]!;
  const sigma2 = kind === 'linear' ? sse / Math.max(1, n - m) : 1;
  return (sigma2 * q) / n;
}
