import CVectorMath
import RealModule

/// The one EM loop shared by every mixture (GMM, Cauchy, tMM, GGMM); a family supplies only its density
/// and its M-step (`MixtureFamily`).
///
/// Iteration t: the E-step evaluates, in the log domain with log-sum-exp,
///   ℓ_nk = log π_k + log p(x_n | θ_k),   L(θ_t) = Σ_n w_n log Σ_k exp ℓ_nk,
///   r_nk = exp(ℓ_nk − log Σ_j exp ℓ_nj),   v_nk = w_n r_nk,
/// records L(θ_t) in the trace, stops if converged, then the M-step sets N_k = Σ_n v_nk,
/// π_k = N_k / Σ_n w_n and θ_k ← family.updateComponent(θ_k, v_·k). So trace[t] is the weighted
/// log-likelihood after t M-steps and `trace.last` belongs to the returned parameters. A component whose
/// N_k falls below 10⁻¹⁴ Σ w keeps its parameters (its M-step is undefined) and π_k = N_k / Σ w.
///
/// The M-step of component k sees only the points with v_nk > 0, packed into contiguous scratch: every
/// M-step sum is Σ_n v_nk f(x_n), so dropping exact zeros changes nothing, and well-separated components
/// (most r_nk = 0, see `expectation`) make the families' multi-pass M-steps much cheaper.
struct EMDriver<Family: MixtureFamily> {
    var family: Family
    let options: ClusteringOptions

    /// Validates the input (see `DirectionClusterer`), initialises from the shared seeded k-means (or the
    /// given parameters) on x, and runs EM — coarse to fine when `options.coarseCellWidth` > 0: first on the
    /// points merged into cells of that width (`mergedPoints`, at most `coarseMaxIterations` M-steps), then
    /// on x from the coarse optimum (at most `maxIterations`). Both phases stop by the same tolerance, so the
    /// result is a stationary point of the likelihood on x; the coarse phase only gets there for a fraction
    /// of the cost (an E-step costs N·K, and 0.05° cells hold ≈ 10 of the 0.005° histogram cells).
    /// The returned trace, `iterations` and `converged` are those of the phase on x.
    mutating func fit(_ x: [Double], weights: [Double]?) throws -> ClusterFit {
        let w = try validatedWeights(x, weights, options: options)
        var (components, mixtureWeights) = initialMixture(x, w)
        if options.coarseCellWidth > 0 {
            let (cx, cw) = mergedPoints(x, w, width: options.coarseCellWidth)
            if cx.count >= options.componentCount && cx.count < x.count {
                let coarse = run(cx, cw, components: components, mixtureWeights: mixtureWeights,
                                 maxIterations: options.coarseMaxIterations)
                components = coarse.components
                mixtureWeights = coarse.mixtureWeights
            }
        }
        return run(x, w, components: components, mixtureWeights: mixtureWeights)
    }

    /// The starting mixture: k-means clusters mapped to components by the family, or explicit parameters.
    func initialMixture(_ x: [Double], _ w: [Double]) -> ([MixtureComponent], [Double]) {
        let floor = options.minimumScale
        let shape = options.fixedShape ?? options.initialShape
        switch options.initialization {
        case let .parameters(means, scales, weights, shapes):
            let total = weights.reduce(0, +)
            let components = means.indices.map { k in
                var c = family.initialComponent(mean: means[k], rms: scales[k], shape: options.fixedShape ?? shapes?[k] ?? shape)
                c.scale = max(scales[k], floor)
                return c
            }
            return (components, weights.map { $0 / total })
        case .kmeans, .kmeansPlusPlus:
            let clusters = KMeans(options: options).initialClusters(x, w)
            let components = clusters.means.indices.map { k in
                family.initialComponent(mean: clusters.means[k], rms: max(clusters.rms[k], floor), shape: shape)
            }
            return (components, clusters.weights)
        }
    }

