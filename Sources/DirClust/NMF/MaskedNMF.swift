import RealModule

/// The result of one masked NMF fit: W (K bases, each a contiguous spectrum of F values: `k * F + f`),
/// H (T frames, each a contiguous activation vector of K values: `t * K + k`) and the objective
/// D_B(X | WH + ε) before the first and after every iteration; `fixedModel` = W_fixed H_fixed and
/// `freeModel` = W_free H_free on every bin (frame-major, without ε).
struct MaskedNMFFit {
    var bases: [Double]
    var activations: [Double]
    var objective: [Double]
    var fixedModel: [Double]
    var freeModel: [Double]
}

/// NMF with missing data by β-divergence multiplicative updates (Lee & Seung 2001; Févotte & Idier 2011),
/// some bases held fixed (supervised NMF, Kitamura et al.; Smaragdis et al. 2007).
///
/// Model Λ = W H + ε, fitted only where the weight B_ft > 0 (B = 1 observed, 0 missing):
///
///     minimise D_B(X | Λ) = Σ_ft B_ft · d_β(X_ft + ε | Λ_ft)
///     H ← H ∘ ( Wᵀ(B ∘ X ∘ Λ^(β−2)) / Wᵀ(B ∘ Λ^(β−1)) )^γ
///     W_free ← W_free ∘ ( (B ∘ X ∘ Λ^(β−2)) H_freeᵀ / (B ∘ Λ^(β−1)) H_freeᵀ )^γ
///
/// with γ = 1/(2−β) for β < 1, 1 for 1 ≤ β ≤ 2 and 1/(β−1) for β > 2: each update minimises a
/// majorising auxiliary function, so the objective never increases. The floor ε (10⁻¹² × the mean
/// observed X, added to data and model alike) is a fixed extra component, which keeps that guarantee
/// while making X/Λ and Λ^(β−2) finite. Euclidean (β = 2) gives W ← W ∘ ((B∘X)Hᵀ)/((B∘WH)Hᵀ), KL (β = 1)
/// W ← W ∘ ((B∘X/Λ)Hᵀ)/(B Hᵀ). Λ is evaluated on every bin, so W H predicts the missing ones.
///
/// A coefficient whose denominator is 0 has no observed bin to act on (e.g. a frame the mask removed
/// entirely); it is set to 0, which leaves the objective unchanged. After each W update the free columns
/// are scaled to unit L2 norm and their activations by the inverse (WH unchanged). All-zero observed
/// data (or no observed bin) gives H = 0 and the objective trace `[0]`.
///
/// Layouts: X and B frame-major (`t * F + f`), as `Spectrogram`. `fixedBases` holds the first
/// `fixedCount` columns (kept fixed); the remaining `componentCount − fixedCount` columns and H are
/// drawn from the seed (uniform in [0.1, 1), free columns normalised, H scaled so that the initial
/// model has the observed data's mean), or taken from `start` as given (free bases basis-major,
/// activations frame-major) — the golden-vector tests use that to compare single updates. Single-threaded; all buffers are allocated once and the loops are axpy kernels over
/// contiguous memory.
func fitMaskedNMF(data x: [Double], weights b: [Double], frequencyCount F: Int, frameCount T: Int,
                  fixedBases: [Double], fixedCount: Int, componentCount K: Int, iterations: Int,
                  divergence: NMFDivergence, seed: UInt64,
                  start: (freeBases: [Double], activations: [Double])? = nil) -> MaskedNMFFit {
    precondition(x.count == F * T && b.count == F * T && fixedBases.count == fixedCount * F)
    precondition(0 <= fixedCount && fixedCount <= K && F > 0)
    precondition(start == nil || (start!.freeBases.count == (K - fixedCount) * F && start!.activations.count == T * K))
    let workspace = MaskedNMFWorkspace(F: F, T: T, K: K, fixedCount: fixedCount, beta: divergence.beta)
    return workspace.fit(x: x, b: b, fixedBases: fixedBases, iterations: iterations, seed: seed, start: start)
}

/// The Févotte–Idier exponent γ(β) that makes the multiplicative update a majorisation–minimisation step.
@inline(__always) func multiplicativeUpdateExponent(beta: Double) -> Double {
    if beta < 1 { return 1 / (2 - beta) }
    if beta > 2 { return 1 / (beta - 1) }
    return 1
}

