/// Weighted k-means (Lloyd's algorithm) on 1-D directions, seeded by weighted k-means++; also the shared
/// initialiser of every mixture.
///
/// Objective: J(c) = Σ_n w_n min_k (x_n − c_k)². Each iteration assigns every point to its nearest
/// centre (ties to the lower index), records −J, and moves each centre to its cluster's weighted mean
/// c_k = Σ_{n∈k} w_n x_n / Σ_{n∈k} w_n. A cluster left with zero weight is re-seeded at the point with the
/// largest w_n (x_n − c_{k(n)})² (the point contributing most to J), so J never increases. Stops when the
/// assignment no longer changes, when |ΔJ| ≤ tolerance · J, or after `maxIterations` updates.
public struct KMeans: DirectionClusterer {
    public let options: ClusteringOptions
    public init(options: ClusteringOptions) { self.options = options }

    /// Validates the input (see `DirectionClusterer`) and runs weighted Lloyd from k-means++ seeding
    /// (or from `initialization`'s means). The fit's scales are the within-cluster weighted RMS distances.
    public func fit(_ x: [Double], weights: [Double]?) throws -> ClusterFit {
        let w = try validatedWeights(x, weights, options: options)
        let start: [Double]
        if case let .parameters(means, _, _, _) = options.initialization { start = means } else { start = seedCenters(x, w) }
        let result = lloyd(x, w, centers: start, maxIterations: options.maxIterations)
        let clusters = result.clusterStatistics(x, w)
        let components = result.centers.indices.map {
            MixtureComponent(mean: result.centers[$0], scale: clusters.rms[$0], shape: 0)
        }
        return ClusterFit(method: .kmeans, components: components, mixtureWeights: clusters.weights,
                          reportsShape: false, trace: result.trace, iterations: result.iterations,
                          converged: result.converged, totalWeight: w.reduce(0, +))
    }

    /// The start of every mixture: centres, within-cluster weighted RMS and weight shares of the seeded
    /// weighted k-means (`.kmeans`: Lloyd to convergence; `.kmeansPlusPlus`: the seeding's partition).
    func initialClusters(_ x: [Double], _ w: [Double]) -> (means: [Double], rms: [Double], weights: [Double]) {
        let seeds = seedCenters(x, w)
        let iterations = options.initialization == .kmeansPlusPlus ? 0 : max(options.maxIterations, 100)
        let result = lloyd(x, w, centers: seeds, maxIterations: iterations)
        let clusters = result.clusterStatistics(x, w)
        return (result.centers, clusters.rms, clusters.weights)
    }

    /// Weighted k-means++ (Arthur & Vassilvitskii 2007): the first centre drawn with probability ∝ w_n,
    /// each further one ∝ w_n D(x_n)², D the distance to the nearest chosen centre. When every point with
    /// positive weight already sits on a centre (fewer distinct directions than K) the first centre is
    /// repeated. Randomness: `SeededRandom(seed: options.seed, stream: kmeansPlusPlusStream)`.
    func seedCenters(_ x: [Double], _ w: [Double]) -> [Double] {
        var rng = SeededRandom(seed: options.seed, stream: KMeans.kmeansPlusPlusStream)
        func draw(_ mass: (Int) -> Double, total: Double) -> Int {
            let target = rng.uniform() * total
            var cumulative = 0.0, last = 0
            for n in x.indices where mass(n) > 0 {
                cumulative += mass(n)
                last = n
                if cumulative > target { return n }
            }
            return last
        }
        var centers = [x[draw({ w[$0] }, total: w.reduce(0, +))]]
        var d2 = x.map { ($0 - centers[0]) * ($0 - centers[0]) }
        while centers.count < options.componentCount {
            var total = 0.0
            for n in x.indices { total += w[n] * d2[n] }
            guard total > 0 else { centers.append(centers[0]); continue }
            let c = x[draw({ w[$0] * d2[$0] }, total: total)]
            centers.append(c)
            for n in x.indices { d2[n] = min(d2[n], (x[n] - c) * (x[n] - c)) }
        }
        return centers
    }

    static let kmeansPlusPlusStream: UInt64 = 0x6B6D_6561_6E73  // "kmeans"

    struct LloydResult {
        var centers: [Double]
        var labels: [Int]
        var trace: [Double]
        var iterations: Int
        var converged: Bool

        /// Weighted RMS distance to the centre and share of the total weight, per cluster.
        func clusterStatistics(_ x: [Double], _ w: [Double]) -> (rms: [Double], weights: [Double]) {
            var mass = [Double](repeating: 0, count: centers.count), sse = mass
            for n in x.indices {
                let k = labels[n], d = x[n] - centers[k]
                mass[k] += w[n]
                sse[k] += w[n] * d * d
            }
            let total = mass.reduce(0, +)
            return (centers.indices.map { mass[$0] > 0 ? (sse[$0] / mass[$0]).squareRoot() : 0 },
                    mass.map { $0 / total })
        }
    }

    /// Weighted Lloyd iterations from `centers` (see the type's documentation).
    func lloyd(_ x: [Double], _ w: [Double], centers start: [Double], maxIterations: Int) -> LloydResult {
        let kCount = start.count
        var centers = start
        var labels = [Int](repeating: -1, count: x.count)
        var d2 = [Double](repeating: 0, count: x.count)
        var mass = [Double](repeating: 0, count: kCount), moment = mass
        var trace: [Double] = []
        var iterations = 0, converged = false
        while true {
            for k in 0..<kCount { mass[k] = 0; moment[k] = 0 }
            var sse = 0.0, changed = false
            for n in x.indices {
                var best = 0, bestD2 = (x[n] - centers[0]) * (x[n] - centers[0])
                for k in 1..<kCount {
                    let d = (x[n] - centers[k]) * (x[n] - centers[k])
                    if d < bestD2 { best = k; bestD2 = d }
                }
                if labels[n] != best { labels[n] = best; changed = true }
                d2[n] = bestD2
                sse += w[n] * bestD2
                mass[best] += w[n]
                moment[best] += w[n] * x[n]
            }
            let previous = trace.last
            trace.append(-sse)
            if let previous, !changed || abs(-sse - previous) <= options.tolerance * sse {
                converged = true
                break
            }
            if iterations == maxIterations { break }
            for k in 0..<kCount {
                if mass[k] > 0 {
                    centers[k] = moment[k] / mass[k]
                } else {
                    // Empty cluster: re-seed at the point contributing most to J.
                    var far = -1, farMass = 0.0
                    for n in x.indices where w[n] * d2[n] > farMass { far = n; farMass = w[n] * d2[n] }
                    if far >= 0 { centers[k] = x[far]; d2[far] = 0 }
                }
            }
            iterations += 1
        }
        return LloydResult(centers: centers, labels: labels, trace: trace, iterations: iterations, converged: converged)
    }
}
