/// A clusterer of 1-D directions: the common interface of k-means and the four mixtures.
///
/// `fit` throws a `DirClustError` for: an empty `x`; a `weights` array of another length; a non-finite
/// direction or one with |x| > 10⁶ rad; a negative or non-finite weight; a zero total weight; fewer points
/// with positive weight than K; invalid options. Every other input — all directions identical, many
/// repeated values, K far larger than the number of sources — returns a valid, finite fit (components
/// may then coincide; no scale falls below `ClusteringOptions.minimumScale`).
public protocol DirectionClusterer: Sendable {
    /// The options this clusterer was made with.
    var options: ClusteringOptions { get }
    /// Fit on 1-D directions x_n (radians; θ ∈ [0, π/2] in dirclust, but any finite values work) with
    /// weights w_n ≥ 0 (nil = all 1).
    func fit(_ x: [Double], weights: [Double]?) throws -> ClusterFit
}

/// The clusterer for `method`.
public func makeClusterer(_ method: ClusteringMethod, options: ClusteringOptions) -> any DirectionClusterer {
    switch method {
    case .kmeans: return KMeans(options: options)
    case .gmm: return GaussianMixture(options: options)
    case .cauchy: return CauchyMixture(options: options)
    case .tmm: return TMixture(options: options)
    case .ggmm: return GGMixture(options: options)
    }
}

/// Validates the data and options shared by every clusterer; returns the weights (all 1 when nil).
func validatedWeights(_ x: [Double], _ weights: [Double]?, options: ClusteringOptions) throws -> [Double] {
    try options.validate()
    guard !x.isEmpty else { throw DirClustError("clustering input is empty; expected at least K = \(options.componentCount) directions.") }
    for (n, xn) in x.enumerated() where !(xn.isFinite && abs(xn) <= 1e6) {
        throw DirClustError("clustering input direction x[\(n)] = \(xn) is invalid; expected a finite angle in radians (|x| ≤ 10⁶).")
    }
    let w = weights ?? [Double](repeating: 1, count: x.count)
    guard w.count == x.count else {
        throw DirClustError("clustering weights have \(w.count) entries for \(x.count) directions; expected one weight per direction.")
    }
    var total = 0.0, positive = 0
    for (n, wn) in w.enumerated() {
        guard wn.isFinite, wn >= 0 else {
            throw DirClustError("clustering weight w[\(n)] = \(wn) is invalid; expected a finite number ≥ 0.")
        }
        total += wn
        if wn > 0 { positive += 1 }
    }
    guard total > 0, total.isFinite else {
        throw DirClustError("clustering weights sum to \(total); expected a positive finite total weight.")
    }
    guard positive >= options.componentCount else {
        throw DirClustError("clustering input has \(positive) directions with positive weight for K = \(options.componentCount) components; expected at least K.")
    }
    return w
}
