/// The inverse of a symmetric positive-definite block-Toeplitz matrix, factored by the block Levinson
/// (Whittle / Wiggins–Robinson) recursion, for evaluating quadratic forms xᵀ T⁻¹ x.
///
/// T has p × p blocks of size m × m with T[a, b] = R(b − a) and R(−k) = R(k)ᵀ. In BSS Eval, T is the Gram
/// matrix of the delayed references, ⟨s_i(· − a), s_j(· − b)⟩ = r_ij(b − a), ordered delay-major.
///
/// The recursion builds, for each order n = 0…p−1, the backward predictor b⁽ⁿ⁾ = [b₀ … b_{n−1}, I]
/// (n + 1 blocks) with T_{n+1} b⁽ⁿ⁾ = [0 … 0, Eᵇₙ]ᵀ, alongside the forward predictor f⁽ⁿ⁾ = [I, f₁ … f_n]
/// with T_{n+1} f⁽ⁿ⁾ = [Eᶠₙ, 0 … 0]ᵀ. With Γ = Σ_k R(n+1−k)ᵀ f_k:
///
///     f⁽ⁿ⁺¹⁾ = [f⁽ⁿ⁾; 0] − [0; b⁽ⁿ⁾] (Eᵇₙ)⁻¹ Γ        Eᶠₙ₊₁ = Eᶠₙ − Γᵀ (Eᵇₙ)⁻¹ Γ
///     b⁽ⁿ⁺¹⁾ = [0; b⁽ⁿ⁾] − [f⁽ⁿ⁾; 0] (Eᶠₙ)⁻¹ Γᵀ       Eᵇₙ₊₁ = Eᵇₙ − Γ (Eᶠₙ)⁻¹ Γᵀ
///
/// The block upper-triangular U whose n-th block column is b⁽ⁿ⁾ satisfies Uᵀ T U = diag(Eᵇₙ), hence
///
///     T⁻¹ = Σ_n V_n V_nᵀ,   V_n = b⁽ⁿ⁾ L_n⁻ᵀ,   Eᵇₙ = L_n L_nᵀ (Cholesky),
///     xᵀ T⁻¹ x = Σ_n ‖V_nᵀ x₀…ₙ‖².
///
/// Cost: O(m³ p²) to factor, O(m² p²) per quadratic form — against O(m³ p³) for a dense Cholesky of the
/// (mp)² Gram matrix (p = 512, m = 4: 25 M multiply-adds instead of 2.9 G).
struct BlockToeplitzInverse: Sendable {
    /// Block size m.
    let blockSize: Int
    /// Number of block rows p (= filter length).
    let order: Int
    /// V_n for n = 0…p−1, packed: V_n starts at m² n(n+1)/2 and is stored column by column
    /// (m columns of (n + 1) m values), so V_nᵀ x is m contiguous dot products.
    private let factors: [Double]

    /// The order n at which the recursion found T_{n+1} not positive definite.
    struct NotPositiveDefinite: Error { let order: Int }

    /// Prediction-error pivots below this fraction of the largest diagonal entry of R(0) count as zero:
    /// T is then singular to working precision (e.g. the two channels of an amplitude-panned image).
    static let singularityThreshold = 1e-12

