import Testing
@testable import DirClust

/// The coarse phase of EM (`ClusteringOptions.coarseCellWidth`): merged cells keep the weight and the first
/// moment exactly, and a coarse-to-fine fit ends at the optimum on the points themselves — the same one a
/// long EM on the points alone reaches — with a monotone trace on the points.
@Suite struct CoarseToFineTests {
    @Test func mergedCellsKeepWeightAndFirstMoment() {
        var rng = SeededRandom(seed: 3, stream: 1)
        let x = (0..<5000).map { _ in rng.uniform() * 1.5 }
        let w = (0..<5000).map { n in n % 7 == 0 ? 0 : rng.uniform() }
        let h = 0.05 * Double.pi / 180
        let (cx, cw) = mergedPoints(x, w, width: h)
        #expect(cx.count < x.count && cx.count > 1000)
        #expect(zip(cx, cx.dropFirst()).allSatisfy { $0 < $1 })
        let total: Double = w.reduce(0, +), mergedTotal: Double = cw.reduce(0, +)
        #expect(abs(mergedTotal - total) < 1e-9 * total)
        var moment = 0.0, merged = 0.0
        for n in x.indices { moment += x[n] * w[n] }
        for j in cx.indices { merged += cx[j] * cw[j] }
        #expect(abs(moment - merged) < 1e-9 * moment)
        // Every merged point lies in the cell of the points it came from.
        for (n, xn) in x.enumerated() where w[n] > 0 {
            let j = Int((xn / h).rounded(.down))
            #expect(cx.contains { Int(($0 / h).rounded(.down)) == j })
        }
    }

    /// Three overlapping components of each family with broad noise (the slow case), both run until the
    /// log-likelihood stops changing (tolerance 0, ≤ 5000 M-steps): coarse to fine ends at the optimum plain EM
    /// on the points reaches (to 1e-4°); where plain EM does not get there in 5000 steps (tMM: ν creeps), coarse
    /// to fine is at least as far up the likelihood.
    @Test(arguments: [ClusteringMethod.gmm, .cauchy, .tmm, .ggmm])
    func coarseToFineReachesTheOptimumOfThePoints(_ method: ClusteringMethod) throws {
        let deg = Double.pi / 180
        var rng = SeededRandom(seed: 11, stream: 2)
        var x = [Double](), w = [Double]()
        for (μ, σ) in [(20.0, 1.5), (30.0, 3.0), (45.0, 12.0)] {
            for _ in 0..<1500 { x.append((μ + σ * rng.gaussian()) * deg); w.append(0.5 + rng.uniform()) }
        }
        let (points, weights) = mergedPoints(x, w, width: 0.005 * deg)  // the fine histogram
        let plain = ClusteringOptions(componentCount: 3, seed: 1, maxIterations: 5000, tolerance: 0)
        var coarse = plain
        coarse.coarseCellWidth = 0.05 * deg
        let reference = try makeClusterer(method, options: plain).fit(points, weights: weights)
        let fit = try makeClusterer(method, options: coarse).fit(points, weights: weights)
        #expect(fit.largestRelativeDecrease < 1e-12)
        guard reference.converged else {
            #expect(method == .tmm)
            #expect(fit.logLikelihood >= reference.logLikelihood, "\(method): \(fit.logLikelihood) < \(reference.logLikelihood)")
            return
        }
        #expect(fit.converged, "\(method)")
        for k in 0..<3 {
            #expect(abs(fit.means[k] - reference.means[k]) < 1e-4 * deg, "\(method) μ\(k): \(fit.means[k] / deg) vs \(reference.means[k] / deg)")
            #expect(abs(fit.scales[k] - reference.scales[k]) < 1e-4 * deg, "\(method) scale \(k)")
        }
        #expect(abs(fit.logLikelihood - reference.logLikelihood) <= 1e-9 * abs(reference.logLikelihood))
    }
}