/// Owns the buffers of one fit (allocated once, freed in deinit) and runs the updates on raw pointers.
private final class MaskedNMFWorkspace {
    enum Kind { case euclidean, kullbackLeibler, itakuraSaito, general }
    let F: Int, T: Int, K: Int, fixedCount: Int
    let beta: Double, gamma: Double, kind: Kind
    var eps = 0.0

    let x: UnsafeMutablePointer<Double>        // X + ε, T×F
    let b: UnsafeMutablePointer<Double>        // weights B, T×F
    let xPowBeta: UnsafeMutablePointer<Double> // (X + ε)^β for the general β objective, T×F
    let w: UnsafeMutablePointer<Double>        // W, K×F (basis-major)
    let wT: UnsafeMutablePointer<Double>       // Wᵀ, F×K
    let h: UnsafeMutablePointer<Double>        // H, T×K (frame-major)
    let modelFixed: UnsafeMutablePointer<Double>, modelFree: UnsafeMutablePointer<Double>
    let model: UnsafeMutablePointer<Double>    // Λ = W_fixed H_fixed + W_free H_free + ε, T×F
    let r1: UnsafeMutablePointer<Double>       // B ∘ X ∘ Λ^(β−2), T×F
    let r2: UnsafeMutablePointer<Double>       // B ∘ Λ^(β−1), T×F
    let numH: UnsafeMutablePointer<Double>, denH: UnsafeMutablePointer<Double>  // K each (one frame)
    let numW: UnsafeMutablePointer<Double>, denW: UnsafeMutablePointer<Double>  // (K − fixed)×F
    let observedBins: UnsafeMutablePointer<Int>  // the observed f of one frame

