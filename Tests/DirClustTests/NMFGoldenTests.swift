import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// One iteration of the β-divergence multiplicative updates against scikit-learn's MU NMF
/// (scripts/gen_nmf_golden.py → Resources/nmf_golden.json), for β = 2, 1, 0.5 and 0.
@Suite struct NMFGoldenTests {
    struct Case: Decodable {
        let beta: Double
        let X: [[Double]], W0: [[Double]], H0: [[Double]], W1: [[Double]], H1: [[Double]]
        let divergence0: Double, divergence1: Double
    }
    struct File: Decodable { let cases: [Case] }

    static func cases() throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "Resources/nmf_golden", withExtension: "json"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    @Test func oneIterationMatchesScikitLearn() throws {
        let cases = try Self.cases()
        #expect(cases.count == 4)
        for c in cases {
            let F = c.X.count, T = c.X[0].count, K = c.W0[0].count
            // dirclust layouts: X and H frame-major, W basis-major.
            let x = (0..<(F * T)).map { c.X[$0 % F][$0 / F] }
            let w0 = (0..<(K * F)).map { c.W0[$0 % F][$0 / F] }
            let h0 = (0..<(T * K)).map { c.H0[$0 % K][$0 / K] }
            let fit = fitMaskedNMF(data: x, weights: [Double](repeating: 1, count: F * T), frequencyCount: F,
                                   frameCount: T, fixedBases: [], fixedCount: 0, componentCount: K, iterations: 1,
                                   divergence: .beta(c.beta), seed: 0, start: (freeBases: w0, activations: h0))
            #expect(abs(fit.objective[0] - c.divergence0) <= 1e-9 * c.divergence0, "β = \(c.beta)")
            #expect(abs(fit.objective[1] - c.divergence1) <= 1e-9 * c.divergence1, "β = \(c.beta)")
            for f in 0..<F { for k in 0..<K {
                #expect(abs(fit.bases[k * F + f] - c.W1[f][k]) <= 1e-9 * max(abs(c.W1[f][k]), 1e-3), "β = \(c.beta) W[\(f),\(k)]")
            } }
            for k in 0..<K { for t in 0..<T {
                #expect(abs(fit.activations[t * K + k] - c.H1[k][t]) <= 1e-9 * max(abs(c.H1[k][t]), 1e-3), "β = \(c.beta) H[\(k),\(t)]")
            } }
        }
    }
}