    /// - Parameters:
    ///   - blocks: R(0…p−1), each m × m row-major: `blocks[(k m + i) m + j]` = R(k)_ij.
    ///   - loading: λ added to the diagonal of R(0), i.e. the factored matrix is T + λ I.
    init(blocks: [Double], blockSize m: Int, order p: Int, loading: Double = 0) throws(NotPositiveDefinite) {
        precondition(blocks.count == p * m * m && m >= 1 && p >= 1)
        blockSize = m
        order = p
        let mm = m * m
        var factors = [Double](repeating: 0, count: mm * p * (p + 1) / 2)
        // Work arrays: predictors f, b (p blocks each, zero beyond the current order) and m × m matrices.
        var work = [Double](repeating: 0, count: 2 * p * mm + 12 * mm)
        var failure: NotPositiveDefinite?
        blocks.withUnsafeBufferPointer { rBuffer in
            factors.withUnsafeMutableBufferPointer { vBuffer in
                work.withUnsafeMutableBufferPointer { wBuffer in
                    let r = rBuffer.baseAddress!, v = vBuffer.baseAddress!, w = wBuffer.baseAddress!
                    let f = w, b = w + p * mm
                    let small = b + p * mm
                    let ef = small, eb = small + mm, lf = small + 2 * mm, lb = small + 3 * mm
                    let gamma = small + 4 * mm, gammaT = small + 5 * mm, kf = small + 6 * mm, kb = small + 7 * mm
                    let lbInvT = small + 8 * mm, scratch = small + 9 * mm, newF = small + 10 * mm, newB = small + 11 * mm
                    ef.update(from: r, count: mm)
                    for i in 0..<m { ef[i * m + i] += loading }
                    eb.update(from: ef, count: mm)
                    var scale = 0.0
                    for i in 0..<m { scale = max(scale, ef[i * m + i]) }
                    let floor = Self.singularityThreshold * scale
                    for i in 0..<m { f[i * m + i] = 1; b[i * m + i] = 1 }
                    for n in 0..<p {
                        // V_n = b⁽ⁿ⁾ L⁻ᵀ with Eᵇₙ = L Lᵀ; column c of V_n is Σ_t b[·][t] (L⁻ᵀ)[t][c].
                        guard SmallMatrix.cholesky(eb, m, into: lb, floor: floor) else { failure = NotPositiveDefinite(order: n); return }
                        SmallMatrix.inverseTransposeOfLower(lb, m, into: lbInvT)
                        let base = mm * n * (n + 1) / 2
                        let rows = (n + 1) * m
                        for c in 0..<m {
                            let column = v + base + c * rows
                            for row in 0..<rows {
                                let bRow = b + row * m  // block k = row / m, row i = row % m
                                var s = 0.0
                                for t in 0...c { s += bRow[t] * lbInvT[t * m + c] }  // L⁻ᵀ is upper triangular
                                column[row] = s
                            }
                        }
                        if n == p - 1 { break }
                        guard SmallMatrix.cholesky(ef, m, into: lf, floor: floor) else { failure = NotPositiveDefinite(order: n); return }

                        // Γ = Σ_{k=0}^{n} R(n+1−k)ᵀ f_k.
                        gamma.update(repeating: 0, count: mm)
                        for k in 0...n {
                            let rk = r + (n + 1 - k) * mm, fk = f + k * mm
                            for l in 0..<m {
                                for i in 0..<m {
                                    let rli = rk[l * m + i]
                                    for j in 0..<m { gamma[i * m + j] += rli * fk[l * m + j] }
                                }
                            }
                        }
                        for i in 0..<m { for j in 0..<m { gammaT[i * m + j] = gamma[j * m + i] } }
                        // Kf = (Eᵇ)⁻¹ Γ, Kb = (Eᶠ)⁻¹ Γᵀ.
                        SmallMatrix.choleskySolve(lb, m, gamma, into: kf, scratch: scratch)
                        SmallMatrix.choleskySolve(lf, m, gammaT, into: kb, scratch: scratch)
                        // Eᶠ −= Γᵀ Kf, Eᵇ −= Γ Kb, symmetrised against rounding.
                        for i in 0..<m {
                            for j in 0..<m {
                                var sf = 0.0, sb = 0.0
                                for t in 0..<m {
                                    sf += gammaT[i * m + t] * kf[t * m + j]
                                    sb += gamma[i * m + t] * kb[t * m + j]
                                }
                                ef[i * m + j] -= sf
                                eb[i * m + j] -= sb
                            }
                        }
                        SmallMatrix.symmetrise(ef, m)
                        SmallMatrix.symmetrise(eb, m)
                        // f_k ← f_k − b_{k−1} Kf, b_k ← b_{k−1} − f_k Kb, k descending so that the old
                        // f_k and b_{k−1} are still in place (f_{n+1} is zero before this step).
                        for k in stride(from: n + 1, through: 0, by: -1) {
                            let fk = f + k * mm, bk = b + k * mm
                            if k >= 1 {
                                let bPrev = b + (k - 1) * mm
                                for i in 0..<m {
                                    for j in 0..<m {
                                        var sf = 0.0, sb = 0.0
                                        for t in 0..<m {
                                            sf += bPrev[i * m + t] * kf[t * m + j]
                                            sb += fk[i * m + t] * kb[t * m + j]
                                        }
                                        newF[i * m + j] = fk[i * m + j] - sf
                                        newB[i * m + j] = bPrev[i * m + j] - sb
                                    }
                                }
                            } else {
                                for i in 0..<m {
                                    for j in 0..<m {
                                        var sb = 0.0
                                        for t in 0..<m { sb += fk[i * m + t] * kb[t * m + j] }
                                        newF[i * m + j] = fk[i * m + j]
                                        newB[i * m + j] = -sb
                                    }
                                }
                            }
                            fk.update(from: newF, count: mm)
                            bk.update(from: newB, count: mm)
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        self.factors = factors
    }

    /// xᵀ T⁻¹ x for x given delay-major (x[a m + i] is component i of delay a; p m values).
    func quadraticForm(_ x: UnsafePointer<Double>) -> Double {
        let m = blockSize
        var total = 0.0
        factors.withUnsafeBufferPointer { v in
            let v = v.baseAddress!
            for n in 0..<order {
                let rows = (n + 1) * m
                let base = m * m * n * (n + 1) / 2
                for c in 0..<m {
                    let column = v + base + c * rows
                    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                    var i = 0
                    while i + 4 <= rows {
                        s0 += column[i] * x[i]
                        s1 += column[i + 1] * x[i + 1]
                        s2 += column[i + 2] * x[i + 2]
                        s3 += column[i + 3] * x[i + 3]
                        i += 4
                    }
                    while i < rows { s0 += column[i] * x[i]; i += 1 }
                    let y = (s0 + s1) + (s2 + s3)
                    total += y * y
                }
            }
        }
        return total
    }
}

/// Dense m × m helpers (row-major, on raw pointers) for the block recursion; m is small.
enum SmallMatrix {
    /// Lower Cholesky factor L of a symmetric A (A = L Lᵀ); false unless every pivot exceeds `floor`.
    static func cholesky(_ a: UnsafePointer<Double>, _ m: Int, into l: UnsafeMutablePointer<Double>, floor: Double = 0) -> Bool {
        l.update(repeating: 0, count: m * m)
        for j in 0..<m {
            var d = a[j * m + j]
            for t in 0..<j { d -= l[j * m + t] * l[j * m + t] }
            guard d > floor, d > 0, d.isFinite else { return false }
            let ljj = d.squareRoot()
            l[j * m + j] = ljj
            for i in (j + 1)..<max(m, j + 1) {
                var s = a[i * m + j]
                for t in 0..<j { s -= l[i * m + t] * l[j * m + t] }
                l[i * m + j] = s / ljj
            }
        }
        return true
    }

    /// U = (L⁻¹)ᵀ (upper triangular) for lower-triangular L: row c of U is column c of L⁻¹.
    static func inverseTransposeOfLower(_ l: UnsafePointer<Double>, _ m: Int, into u: UnsafeMutablePointer<Double>) {
        u.update(repeating: 0, count: m * m)
        for c in 0..<m {
            for i in c..<m {
                var s = i == c ? 1.0 : 0.0
                for t in c..<i { s -= l[i * m + t] * u[c * m + t] }
                u[c * m + i] = s / l[i * m + i]
            }
        }
    }

    /// X = A⁻¹ B for A = L Lᵀ (B, X m × m).
    static func choleskySolve(_ l: UnsafePointer<Double>, _ m: Int, _ rhs: UnsafePointer<Double>,
                              into x: UnsafeMutablePointer<Double>, scratch z: UnsafeMutablePointer<Double>) {
        for j in 0..<m {
            for i in 0..<m {  // L z = b
                var s = rhs[i * m + j]
                for t in 0..<i { s -= l[i * m + t] * z[t * m + j] }
                z[i * m + j] = s / l[i * m + i]
            }
            for i in stride(from: m - 1, through: 0, by: -1) {  // Lᵀ x = z
                var s = z[i * m + j]
                for t in (i + 1)..<max(m, i + 1) { s -= l[t * m + i] * x[t * m + j] }
                x[i * m + j] = s / l[i * m + i]
            }
        }
    }

    static func symmetrise(_ a: UnsafeMutablePointer<Double>, _ m: Int) {
        for i in 0..<m {
            for j in (i + 1)..<max(m, i + 1) {
                let s = 0.5 * (a[i * m + j] + a[j * m + i])
                a[i * m + j] = s
                a[j * m + i] = s
            }
        }
    }
}
