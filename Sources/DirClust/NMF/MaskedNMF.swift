import CNMFKernels
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
/// W ← W ∘ ((B∘X/Λ)Hᵀ)/(B Hᵀ). The returned model parts cover every bin, so W H predicts the missing ones.
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
/// activations frame-major) — the golden-vector tests use that to compare single updates. Single-threaded; all
/// buffers are allocated once; the products W H, r Hᵀ and Wᵀ r run in register-blocked C kernels (CNMFKernels),
/// each sum in a fixed order, so the result is the same on every CPU.
///
/// Work that cannot change the result is skipped: during the iterations Λ is computed only on the tiles of
/// 4 frames × 8 bins that hold an observed bin (it is read nowhere else; the last iteration fills every bin),
/// the W products skip the tiles whose terms are all exact zeros, and for KL (r2 = B) the fixed bases' Wᵀ B is
/// summed once per fit (with B = 1 everywhere, as in training, Wᵀ B and B Hᵀ once per update).
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
    let wT: UnsafeMutablePointer<Double>       // Wᵀ, F×paddedK (columns K… are 0)
    let paddedK: Int                           // K rounded up to the kernels' 8-column blocks
    let cachedColumns: Int                     // KL: Wᵀ B of columns 0..<cachedColumns is cached (fixed bases)
    var denominatorCached = false
    var allOnes = false  // every weight is 1 (training): KL's denominators are the same for every frame / bin
    let fixedDenominators: UnsafeMutablePointer<Double>  // KL: Wᵀ B per frame, T×cachedColumns
    let h: UnsafeMutablePointer<Double>        // H, T×K (frame-major)
    let modelFixed: UnsafeMutablePointer<Double>, modelFree: UnsafeMutablePointer<Double>
    let r1: UnsafeMutablePointer<Double>       // B ∘ X ∘ Λ^(β−2), T×F
    let r2: UnsafeMutablePointer<Double>       // B ∘ Λ^(β−1), T×F
    let numH: UnsafeMutablePointer<Double>, denH: UnsafeMutablePointer<Double>  // paddedK each (one frame)
    let numW: UnsafeMutablePointer<Double>, denW: UnsafeMutablePointer<Double>  // (K − fixed)×F
    let observedBins: UnsafeMutablePointer<Int>  // the observed f of every frame, frame after frame
    let frameModel: UnsafeMutablePointer<Double>, frameRatio: UnsafeMutablePointer<Double>  // F each (KL)
    let observedStart: UnsafeMutablePointer<Int> // frame t's are observedBins[observedStart[t]..<observedStart[t + 1]]
    let tileChunks: Int                          // bin chunks per frame group of the activity map
    let activeTiles: UnsafeMutablePointer<UInt8> // 1 where a tile of frames × bins holds an observed bin

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
        let block = Int(DIRCLUST_NMF_BINS)
        paddedK = (K + block - 1) / block * block
        cachedColumns = kind == .kullbackLeibler ? fixedCount / block * block : 0
        x = buffer(bins); b = buffer(bins); xPowBeta = buffer(kind == .general ? bins : 0)
        w = buffer(K * F); wT = buffer(F * paddedK); h = buffer(T * K)
        fixedDenominators = buffer(T * cachedColumns)
        modelFixed = buffer(bins); modelFree = buffer(bins)
        r1 = buffer(bins); r2 = buffer(bins)
        numH = buffer(paddedK); denH = buffer(paddedK)
        frameModel = buffer(F); frameRatio = buffer(F)
        numW = buffer(free * F); denW = buffer(free * F)
        observedBins = .allocate(capacity: max(bins, 1))
        observedBins.initialize(repeating: 0, count: max(bins, 1))
        observedStart = .allocate(capacity: T + 1)
        observedStart.initialize(repeating: 0, count: T + 1)
        tileChunks = (F + block - 1) / block
        let groups = (T + Int(DIRCLUST_NMF_FRAMES) - 1) / Int(DIRCLUST_NMF_FRAMES)
        activeTiles = .allocate(capacity: max(groups * tileChunks, 1))
        activeTiles.initialize(repeating: 0, count: max(groups * tileChunks, 1))
    }

    deinit {
        for p in [x, b, xPowBeta, w, wT, h, fixedDenominators, modelFixed, modelFree, r1, r2, numH, denH,
                  frameModel, frameRatio,
                  numW, denW] {
            p.deallocate()
        }
        observedBins.deallocate()
        observedStart.deallocate()
        activeTiles.deallocate()
    }

    /// The observed bins of every frame and the activity map of the tiles, from B.
    func indexObservedBins() {
        var n = 0
        for t in 0..<T {
            observedStart[t] = n
            for f in 0..<F where b[t * F + f] != 0 {
                observedBins[n] = f; n += 1
                activeTiles[(t / Int(DIRCLUST_NMF_FRAMES)) * tileChunks + f / Int(DIRCLUST_NMF_BINS)] = 1
            }
        }
        observedStart[T] = n
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
            if kind == .kullbackLeibler { r2[i] = b[i] }
        }
        allOnes = (0..<bins).allSatisfy { b[$0] == 1 }
        indexObservedBins()
        if let start {
            for i in 0..<(T * K) { h[i] = start.activations[i] }
            refreshModel(fixed: true, free: true)
        } else {
            for i in 0..<(T * K) { h[i] = 0.1 + 0.9 * random.uniform() }
            // Scale H so that the initial model has the observed data's weighted mean.
            refreshModel(fixed: true, free: true)
            var modelSum = 0.0
            for i in 0..<bins { modelSum += b[i] * (model(i) - eps) }
            if modelSum > 0 {
                let s = observedSum / modelSum
                for i in 0..<(T * K) { h[i] *= s }
                refreshModel(fixed: true, free: true)
            }
        }

        var objective: [Double] = []
        objective.reserveCapacity(iterations + 1)
        for iteration in 0..<iterations {
            let everyBin = iteration == iterations - 1  // the returned models cover the missing bins too
            objective.append(computeRatiosAndObjective())
            updateActivations()
            refreshModel(fixed: true, free: true, everyBin: everyBin)
            if fixedCount < K {
                _ = computeRatiosAndObjective(withObjective: false)
                updateFreeBases()
                refreshModel(fixed: false, free: true, everyBin: everyBin)
            }
        }
        objective.append(computeRatiosAndObjective())
        return MaskedNMFFit(bases: Array(UnsafeBufferPointer(start: w, count: K * F)),
                            activations: Array(UnsafeBufferPointer(start: h, count: T * K)),
                            objective: objective,
                            fixedModel: Array(UnsafeBufferPointer(start: modelFixed, count: bins)),
                            freeModel: Array(UnsafeBufferPointer(start: modelFree, count: bins)))
    }

    /// The fixed and/or the free part of Λ recomputed (part(t, ·) = Σ_k H(t, k) W(k, ·)), on every bin or
    /// only on the tiles with an observed bin.
    func refreshModel(fixed: Bool, free: Bool, everyBin: Bool = true) {
        let active: UnsafePointer<UInt8>? = everyBin ? nil : UnsafePointer(activeTiles)
        // An empty part stays the zeros it was allocated with.
        if fixed && fixedCount > 0 { dirclust_nmf_model(h, K, 0, fixedCount, w, F, T, active, modelFixed) }
        if free && fixedCount < K { dirclust_nmf_model(h, K, fixedCount, K, w, F, T, active, modelFree) }
    }

    /// Λ at bin i: ε + W_fixed H_fixed + W_free H_free.
    @inline(__always) func model(_ i: Int) -> Double { eps + modelFixed[i] + modelFree[i] }

    /// Fills r1 = B∘X∘Λ^(β−2), r2 = B∘Λ^(β−1) and returns D_B(X | Λ) (0 unless `withObjective`, which
    /// saves a logarithm per bin in the KL and IS cases).
    /// r1 and r2 stay 0 on the missing bins (as allocated); only the observed bins are visited, in order.
    func computeRatiosAndObjective(withObjective: Bool = true) -> Double {
        switch kind {
        case .euclidean:
            return sumOverObservedBins { i in
                let bi = b[i], xi = x[i], l = model(i)
                r1[i] = bi * xi; r2[i] = bi * l
                return bi * 0.5 * (xi - l) * (xi - l)
            }
        case .kullbackLeibler:  // r2 = B, set once in `fit`; frame by frame in C, the same operations in order
            var total = 0.0
            for t in 0..<T {
                let rows = observedBins + observedStart[t], n = observedStart[t + 1] - observedStart[t], o = t * F
                dirclust_nmf_kl_ratios(rows, n, x + o, b + o, modelFixed + o, modelFree + o, eps, r1 + o,
                                       withObjective ? frameModel : nil, frameRatio)
                if withObjective {
                    total = dirclust_nmf_kl_divergence(rows, n, x + o, b + o, frameModel, frameRatio, total)
                }
            }
            return total
        case .itakuraSaito:
            return sumOverObservedBins { i in
                let bi = b[i], l = model(i), q = x[i] / l
                r1[i] = bi * q / l; r2[i] = bi / l
                return withObjective ? bi * (q - Double.log(q) - 1) : 0
            }
        case .general:
            return sumOverObservedBins { i in
                let bi = b[i], xi = x[i], l = model(i), p = Double.pow(l, beta - 2)
                r1[i] = bi * xi * p; r2[i] = bi * l * p
                return bi * (xPowBeta[i] + (beta - 1) * l * l * p - beta * xi * l * p) / (beta * (beta - 1))
            }
        }
    }

    /// Σ term(i) over the observed bins i = t·F + f, frame by frame in increasing f, summed from 0 in that order.
    @inline(__always) func sumOverObservedBins(_ term: (Int) -> Double) -> Double {
        var total = 0.0
        for t in 0..<T {
            let row = t * F
            for j in observedStart[t]..<observedStart[t + 1] { total += term(row + observedBins[j]) }
        }
        return total
    }

    /// H ← H ∘ (Wᵀ r1 / Wᵀ r2)^γ, frame by frame over the observed bins only (B ≠ 0). For KL, r2 = B and
    /// the fixed columns' Wᵀ B is taken from the first iteration's sums; with B = 1 everywhere, Wᵀ B is the
    /// same sum for every frame and is computed on frame 0 only.
    func updateActivations() {
        let sharedDenominator = kind == .kullbackLeibler && allOnes
        for t in 0..<T {
            let rows = observedBins + observedStart[t], n = observedStart[t + 1] - observedStart[t]
            let r1t = r1 + t * F, r2t = r2 + t * F, cache = fixedDenominators + t * cachedColumns
            if sharedDenominator && t > 0 {
                // denH still holds frame 0's sums: only the calls with r2 write it.
                dirclust_nmf_frame_products(rows, n, r1t, nil, wT, paddedK, 0, paddedK, numH, nil)
            } else if denominatorCached {
                dirclust_nmf_frame_products(rows, n, r1t, nil, wT, paddedK, 0, cachedColumns, numH, nil)
                dirclust_nmf_frame_products(rows, n, r1t, r2t, wT, paddedK, cachedColumns, paddedK, numH, denH)
                denH.update(from: cache, count: cachedColumns)
            } else {
                dirclust_nmf_frame_products(rows, n, r1t, r2t, wT, paddedK, 0, paddedK, numH, denH)
                cache.update(from: denH, count: cachedColumns)
            }
            let ht = h + t * K
            for k in 0..<K { ht[k] = multiplied(ht[k], numH[k], denH[k]) }
        }
        denominatorCached = cachedColumns > 0
    }

    /// W_free ← W_free ∘ (r1 H_freeᵀ / r2 H_freeᵀ)^γ (r1, r2 are 0 on missing bins, so tiles without an
    /// observed bin add nothing); then unit-norm columns (H rows rescaled).
    func updateFreeBases() {
        if kind == .kullbackLeibler && allOnes {
            dirclust_nmf_basis_products(h, K, fixedCount, K, r1, nil, F, T, activeTiles, numW, nil)
            // r2 = 1: every bin's sum is Σ_t H(t, k) · 1 in the kernel's order, the same for every f.
            for k in fixedCount..<K {
                var sum = 0.0, t = 0
                while t + 4 <= T {
                    sum += ((h[t * K + k] + h[(t + 1) * K + k]) + h[(t + 2) * K + k]) + h[(t + 3) * K + k]
                    t += 4
                }
                while t < T { sum += h[t * K + k]; t += 1 }
                (denW + (k - fixedCount) * F).update(repeating: sum, count: F)
            }
        } else {
            dirclust_nmf_basis_products(h, K, fixedCount, K, r1, r2, F, T, activeTiles, numW, denW)
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
        for k in 0..<K { for f in 0..<F { wT[f * paddedK + k] = w[k * F + f] } }
    }
}
