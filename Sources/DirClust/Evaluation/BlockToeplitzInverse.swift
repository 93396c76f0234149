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
///     T⁻¹ = U diag(Eᵇₙ)⁻¹ Uᵀ,   xᵀ T⁻¹ x = Σ_n ‖L_n⁻¹ b⁽ⁿ⁾ᵀ x₀…ₙ‖²,   Eᵇₙ = L_n L_nᵀ (Cholesky).
///
/// Cost: O(m³ p²) to factor, O(m² p²) per quadratic form — against O(m³ p³) for a dense Cholesky of the
/// (mp)² Gram matrix (p = 512, m = 4: 25 M multiply-adds instead of 2.9 G).
struct BlockToeplitzInverse: Sendable {
    /// Block size m.
    let blockSize: Int
    /// Number of block rows p (= filter length).
    let order: Int
    /// b⁽ⁿ⁾ for n = 0…p−1, packed: b⁽ⁿ⁾ starts at m² n(n+1)/2 and is stored column by column (m columns
    /// of (n + 1) m values, row k m + i = entry i of block k), so b⁽ⁿ⁾ᵀ x is m contiguous dot products.
    private let predictors: [Double]
    /// L_n⁻¹ (m × m row-major, lower triangular) with Eᵇₙ = L_n L_nᵀ, for n = 0…p−1.
    private let inverseFactors: [Double]

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
        let mm = m * m, height = p * m
        var predictors = [Double](repeating: 0, count: mm * p * (p + 1) / 2)
        var inverseFactors = [Double](repeating: 0, count: p * mm)
        // Column-major stacks (m columns of height p m, rows beyond the current order are zero):
        // f, b and b′ (the next b), and A = [R(p−1); …; R(1); R(0)] so that rows (p−1−n)m… of A hold
        // R(n+1−k) for k = 0…n: Γ = Σ_k R(n+1−k)ᵀ f_k = A_slice ᵀ F_slice is m² contiguous dot products.
        var stacks = [Double](repeating: 0, count: 4 * m * height)
        var small = [Double](repeating: 0, count: 10 * mm)
        var failure: NotPositiveDefinite?
        blocks.withUnsafeBufferPointer { rBuffer in
            predictors.withUnsafeMutableBufferPointer { vBuffer in
                inverseFactors.withUnsafeMutableBufferPointer { lBuffer in
                    stacks.withUnsafeMutableBufferPointer { sBuffer in
                        small.withUnsafeMutableBufferPointer { wBuffer in
                            let r = rBuffer.baseAddress!, v = vBuffer.baseAddress!, lInv = lBuffer.baseAddress!
                            let f = sBuffer.baseAddress!, stackA = f + 3 * m * height
                            var b = f + m * height, bNext = f + 2 * m * height
                            let w = wBuffer.baseAddress!
                            let ef = w, eb = w + mm, lf = w + 2 * mm, lb = w + 3 * mm
                            let gamma = w + 4 * mm, gammaT = w + 5 * mm, kf = w + 6 * mm, kb = w + 7 * mm
                            let scratch = w + 8 * mm
                            for q in 0..<p {  // block q of A is R(p−1−q)
                                let rk = r + (p - 1 - q) * mm
                                for i in 0..<m { for l in 0..<m { stackA[i * height + q * m + l] = rk[l * m + i] } }
                            }
                            for i in 0..<m { for j in 0..<m { ef[i * m + j] = r[i * m + j] } }
                            for i in 0..<m { ef[i * m + i] += loading }
                            eb.update(from: ef, count: mm)
                            var scale = 0.0
                            for i in 0..<m { scale = max(scale, ef[i * m + i]) }
                            let floor = Self.singularityThreshold * scale
                            for i in 0..<m { f[i * height + i] = 1; b[i * height + i] = 1 }

                            for n in 0..<p {
                                let rows = (n + 1) * m
                                // Store b⁽ⁿ⁾ and L_n⁻¹ (Eᵇₙ = L_n L_nᵀ).
                                guard SmallMatrix.cholesky(eb, m, into: lb, floor: floor) else {
                                    failure = NotPositiveDefinite(order: n); return
                                }
                                SmallMatrix.inverseOfLower(lb, m, into: lInv + n * mm)
                                let base = mm * n * (n + 1) / 2
                                for c in 0..<m { (v + base + c * rows).update(from: b + c * height, count: rows) }
                                if n == p - 1 { break }
                                guard SmallMatrix.cholesky(ef, m, into: lf, floor: floor) else {
                                    failure = NotPositiveDefinite(order: n); return
                                }
                                // Γ = Σ_{k=0}^{n} R(n+1−k)ᵀ f_k: Γ_ij = ⟨A column i (rows from block p−2−n), f column j⟩.
                                let aStart = (p - 2 - n) * m
                                for i in 0..<m {
                                    for j in 0..<m {
                                        gamma[i * m + j] = Vector.dot(stackA + i * height + aStart, f + j * height, rows)
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
                                // b′ = [0; b] − [f; 0] Kb (column j: shifted b_j − Σ_t Kb_tj f_t), then
                                // f ← [f; 0] − [0; b] Kf (column j: f_j − Σ_t Kf_tj · shifted b_t).
                                let newRows = rows + m
                                for j in 0..<m {
                                    let out = bNext + j * height
                                    out.update(repeating: 0, count: m)
                                    (out + m).update(from: b + j * height, count: rows)
                                    for t in 0..<m { Vector.axpy(-kb[t * m + j], f + t * height, out, rows) }
                                }
                                for j in 0..<m {
                                    let out = f + j * height
                                    for t in 0..<m { Vector.axpy(-kf[t * m + j], b + t * height, out + m, newRows - m) }
                                }
                                swap(&b, &bNext)
                            }
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        self.predictors = predictors
        self.inverseFactors = inverseFactors
    }

    /// xᵀ T⁻¹ x = Σ_n ‖L_n⁻¹ b⁽ⁿ⁾ᵀ x₀…ₙ‖² for x given delay-major (x[a m + i]: component i of delay a).
    func quadraticForm(_ x: UnsafePointer<Double>) -> Double {
        let m = blockSize
        var total = 0.0
        var y = [Double](repeating: 0, count: m)
        predictors.withUnsafeBufferPointer { v in
            inverseFactors.withUnsafeBufferPointer { lInv in
                y.withUnsafeMutableBufferPointer { y in
                    let v = v.baseAddress!, lInv = lInv.baseAddress!
                    for n in 0..<order {
                        let rows = (n + 1) * m, base = m * m * n * (n + 1) / 2
                        for c in 0..<m { y[c] = Vector.dot(v + base + c * rows, x, rows) }
                        let l = lInv + n * m * m
                        for i in 0..<m {
                            var s = 0.0
                            for t in 0...i { s += l[i * m + t] * y[t] }
                            total += s * s
                        }
                    }
                }
            }
        }
        return total
    }
}

/// Contiguous vector kernels, unrolled so that the compiler vectorises them.
enum Vector {
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= n {
            s0 += a[i] * b[i]
            s1 += a[i + 1] * b[i + 1]
            s2 += a[i + 2] * b[i + 2]
            s3 += a[i + 3] * b[i + 3]
            i += 4
        }
        while i < n { s0 += a[i] * b[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// y += α x.
    @inline(__always)
    static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        if alpha == 0 { return }
        for i in 0..<n { y[i] += alpha * x[i] }
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

    /// L⁻¹ (lower triangular, row-major) for lower-triangular L, column by column by forward substitution.
    static func inverseOfLower(_ l: UnsafePointer<Double>, _ m: Int, into inverse: UnsafeMutablePointer<Double>) {
        inverse.update(repeating: 0, count: m * m)
        for c in 0..<m {
            for i in c..<m {
                var s = i == c ? 1.0 : 0.0
                for t in c..<i { s -= l[i * m + t] * inverse[t * m + c] }
                inverse[i * m + c] = s / l[i * m + i]
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
