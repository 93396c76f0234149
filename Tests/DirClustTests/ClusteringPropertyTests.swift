import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// Properties every clusterer must have: monotone EM, weights that mean replication, determinism, finite
/// output on degenerate input, clear errors on bad input.
@Suite struct ClusteringPropertyTests {
    static let mixtures: [ClusteringMethod] = [.gmm, .cauchy, .tmm, .ggmm]

    /// Data set `index` of the monotonicity sweep: 2–4 true components, one of three kinds (Gaussian,
    /// heavy-tailed t with ν = 1.5, bounded uniform), 300–900 points, and K = 2–3× the true count.
    static func sweepDataSet(_ index: Int) -> (x: [Double], weights: [Double], k: Int) {
        var rng = SeededRandom(seed: UInt64(index), stream: 11)
        let truth = 2 + index % 3
        let means = (0..<truth).map { _ in 0.1 + 1.37 * rng.uniform() }
        let scales = (0..<truth).map { _ in 0.01 + 0.08 * rng.uniform() }
        let count = 300 + Int(600 * rng.uniform())
        let kind = index % 3
        let x = ClusteringFixtures.mixture(count: count, components: truth, seed: UInt64(1000 + index)) { k, r in
            switch kind {
            case 0: return means[k] + scales[k] * r.gaussian()
            case 1: return ClusteringFixtures.studentT(1.5, mean: means[k], scale: scales[k], &r)
            default: return means[k] + scales[k] * (2 * r.uniform() - 1)
            }
        }
        // Power-like weights on every other data set.
        let weights = index % 2 == 0 ? x.map { _ in 1.0 } : x.map { _ in ClusteringFixtures.gamma(1.5, &rng) }
        return (x, weights, truth * (2 + index % 2))
    }

    @Test(arguments: mixtures)
    func emNeverDecreasesTheLogLikelihood(_ method: ClusteringMethod) throws {
        var worst = 0.0, totalIterations = 0
        for index in 0..<50 {
            let data = Self.sweepDataSet(index)
            let options = ClusteringOptions(componentCount: data.k, seed: UInt64(index), maxIterations: 60, tolerance: 1e-10)
            let fit = try makeClusterer(method, options: options).fit(data.x, weights: data.weights)
            var localWorst = 0.0
            for t in fit.logLikelihoodTrace.indices.dropFirst() {
                let previous = fit.logLikelihoodTrace[t - 1]
                localWorst = max(localWorst, (previous - fit.logLikelihoodTrace[t]) / abs(previous))
            }
            #expect(localWorst <= 1e-9, "data set \(index): relative decrease \(localWorst)")
            #expect(fit.largestRelativeDecrease <= 1e-9)
            #expect(fit.logLikelihoodTrace.allSatisfy { $0.isFinite })
            #expect(fit.scales.allSatisfy { $0 >= options.minimumScale && $0.isFinite })
            #expect(fit.means.allSatisfy(\.isFinite) && fit.mixtureWeights.allSatisfy(\.isFinite))
            worst = max(worst, localWorst)
            totalIterations += fit.iterations
        }
        #expect(totalIterations > 50 * 5, "EM must actually iterate (total \(totalIterations))")
    }

    @Test func kMeansObjectiveNeverIncreases() throws {
        for index in 0..<50 {
            let data = Self.sweepDataSet(index)
            let fit = try KMeans(options: ClusteringOptions(componentCount: data.k, seed: UInt64(index), tolerance: 0))
                .fit(data.x, weights: data.weights)
            #expect(fit.largestRelativeDecrease == 0, "data set \(index)")
            #expect(fit.converged)
        }
    }

    /// Integer weights are replication: w = (1, 3, 2, …) fits exactly like the data with each point
    /// repeated w times (adjacent copies, so the k-means++ draws coincide too). Equal to 1e-9 relative
    /// (summation order differs); GGMM to 1e-6, since its inner μ/β searches accept or reject steps on
    /// differences at rounding level.
    @Test(arguments: ClusteringMethod.allCases)
    func integerWeightsEqualReplicatedPoints(_ method: ClusteringMethod) throws {
        let data = Self.sweepDataSet(3)
        let counts = data.x.indices.map { 1 + $0 % 3 }
        var replicated: [Double] = []
        for (xn, c) in zip(data.x, counts) { replicated += Array(repeating: xn, count: c) }
        let options = ClusteringOptions(componentCount: 4, seed: 5, maxIterations: 40, tolerance: 0)
        let weighted = try makeClusterer(method, options: options).fit(data.x, weights: counts.map(Double.init))
        let copies = try makeClusterer(method, options: options).fit(replicated, weights: nil)
        #expect(weighted.iterations == copies.iterations)
        let tolerance = method == .ggmm ? 1e-6 : 1e-9
        func close(_ a: [Double], _ b: [Double]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(abs($1), 1e-3) }
        }
        #expect(close(weighted.means, copies.means))
        #expect(close(weighted.scales, copies.scales))
        #expect(close(weighted.mixtureWeights, copies.mixtureWeights))
        #expect(close(weighted.shapes ?? [], copies.shapes ?? []))
        #expect(close(weighted.logLikelihoodTrace, copies.logLikelihoodTrace))
    }

    @Test(arguments: ClusteringMethod.allCases)
    func fitsAreDeterministicPerSeed(_ method: ClusteringMethod) throws {
        let data = Self.sweepDataSet(7)
        let options = ClusteringOptions(componentCount: 5, seed: 42, maxIterations: 30)
        let a = try makeClusterer(method, options: options).fit(data.x, weights: data.weights)
        let b = try makeClusterer(method, options: options).fit(data.x, weights: data.weights)
        #expect(a == b)
        let other = try makeClusterer(method, options: ClusteringOptions(componentCount: 5, seed: 43, maxIterations: 30))
            .fit(data.x, weights: data.weights)
        #expect(other.method == method && other.means.count == 5)
    }
}