    init(F: Int, T: Int, K: Int, fixedCount: Int, beta: Double) {
        self.F = F; self.T = T; self.K = K; self.fixedCount = fixedCount
        self.beta = beta
        gamma = multiplicativeUpdateExponent(beta: beta)
        kind = beta == 2 ? .euclidean : beta == 1 ? .kullbackLeibler : beta == 0 ? .itakuraSaito : .general
        func buffer(_ n: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        let bins = F * T, free = K - fixedCount
        x = buffer(bins); b = buffer(bins); xPowBeta = buffer(kind == .general ? bins : 0)
        w = buffer(K * F); wT = buffer(F * K); h = buffer(T * K)
        modelFixed = buffer(bins); modelFree = buffer(bins); model = buffer(bins)
        r1 = buffer(bins); r2 = buffer(bins)
        numH = buffer(K); denH = buffer(K)
        numW = buffer(free * F); denW = buffer(free * F)
        observedBins = .allocate(capacity: F)
        observedBins.initialize(repeating: 0, count: F)
    }

    deinit {
        for p in [x, b, xPowBeta, w, wT, h, modelFixed, modelFree, model, r1, r2, numH, denH, numW, denW] {
            p.deallocate()
        }
        observedBins.deallocate()
    }

    func fit(x data: [Double], b weights: [Double], fixedBases: [Double], iterations: Int,
             seed: UInt64, start: (freeBases: [Double], activations: [Double])?) -> MaskedNMFFit {
        let bins = F * T
        var observedSum = 0.0, weightSum = 0.0
        for i in 0..<bins { observedSum += weights[i] * data[i]; weightSum += weights[i] }
        for i in 0..<fixedBases.count { w[i] = fixedBases[i] }
        var random = SeededRandom(seed: seed, stream: 0x4E4D46)  // "NMF"
        if let start {
            for i in 0..<start.freeBases.count { w[fixedCount * F + i] = start.freeBases[i] }
        } else {
            for k in fixedCount..<K {
                for f in 0..<F { w[k * F + f] = 0.1 + 0.9 * random.uniform() }
                normaliseFreeColumn(k, rescaleActivations: false)
            }
        }
        transposeBases()
        guard observedSum > 0, weightSum > 0 else {
            // Nothing observed (empty cluster, silent input): the only fit of zero data is H = 0.
            let zeros = [Double](repeating: 0, count: bins)
            return MaskedNMFFit(bases: Array(UnsafeBufferPointer(start: w, count: K * F)),
                                activations: [Double](repeating: 0, count: T * K), objective: [0],
                                fixedModel: zeros, freeModel: zeros)
        }
        eps = 1e-12 * observedSum / weightSum
        for i in 0..<bins {
            x[i] = data[i] + eps
            b[i] = weights[i]
            if kind == .general { xPowBeta[i] = Double.pow(x[i], beta) }
        }
        if let start {
            for i in 0..<(T * K) { h[i] = start.activations[i] }
            refreshModel(fixed: true, free: true)
        } else {
            for i in 0..<(T * K) { h[i] = 0.1 + 0.9 * random.uniform() }
            // Scale H so that the initial model has the observed data's weighted mean.
            refreshModel(fixed: true, free: true)
            var modelSum = 0.0
            for i in 0..<bins { modelSum += b[i] * (model[i] - eps) }
            if modelSum > 0 {
                let s = observedSum / modelSum
                for i in 0..<(T * K) { h[i] *= s }
                refreshModel(fixed: true, free: true)
            }
        }

        var objective: [Double] = []
        objective.reserveCapacity(iterations + 1)
        for _ in 0..<iterations {
            objective.append(computeRatiosAndObjective())
            updateActivations()
            refreshModel(fixed: true, free: true)
            if fixedCount < K {
                _ = computeRatiosAndObjective(withObjective: false)
                updateFreeBases()
                refreshModel(fixed: false, free: true)
            }
        }
        objective.append(computeRatiosAndObjective())
        return MaskedNMFFit(bases: Array(UnsafeBufferPointer(start: w, count: K * F)),
                            activations: Array(UnsafeBufferPointer(start: h, count: T * K)),
                            objective: objective,
                            fixedModel: Array(UnsafeBufferPointer(start: modelFixed, count: bins)),
                            freeModel: Array(UnsafeBufferPointer(start: modelFree, count: bins)))
    }

    /// Λ = ε + Σ_k W_k H_k with the fixed and/or the free part recomputed.
    func refreshModel(fixed: Bool, free: Bool) {
        if fixed { accumulate(into: modelFixed, components: 0..<fixedCount) }
        if free { accumulate(into: modelFree, components: fixedCount..<K) }
        for i in 0..<(F * T) { model[i] = eps + modelFixed[i] + modelFree[i] }
    }

    /// part(t, ·) = Σ_{k ∈ components} H(t, k) W(k, ·): per frame, axpys of the basis spectra, four
    /// bases per pass over the output row (a quarter of the loads and stores of one axpy per basis).
    func accumulate(into part: UnsafeMutablePointer<Double>, components: Range<Int>) {
        for t in 0..<T {
            let out = part + t * F
            out.update(repeating: 0, count: F)
            let ht = h + t * K
            var k = components.lowerBound
            while k + 4 <= components.upperBound {
                let (a0, a1, a2, a3) = (ht[k], ht[k + 1], ht[k + 2], ht[k + 3])
                let w0 = w + k * F, w1 = w0 + F, w2 = w1 + F, w3 = w2 + F
                for f in 0..<F { out[f] += a0 * w0[f] + a1 * w1[f] + a2 * w2[f] + a3 * w3[f] }
                k += 4
            }
            while k < components.upperBound {
                let a = ht[k], wk = w + k * F
                for f in 0..<F { out[f] += a * wk[f] }
                k += 1
            }
        }
    }

    /// Fills r1 = B∘X∘Λ^(β−2), r2 = B∘Λ^(β−1) and returns D_B(X | Λ) (0 unless `withObjective`, which
    /// saves a logarithm per bin in the KL and IS cases).
    func computeRatiosAndObjective(withObjective: Bool = true) -> Double {
        var total = 0.0
        for i in 0..<(F * T) {
            let bi = b[i]
            if bi == 0 { r1[i] = 0; r2[i] = 0; continue }
            let xi = x[i], l = model[i]
            switch kind {
            case .euclidean:
                r1[i] = bi * xi; r2[i] = bi * l
                total += bi * 0.5 * (xi - l) * (xi - l)
            case .kullbackLeibler:
                let q = xi / l
                r1[i] = bi * q; r2[i] = bi
                if withObjective { total += bi * (xi * Double.log(q) - xi + l) }
            case .itakuraSaito:
                let q = xi / l
                r1[i] = bi * q / l; r2[i] = bi / l
                if withObjective { total += bi * (q - Double.log(q) - 1) }
            case .general:
                let p = Double.pow(l, beta - 2)
                r1[i] = bi * xi * p; r2[i] = bi * l * p
                total += bi * (xPowBeta[i] + (beta - 1) * l * l * p - beta * xi * l * p) / (beta * (beta - 1))
            }
        }
        return total
    }

    /// H ← H ∘ (Wᵀ r1 / Wᵀ r2)^γ, frame by frame over the observed bins only (B ≠ 0), four bins per
    /// pass over the K-vectors.
    func updateActivations() {
        for t in 0..<T {
            numH.update(repeating: 0, count: K)
            denH.update(repeating: 0, count: K)
            let bt = b + t * F, r1t = r1 + t * F, r2t = r2 + t * F
            var n = 0
            for f in 0..<F where bt[f] != 0 { observedBins[n] = f; n += 1 }
            var j = 0
            while j + 4 <= n {
                let (f0, f1, f2, f3) = (observedBins[j], observedBins[j + 1], observedBins[j + 2], observedBins[j + 3])
                let (p0, p1, p2, p3) = (r1t[f0], r1t[f1], r1t[f2], r1t[f3])
                let (q0, q1, q2, q3) = (r2t[f0], r2t[f1], r2t[f2], r2t[f3])
                let w0 = wT + f0 * K, w1 = wT + f1 * K, w2 = wT + f2 * K, w3 = wT + f3 * K
                for k in 0..<K {
                    numH[k] += p0 * w0[k] + p1 * w1[k] + p2 * w2[k] + p3 * w3[k]
                    denH[k] += q0 * w0[k] + q1 * w1[k] + q2 * w2[k] + q3 * w3[k]
                }
                j += 4
            }
            while j < n {
                let f = observedBins[j], p = r1t[f], q = r2t[f], wf = wT + f * K
                for k in 0..<K {
                    numH[k] += p * wf[k]
                    denH[k] += q * wf[k]
                }
                j += 1
            }
            let ht = h + t * K
            for k in 0..<K { ht[k] = multiplied(ht[k], numH[k], denH[k]) }
        }
    }

    /// W_free ← W_free ∘ (r1 H_freeᵀ / r2 H_freeᵀ)^γ, four frames per pass over the F-vectors; then
    /// unit-norm columns (H rows rescaled).
    func updateFreeBases() {
        let free = K - fixedCount
        numW.update(repeating: 0, count: free * F)
        denW.update(repeating: 0, count: free * F)
        var t = 0
        while t + 4 <= T {
            let p0 = r1 + t * F, p1 = p0 + F, p2 = p1 + F, p3 = p2 + F
            let q0 = r2 + t * F, q1 = q0 + F, q2 = q1 + F, q3 = q2 + F
            for k in fixedCount..<K {
                let (a0, a1, a2, a3) = (h[t * K + k], h[(t + 1) * K + k], h[(t + 2) * K + k], h[(t + 3) * K + k])
                let nk = numW + (k - fixedCount) * F, dk = denW + (k - fixedCount) * F
                for f in 0..<F {
                    nk[f] += a0 * p0[f] + a1 * p1[f] + a2 * p2[f] + a3 * p3[f]
                    dk[f] += a0 * q0[f] + a1 * q1[f] + a2 * q2[f] + a3 * q3[f]
                }
            }
            t += 4
        }
        while t < T {
            let p = r1 + t * F, q = r2 + t * F
            for k in fixedCount..<K {
                let a = h[t * K + k]
                let nk = numW + (k - fixedCount) * F, dk = denW + (k - fixedCount) * F
                for f in 0..<F {
                    nk[f] += a * p[f]
                    dk[f] += a * q[f]
                }
            }
            t += 1
        }
        for k in fixedCount..<K {
            let wk = w + k * F, nk = numW + (k - fixedCount) * F, dk = denW + (k - fixedCount) * F
            for f in 0..<F { wk[f] = multiplied(wk[f], nk[f], dk[f]) }
            normaliseFreeColumn(k, rescaleActivations: true)
        }
        transposeBases()
    }

    /// value ∘ (num/den)^γ, or 0 when the coefficient touches no observed bin (den = 0).
    @inline(__always) func multiplied(_ value: Double, _ num: Double, _ den: Double) -> Double {
        guard den > 0 else { return 0 }
        let ratio = num / den
        return gamma == 1 ? value * ratio : value * Double.pow(ratio, gamma)
    }

    func normaliseFreeColumn(_ k: Int, rescaleActivations: Bool) {
        let wk = w + k * F
        var norm = 0.0
        for f in 0..<F { norm += wk[f] * wk[f] }
        norm = norm.squareRoot()
        guard norm > 0 else { return }
        let inv = 1 / norm
        for f in 0..<F { wk[f] *= inv }
        if rescaleActivations { for t in 0..<T { h[t * K + k] *= norm } }
    }

    func transposeBases() {
        for k in 0..<K { for f in 0..<F { wT[f * K + k] = w[k * F + f] } }
    }
}
