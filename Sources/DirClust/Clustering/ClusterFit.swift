import RealModule

/// A fitted clustering of directions: per-component parameters sorted by mean, the EM (or Lloyd) history,
/// and evaluation of the fitted model at arbitrary directions.
public struct ClusterFit: Sendable, Codable, Equatable {
    public var method: ClusteringMethod
    /// Component means μ_k in radians, ascending.
    public var means: [Double]
    /// k-means: within-cluster weighted RMS distance to the mean; GMM: σ; Cauchy, tMM, GGMM: α.
    public var scales: [Double]
    /// tMM ν or GGMM β per component; nil for the other methods.
    public var shapes: [Double]?
    /// π_k (k-means: the clusters' shares of the total weight); sums to 1.
    public var mixtureWeights: [Double]
    /// trace[t] = weighted log-likelihood Σ_n w_n log Σ_k π_k p_k(x_n) after t iterations (k-means: the
    /// negated weighted SSE); the last entry belongs to the returned parameters.
    public var logLikelihoodTrace: [Double]
    /// Number of M-steps (Lloyd updates) performed.
    public var iterations: Int
    /// Whether the tolerance was met before `maxIterations`.
    public var converged: Bool
    /// Monotonicity bookkeeping: the largest decrease between consecutive trace entries,
    /// max_t (L_{t−1} − L_t) / max(|L_{t−1}|, Σ w), or 0 when the trace never decreases. EM (and Lloyd)
    /// guarantee 0 in exact arithmetic; rounding gives ~1e-15.
    public var largestRelativeDecrease: Double
    /// Number of starts the fit was chosen from (`Restarts`; 1 = a single start).
    public var restarts = 1
    /// max − min of the final weighted log-likelihoods over the starts (k-means: of −SSE); 0 for one start
    /// or when every start reached the same optimum.
    public var logLikelihoodSpread = 0.0

    /// The final weighted log-likelihood (k-means: −SSE).
    public var logLikelihood: Double { logLikelihoodTrace.last ?? -.infinity }

    init(method: ClusteringMethod, components: [MixtureComponent], mixtureWeights: [Double],
         reportsShape: Bool, trace: [Double], iterations: Int, converged: Bool, totalWeight: Double) {
        let order = components.indices.sorted { (components[$0].mean, $0) < (components[$1].mean, $1) }
        self.method = method
        self.means = order.map { components[$0].mean }
        self.scales = order.map { components[$0].scale }
        self.shapes = reportsShape ? order.map { components[$0].shape } : nil
        self.mixtureWeights = order.map { mixtureWeights[$0] }
        self.logLikelihoodTrace = trace
        self.iterations = iterations
        self.converged = converged
        var worst = 0.0
        for t in trace.indices.dropFirst() {
            worst = max(worst, (trace[t - 1] - trace[t]) / max(abs(trace[t - 1]), totalWeight))
        }
        self.largestRelativeDecrease = worst
    }

    /// The components in the form the density families read (Cauchy: the t family with ν = 1).
    var components: [MixtureComponent] {
        means.indices.map { k in
            MixtureComponent(mean: means[k], scale: scales[k],
                             shape: shapes?[k] ?? (method == .cauchy ? 1 : 0))
        }
    }

    /// Posterior responsibilities r_nk = π_k p_k(x_n) / Σ_j π_j p_j(x_n), row-major N×K; every row sums to
    /// 1 and is finite for any x. k-means: one-hot on the nearest mean. A direction so far from every
    /// component that all densities underflow gets a one-hot row on the component nearest in units of its
    /// scale; a NaN direction gets a one-hot row on component 0.
    public func posteriors(_ x: [Double]) -> [Double] {
        let kCount = means.count, n = x.count
        guard let family = method.densityFamily else {
            var r = [Double](repeating: 0, count: n * kCount)
            for (i, k) in assignments(x).enumerated() { r[i * kCount + k] = 1 }
            return r
        }
        var componentMajor = [Double](repeating: 0, count: n * kCount)
        var workspace = EStepWorkspace()
        let components = self.components, logWeights = mixtureWeights.map { Double.log($0) }
        x.withUnsafeBufferPointer { xp in
            componentMajor.withUnsafeMutableBufferPointer { rp in
                _ = expectation(family, x: xp, weights: nil, components: components, logWeights: logWeights,
                                responsibilities: rp.baseAddress!, workspace: &workspace)
            }
        }
        var r = [Double](repeating: 0, count: n * kCount)
        for k in 0..<kCount {
            for i in 0..<n { r[i * kCount + k] = componentMajor[k * n + i] }
        }
        return r
    }

    /// The MAP component per direction: argmax_k log π_k + log p_k(x) (k-means: the nearest mean).
    /// Directions where every density underflows go to the component nearest in units of its scale.
    public func assignments(_ x: [Double]) -> [Int] {
        let kCount = means.count
        guard let family = method.densityFamily else {
            return x.map { xn in
                var best = 0
                for k in 1..<max(kCount, 1) where abs(xn - means[k]) < abs(xn - means[best]) { best = k }
                return best
            }
        }
        let components = self.components, logWeights = mixtureWeights.map { Double.log($0) }
        var logJoint = [Double](repeating: 0, count: x.count * kCount)
        x.withUnsafeBufferPointer { xp in
            logJoint.withUnsafeMutableBufferPointer { lp in
                for k in 0..<kCount {
                    family.logDensities(xp, components[k], offset: logWeights[k], into: lp.baseAddress! + k * x.count)
                }
            }
        }
        return x.indices.map { i in
            var best = -1, bestValue = -Double.infinity
            for k in 0..<kCount where logJoint[k * x.count + i] > bestValue {
                best = k; bestValue = logJoint[k * x.count + i]
            }
            return best >= 0 ? best : nearestComponent(x[i], components)
        }
    }

    /// π_k p_k(x) for each component, for drawing the fitted mixture over a histogram of θ (their sum is
    /// the mixture density). k-means has no density: it returns the stand-in π_k N(x; μ_k, s_k²) with
    /// s_k = max(RMS_k, `ClusteringOptions.defaultMinimumScale`).
    public func componentDensities(at x: Double) -> [Double]? {
        let kCount = means.count
        var out = [Double](repeating: 0, count: kCount)
        let components = method.densityFamily == nil
            ? means.indices.map { MixtureComponent(mean: means[$0], scale: max(scales[$0], ClusteringOptions.defaultMinimumScale), shape: 0) }
            : self.components
        let family = method.densityFamily ?? GaussianFamily.self
        withUnsafePointer(to: x) { xp in
            out.withUnsafeMutableBufferPointer { op in
                for k in 0..<kCount {
                    family.logDensities(UnsafeBufferPointer(start: xp, count: 1), components[k],
                                        offset: Double.log(mixtureWeights[k]), into: op.baseAddress! + k)
                }
            }
        }
        return out.map { Double.exp($0) }
    }
}