    /// EM from the given start on validated data (at most `maxIterations` M-steps, default the options').
    ///
    /// A family that `proposesFromStatistics` gets no pass over the data in its M-step: it proposes θ_k from
    /// the E-step's statistics, and the next E-step checks each proposal (`review`); if any fails, the failing
    /// components take their fallback and the E-step runs again before L is recorded, so every recorded L
    /// follows an M-step that raised each component's expected complete-data log-likelihood (generalised EM).
    mutating func run(_ x: [Double], _ w: [Double], components start: [MixtureComponent],
                      mixtureWeights π0: [Double], maxIterations: Int? = nil) -> ClusterFit {
        let maxIterations = maxIterations ?? options.maxIterations
        let n = x.count, kCount = start.count
        let totalWeight = w.reduce(0, +)
        var components = start, mixtureWeights = π0
        var trace: [Double] = []
        var iterations = 0, converged = false
        var resp = [Double](repeating: 0, count: n * kCount)
        var workspace = EStepWorkspace()
        var activeX = [Double](repeating: 0, count: n), activeV = activeX
        // The families' E-step statistics (see `MixtureFamily.statisticCount`), K rows of m.
        let m = family.statisticCount, proposes = family.proposesFromStatistics
        var statistics = [Double](repeating: 0, count: kCount * m)
        workspace.scratch = [Double](repeating: 0, count: kCount * family.scratchRows * EStepWorkspace.blockSize)
        // Proposals awaiting their check: the parameters they were made from and those parameters' statistics.
        var pending: (components: [MixtureComponent], statistics: [Double])?

        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                resp.withUnsafeMutableBufferPointer { rp in
                    while true {
                        let logWeights = mixtureWeights.map { Double.log($0) }
                        let l = statistics.withUnsafeMutableBufferPointer { st in
                            expectation(Family.self, x: xp, weights: wp, components: components,
                                        logWeights: logWeights, responsibilities: rp.baseAddress!,
                                        workspace: &workspace,
                                        statistics: m > 0 ? (st.baseAddress!, m, family.scratchRows) : nil)
                        }
                        if let (θ0, previous) = pending {
                            pending = nil
                            var rejected = false
                            for k in 0..<kCount where components[k] != θ0[k] {
                                let fallback = previous.withUnsafeBufferPointer { p in
                                    statistics.withUnsafeBufferPointer { c in
                                        family.review(components[k], from: θ0[k], component: k,
                                                      previous: UnsafeBufferPointer(rebasing: p[(k * m)..<((k + 1) * m)]),
                                                      current: UnsafeBufferPointer(rebasing: c[(k * m)..<((k + 1) * m)]))
                                    }
                                }
                                if let fallback { components[k] = fallback; rejected = true }
                            }
                            if rejected { continue }
                        }
                        if let previous = trace.last,
                           abs(l - previous) <= options.tolerance * max(abs(l), totalWeight) {
                            trace.append(l)
                            converged = true
                            break
                        }
                        trace.append(l)
                        if iterations == maxIterations { break }
                        // M-step.
                        if proposes { pending = (components, statistics) }
                        for k in 0..<kCount {
                            let vk = rp.baseAddress! + k * n
                            var nk = 0.0
                            var active = 0
                            if proposes {
                                nk = statistics[k * m]
                            } else {
                                active = activeX.withUnsafeMutableBufferPointer { ax in
                                    activeV.withUnsafeMutableBufferPointer { av in
                                        dirclust_pack_positive(xp.baseAddress, vk, n, ax.baseAddress, av.baseAddress, &nk)
                                    }
                                }
                            }
                            mixtureWeights[k] = nk / totalWeight
                            guard nk > 1e-14 * totalWeight else { continue }
                            components[k] = statistics.withUnsafeBufferPointer { st in
                                let sk = UnsafeBufferPointer(rebasing: st[(k * m)..<((k + 1) * m)])
                                if proposes { return family.propose(components[k], component: k, statistics: sk) }
                                return activeX.withUnsafeBufferPointer { ax in
                                    activeV.withUnsafeBufferPointer { av in
                                        family.updateComponent(components[k], x: UnsafeBufferPointer(rebasing: ax[0..<active]),
                                                               v: UnsafeBufferPointer(rebasing: av[0..<active]), total: nk,
                                                               statistics: sk)
                                    }
                                }
                            }
                        }
                        let sum = mixtureWeights.reduce(0, +)
                        for k in 0..<kCount { mixtureWeights[k] /= sum }
                        iterations += 1
                    }
                }
            }
        }
        return ClusterFit(method: family.method, components: components, mixtureWeights: mixtureWeights,
                          reportsShape: family.reportsShape, trace: trace, iterations: iterations,
                          converged: converged, totalWeight: totalWeight)
    }
}

/// The points with w_n > 0 merged into cells [jh, (j + 1)h) of width h (radians), ascending: per occupied
/// cell W_j = Σ w_n and x̄_j = Σ w_n x_n / W_j, so the first moment is exact and every weighted sum
/// Σ w_n g(x_n) is approximated to O(h²) (the coarse phase of `EMDriver.fit`).
func mergedPoints(_ x: [Double], _ w: [Double], width h: Double) -> (x: [Double], w: [Double]) {
    var sorted = true
    for n in x.indices.dropFirst() where x[n] < x[n - 1] { sorted = false; break }
    let order = sorted ? Array(x.indices) : x.indices.sorted { x[$0] < x[$1] }
    var cx = [Double](), cw = [Double](), cell = Int.min, weight = 0.0, moment = 0.0
    for n in order where w[n] > 0 {
        let j = Int((x[n] / h).rounded(.down))
        if j != cell {
            if weight > 0 { cx.append(moment / weight); cw.append(weight) }
            cell = j; weight = 0; moment = 0
        }
        weight += w[n]
        moment += w[n] * x[n]
    }
    if weight > 0 { cx.append(moment / weight); cw.append(weight) }
    return (cx, cw)
}

