import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// Fixtures for the clustering tests: golden JSON from `scripts/gen_clustering_golden.py` and seeded
/// samplers of the mixture families (all randomness from `SeededRandom`).
enum ClusteringFixtures {
    /// Decodes a golden file from Resources. JSONDecoder, not JSONSerialization: on Linux the latter
    /// parses some doubles one ulp off (1.4616321449683622 → 1.461632144968362), JSONDecoder is exact.
    static func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        let url = try #require(Bundle.module.url(forResource: "Resources/\(name)", withExtension: "json"))
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// Relative difference |a − b| / max(|b|, floor).
    static func relative(_ a: Double, _ b: Double, floor: Double = 1e-300) -> Double {
        abs(a - b) / max(abs(b), floor)
    }

    /// Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 via Gamma(shape + 1) · U^{1/shape}.
    static func gamma(_ shape: Double, _ rng: inout SeededRandom) -> Double {
        if shape < 1 {
            var u = rng.uniform()
            while u <= 0 { u = rng.uniform() }
            return gamma(shape + 1, &rng) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var z = 0.0, v = 0.0
            repeat { z = rng.gaussian(); v = 1 + c * z } while v <= 0
            v = v * v * v
            let u = rng.uniform()
            if u > 0, log(u) < 0.5 * z * z + d - d * v + d * log(v) { return d * v }
        }
    }

    /// Student-t with ν degrees of freedom, location μ, scale α: μ + α z / √(χ²_ν / ν).
    static func studentT(_ ν: Double, mean μ: Double, scale α: Double, _ rng: inout SeededRandom) -> Double {
        let chi2 = 2 * gamma(ν / 2, &rng)
        return μ + α * rng.gaussian() / (chi2 / ν).squareRoot()
    }

    /// Generalised Gaussian: μ ± α G^{1/β}, G ~ Gamma(1/β, 1).
    static func generalizedGaussian(_ β: Double, mean μ: Double, scale α: Double, _ rng: inout SeededRandom) -> Double {
        let magnitude = α * pow(gamma(1 / β, &rng), 1 / β)
        return rng.uniform() < 0.5 ? μ - magnitude : μ + magnitude
    }

    /// Draws `count` points from the mixture given by `sample(component)` with equal weights, shuffled
    /// by construction (the component is drawn per point).
    static func mixture(count: Int, components: Int, seed: UInt64,
                        _ sample: (Int, inout SeededRandom) -> Double) -> [Double] {
        var rng = SeededRandom(seed: seed, stream: 7)
        return (0..<count).map { _ in
            let k = min(Int(rng.uniform() * Double(components)), components - 1)
            return sample(k, &rng)
        }
    }
}
