import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// Degenerate and bad input: a clear `DirClustError` where no fit makes sense, a valid finite fit otherwise;
/// and the fitted model's evaluation (posteriors, MAP, densities) is finite and normalised everywhere.
@Suite struct ClusteringRobustnessTests {
    static func expectError(_ method: ClusteringMethod, _ x: [Double], _ w: [Double]?, k: Int = 3,
                            options: ClusteringOptions? = nil, mentioning word: String) {
        do {
            _ = try makeClusterer(method, options: options ?? ClusteringOptions(componentCount: k)).fit(x, weights: w)
            Issue.record("\(method): expected an error mentioning \(word)")
        } catch let error as DirClustError {
            #expect(error.message.contains(word), "\(error.message)")
        } catch {
            Issue.record("\(method): unexpected error type \(error)")
        }
    }

    @Test(arguments: ClusteringMethod.allCases)
    func badInputThrowsAClearError(_ method: ClusteringMethod) {
        let x = [0.1, 0.5, 0.9, 1.2]
        Self.expectError(method, [], nil, mentioning: "empty")
        Self.expectError(method, [0.1, 0.2], nil, mentioning: "at least K")  // N < K
        Self.expectError(method, x, [0, 0, 1, 1], mentioning: "at least K")  // too few weighted points
        Self.expectError(method, x, [0, 0, 0, 0], mentioning: "positive finite total")
        Self.expectError(method, [0.1, .nan, 0.9, 1.2], nil, mentioning: "x[1]")
        Self.expectError(method, [0.1, 0.5, .infinity, 1.2], nil, mentioning: "x[2]")
        Self.expectError(method, x, [1, -1, 1, 1], mentioning: "w[1]")
        Self.expectError(method, x, [1, 1, .nan, 1], mentioning: "w[2]")
        Self.expectError(method, x, [1, 1], mentioning: "one weight per direction")
        Self.expectError(method, x, nil, options: ClusteringOptions(componentCount: 0), mentioning: "componentCount")
        Self.expectError(method, x, nil, options: ClusteringOptions(componentCount: 2, tolerance: -1), mentioning: "tolerance")
        Self.expectError(method, x, nil, options: ClusteringOptions(componentCount: 2, minimumScale: 0), mentioning: "minimumScale")
        Self.expectError(method, x, nil, options: ClusteringOptions(
            componentCount: 2, initialization: .parameters(means: [0.1], scales: [0.1], mixtureWeights: [1])),
                         mentioning: "initialization")
    }