/// Scratch rows for the blockwise E-step (allocated once per fit or per `posteriors` call).
struct EStepWorkspace {
    static let blockSize = 256
    /// max_k ℓ_nk, Σ_k e_nk and ln Σ_k e_nk of the block's points, one after the other.
    var rows = [Double](repeating: 0, count: 3 * blockSize)
    /// The families' per-point scratch of a block: K · scratchRows rows of blockSize (empty without statistics).
    var scratch: [Double] = []
}

/// The E-step: writes v_nk = w_n r_nk into `responsibilities` (component-major, v[k·N + n]; weights nil =
/// all 1, giving r_nk) and returns L = Σ_n w_n log Σ_k π_k p(x_n | θ_k). Works in blocks of 256 points so
/// the K log-density rows of a block stay in cache; one vectorised `exp` per (n, k) and `log` per n
/// (`VectorMath`), and a term with ℓ_nk − max_j ℓ_nj < −54 ln 2 is set to 0: it is below half an ulp of
/// the row sum (≥ 1), so the sum and L are bitwise unchanged and only an r_nk < 2⁻⁵⁴ becomes exactly 0.
/// With `statistics` (the K rows of count sums, zeroed here, and the family's scratch rows per component in
/// `workspace.scratch`) it also gathers the family's E-step statistics (`MixtureFamily.statisticCount`), summed
/// blockwise in a fixed order; the density pass sees the previous v_nk still in `responsibilities`.
///
/// A row whose every ℓ_nk is −∞ or NaN (only possible for x far outside the data, or NaN x, in
/// `ClusterFit.posteriors`) gets a one-hot row on the component nearest in units of its scale (component 0
/// for NaN x) and adds nothing to L, so no NaN ever leaves this function.
func expectation<F: MixtureFamily>(
    _ family: F.Type, x: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?,
    components: [MixtureComponent], logWeights: [Double],
    responsibilities resp: UnsafeMutablePointer<Double>, workspace: inout EStepWorkspace,
    statistics: (sums: UnsafeMutablePointer<Double>, count: Int, scratchRows: Int)? = nil
) -> Double {
    let n = x.count, kCount = components.count
    var logLikelihood = 0.0
    if let statistics { for i in 0..<(kCount * statistics.count) { statistics.sums[i] = 0 } }
    workspace.scratch.withUnsafeMutableBufferPointer { scratch in
    workspace.rows.withUnsafeMutableBufferPointer { rows in
        let m = rows.baseAddress!, s = m + EStepWorkspace.blockSize, logSum = s + EStepWorkspace.blockSize
        /// Component k's statistics and scratch rows.
        func parts(_ k: Int, _ st: (sums: UnsafeMutablePointer<Double>, count: Int, scratchRows: Int))
            -> (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) {
            (st.sums + k * st.count, scratch.baseAddress! + k * st.scratchRows * EStepWorkspace.blockSize)
        }
        var start = 0
        while start < n {
            let len = min(EStepWorkspace.blockSize, n - start)
            let xb = UnsafeBufferPointer(rebasing: x[start..<(start + len)])
            for i in 0..<len { m[i] = -.infinity; s[i] = 0 }
            for k in 0..<kCount {
                let row = resp + k * n + start
                if let statistics {
                    let (sums, rowsK) = parts(k, statistics)
                    F.logDensities(xb, components[k], offset: logWeights[k], into: row, scratch: rowsK, statistics: sums)
                } else {
                    F.logDensities(xb, components[k], offset: logWeights[k], into: row)
                }
                dirclust_max_into(row, m, len)
            }
            for k in 0..<kCount { dirclust_estep_exp(resp + k * n + start, m, s, len, negligibleLogRatio) }
            VectorMath.log(s, into: logSum, count: len)
            for i in 0..<len {
                let wn = weights?[start + i] ?? 1
                if m[i].isFinite {
                    if wn > 0 { logLikelihood += wn * (m[i] + logSum[i]) }
                    s[i] = wn / s[i]
                } else {
                    s[i] = 0
                    let k = nearestComponent(xb[i], components)
                    for j in 0..<kCount { resp[j * n + start + i] = j == k ? wn : 0 }
                }
            }
            // Rows with a non-finite max were made one-hot above: left as they are.
            for k in 0..<kCount { dirclust_scale_finite_rows(resp + k * n + start, s, m, len) }
            if let statistics {
                for k in 0..<kCount {
                    let (sums, rowsK) = parts(k, statistics)
                    F.accumulate(xb, components[k], v: resp + k * n + start, scratch: rowsK, statistics: sums)
                }
            }
            start += len
        }
    }
    }
    return logLikelihood
}

/// −54 ln 2: exp of anything below is under half an ulp of 1.
private let negligibleLogRatio = -54 * 0.6931471805599453

/// The component with the smallest |x − μ_k| / scale_k (0 when x is NaN).
func nearestComponent(_ x: Double, _ components: [MixtureComponent]) -> Int {
    var best = 0, bestDistance = Double.infinity
    for (k, c) in components.enumerated() {
        let d = abs(x - c.mean) / c.scale
        if d < bestDistance { best = k; bestDistance = d }
    }
    return best
}
