import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// GMM and k-means against scikit-learn from identical initial parameters (clustering_gmm.json,
/// clustering_kmeans.json from scripts/gen_clustering_golden.py).
@Suite struct ClusteringGoldenTests {
    struct GMMGolden: Decodable {
        struct Run: Decodable {
            var iterations: Int
            var means, variances, weights: [Double]
            var logLikelihood, logLikelihoodBeforeLastStep: Double
        }
        struct Case: Decodable {
            var x, initialMeans, initialSigmas, initialWeights: [Double]
            var runs: [Run]
        }
        var cases: [Case]
    }

    struct KMeansGolden: Decodable {
        struct Run: Decodable {
            var iterations, sklearnIterations: Int
            var centers: [Double]
            var inertia: Double
        }
        struct Case: Decodable {
            var x, weights, initialCenters: [Double]
            var runs: [Run]
        }
        var cases: [Case]
    }

    @Test func gaussianMixtureMatchesScikitLearn() throws {
        let golden = try ClusteringFixtures.load(GMMGolden.self, "clustering_gmm")
        #expect(golden.cases.count == 2)
        var worst = 0.0
        for c in golden.cases {
            for run in c.runs {
                // reg_covar = 0 in sklearn; a floor far below every σ here keeps ours inactive.
                let options = ClusteringOptions(
                    componentCount: c.initialMeans.count, maxIterations: run.iterations, tolerance: 0,
                    initialization: .parameters(means: c.initialMeans, scales: c.initialSigmas, mixtureWeights: c.initialWeights),
                    minimumScale: 1e-9)
                let fit = try GaussianMixture(options: options).fit(c.x, weights: nil)
                // tolerance 0 stops early only when L stops changing exactly (a fixed point sklearn sits on too).
                #expect(fit.iterations == run.iterations || fit.converged)
                for k in c.initialMeans.indices {
                    worst = max(worst, ClusteringFixtures.relative(fit.means[k], run.means[k]),
                                ClusteringFixtures.relative(fit.scales[k] * fit.scales[k], run.variances[k]),
                                ClusteringFixtures.relative(fit.mixtureWeights[k], run.weights[k]))
                }
                let trace = fit.logLikelihoodTrace
                worst = max(worst, ClusteringFixtures.relative(trace[trace.count - 1], run.logLikelihood),
                            ClusteringFixtures.relative(trace[trace.count - 2], run.logLikelihoodBeforeLastStep))
            }
        }
        #expect(worst <= 1e-6, "worst relative difference to scikit-learn \(worst)")
    }

    @Test func weightedKMeansMatchesScikitLearn() throws {
        let golden = try ClusteringFixtures.load(KMeansGolden.self, "clustering_kmeans")
        #expect(golden.cases.count == 2)
        var worst = 0.0
        for c in golden.cases {
            for run in c.runs {
                let ones = [Double](repeating: 1, count: c.initialCenters.count)
                let options = ClusteringOptions(
                    componentCount: c.initialCenters.count, maxIterations: run.iterations, tolerance: 0,
                    initialization: .parameters(means: c.initialCenters, scales: ones, mixtureWeights: ones))
                let fit = try KMeans(options: options).fit(c.x, weights: c.weights)
                for k in c.initialCenters.indices { worst = max(worst, ClusteringFixtures.relative(fit.means[k], run.centers[k])) }
                worst = max(worst, ClusteringFixtures.relative(-fit.logLikelihood, run.inertia))
                // sklearn also counts the pass that finds the assignment unchanged; we count centre updates.
                #expect(fit.iterations == (run.sklearnIterations < run.iterations ? run.sklearnIterations - 1 : run.iterations))
            }
        }
        #expect(worst <= 1e-9, "worst relative difference to scikit-learn \(worst)")
    }
}