    /// All directions identical: every method returns a finite fit with every mean on the value and no
    /// scale below the floor; the component holding the data sits exactly at the floor. (k-means++ can only
    /// repeat the one centre, so the other components start, and stay, with weight 0.)
    @Test(arguments: ClusteringMethod.allCases)
    func identicalDirectionsGiveAFiniteFit(_ method: ClusteringMethod) throws {
        let x = [Double](repeating: 0.7, count: 200)
        let fit = try makeClusterer(method, options: ClusteringOptions(componentCount: 4)).fit(x, weights: nil)
        #expect(fit.means.allSatisfy { abs($0 - 0.7) < 1e-12 })
        if method != .kmeans {
            #expect(fit.scales.allSatisfy { $0 >= ClusteringOptions.defaultMinimumScale && $0.isFinite })
            #expect(fit.mixtureWeights.indices.allSatisfy {
                fit.mixtureWeights[$0] == 0 || fit.scales[$0] == ClusteringOptions.defaultMinimumScale
            })
        }
        #expect(fit.logLikelihoodTrace.allSatisfy { $0.isFinite })
        #expect(abs(fit.mixtureWeights.reduce(0, +) - 1) < 1e-12)
        let r = fit.posteriors([0.7, 0.2])
        #expect(r.allSatisfy { $0.isFinite } && abs(r[0..<4].reduce(0, +) - 1) < 1e-12)
    }

    /// Two sources panned exactly (many repeated θ), K = 12: no NaN, no component narrower than the floor,
    /// and the model evaluates finitely anywhere, including far away and at NaN.
    @Test(arguments: ClusteringMethod.allCases)
    func overEstimatedKStaysFinite(_ method: ClusteringMethod) throws {
        var rng = SeededRandom(seed: 3)
        let x = (0..<3000).map { n -> Double in
            switch n % 3 {
            case 0: return 0.4
            case 1: return 1.1
            default: return 0.2 + 1.2 * rng.uniform()
            }
        }
        let w = x.indices.map { _ in ClusteringFixtures.gamma(0.5, &rng) }
        let options = ClusteringOptions(componentCount: 12, seed: 9)
        let fit = try makeClusterer(method, options: options).fit(x, weights: w)
        #expect(fit.means.count == 12 && fit.means == fit.means.sorted())
        #expect(fit.means.allSatisfy(\.isFinite) && fit.mixtureWeights.allSatisfy(\.isFinite))
        if method != .kmeans { #expect(fit.scales.allSatisfy { $0 >= options.minimumScale && $0.isFinite }) }
        #expect((fit.shapes ?? []).allSatisfy { $0.isFinite && $0 > 0 })
        let probe = [0.4, 1.1, -3, 1e6, -1e300, .greatestFiniteMagnitude, .nan]
        let r = fit.posteriors(probe)
        #expect(r.count == probe.count * 12 && r.allSatisfy(\.isFinite))
        for i in probe.indices { #expect(abs(r[(i * 12)..<((i + 1) * 12)].reduce(0, +) - 1) < 1e-12) }
        let map = fit.assignments(probe)
        #expect(map.allSatisfy { (0..<12).contains($0) })
        for i in probe.indices {
            let row = Array(r[(i * 12)..<((i + 1) * 12)])
            #expect(row[map[i]] == row.max())
        }
        #expect(fit.componentDensities(at: 0.4)!.allSatisfy { $0.isFinite && $0 >= 0 })
    }

    /// The posteriors are π_k p_k(x) / Σ_j π_j p_j(x), computed here directly from the GMM's parameters.
    @Test func posteriorsFollowBayesRule() throws {
        let data = ClusteringPropertyTests.sweepDataSet(0)
        let fit = try GaussianMixture(options: ClusteringOptions(componentCount: 3)).fit(data.x, weights: nil)
        let probe = [0.2, 0.5, 0.8, 1.3]
        let r = fit.posteriors(probe)
        for (i, x) in probe.enumerated() {
            let joint = fit.means.indices.map { k in
                fit.mixtureWeights[k] * exp(-0.5 * pow((x - fit.means[k]) / fit.scales[k], 2)) / (fit.scales[k] * (2 * Double.pi).squareRoot())
            }
            let densities = fit.componentDensities(at: x)!
            for k in joint.indices {
                #expect(abs(r[i * 3 + k] - joint[k] / joint.reduce(0, +)) < 1e-12)
                #expect(abs(densities[k] - joint[k]) <= 1e-12 * max(joint[k], 1e-300))
            }
        }
        // The final trace entry is the weighted log-likelihood of the returned parameters.
        let logLikelihood = data.x.reduce(0.0) { sum, x in
            sum + log(fit.componentDensities(at: x)!.reduce(0, +))
        }
        #expect(abs(logLikelihood - fit.logLikelihood) <= 1e-9 * abs(logLikelihood))
    }

    /// Each family's density integrates to 1 (checks the log Γ normalisers): ∫ p dx by the trapezoid
    /// rule in u, x = μ + α tan u, which makes even Cauchy tails smooth.
    @Test func componentDensitiesIntegrateToOne() {
        func integral(_ family: any MixtureFamily.Type, _ θ: MixtureComponent) -> Double {
            let m = 200_001
            let u = (0..<m).map { -Double.pi / 2 + Double.pi * (Double($0) + 0.5) / Double(m) }
            let x = u.map { θ.mean + θ.scale * tan($0) }
            var logP = [Double](repeating: 0, count: m)
            x.withUnsafeBufferPointer { xp in
                logP.withUnsafeMutableBufferPointer { family.logDensities(xp, θ, offset: 0, into: $0.baseAddress!) }
            }
            let du = Double.pi / Double(m)
            return zip(logP, u).reduce(0.0) { $0 + exp($1.0) * θ.scale / (cos($1.1) * cos($1.1)) * du }
        }
        for β in [0.5, 1, 2, 3.3, 8] {
            let total = integral(GeneralizedGaussianFamily.self, MixtureComponent(mean: 0.8, scale: 0.05, shape: β))
            #expect(abs(total - 1) < 1e-6, "GG β = \(β): \(total)")
        }
        for ν in [1, 3, 30.0] {  // ν < 1 tails make the integrand in u singular at ±π/2
            let total = integral(StudentTFamily.self, MixtureComponent(mean: 0.8, scale: 0.05, shape: ν))
            #expect(abs(total - 1) < 1e-6, "t ν = \(ν): \(total)")
        }
        let gaussian = integral(GaussianFamily.self, MixtureComponent(mean: 0.8, scale: 0.05, shape: 0))
        #expect(abs(gaussian - 1) < 1e-6)
    }
}
