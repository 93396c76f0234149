import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// digamma, trigamma, log-gamma and the tMM ν equation against SciPy (special_functions.json).
@Suite struct ClusteringSpecialFunctionTests {
    struct Table: Decodable {
        var x, digamma, trigamma_x, trigamma, lgamma, lgamma_exact: [Double]
        var negative_x, negative_digamma, negative_trigamma: [Double]
        var nu_c, nu_root: [Double]
    }
    let table: Table
    init() throws { table = try ClusteringFixtures.load(Table.self, "special_functions") }

    @Test func digammaMatchesSciPy() throws {
        let xs = table.x, expected = table.digamma
        var worst = 0.0, worstX = 0.0
        for (x, e) in zip(xs, expected) where ClusteringFixtures.relative(digamma(x), e) > worst {
            worst = ClusteringFixtures.relative(digamma(x), e); worstX = x
        }
        #expect(xs.count > 300)
        #expect(worst <= 1e-12, "worst relative error \(worst) at x = \(worstX)")
    }

    @Test func trigammaMatchesSciPy() throws {
        let xs = table.trigamma_x, expected = table.trigamma
        var worst = 0.0
        for (x, e) in zip(xs, expected) { worst = max(worst, ClusteringFixtures.relative(trigamma(x), e)) }
        #expect(worst <= 1e-12, "worst relative error \(worst)")
    }

    /// Against SciPy away from the zeros of ln Γ at 1 and 2 (where SciPy itself is off: it gives +1.1e-16
    /// at x = 2 − 2⁻⁵², the truth is −9.4e-17), and against mpmath (40 digits) everywhere.
    @Test func logGammaMatchesSciPy() throws {
        var worstSciPy = 0.0, worstExact = 0.0, worstX = 0.0
        for (n, x) in table.x.enumerated() {
            let value = logGamma(x)
            if abs(x - 1) > 1e-6, abs(x - 2) > 1e-6 {
                worstSciPy = max(worstSciPy, ClusteringFixtures.relative(value, table.lgamma[n]))
            }
            if table.lgamma_exact[n] != 0, ClusteringFixtures.relative(value, table.lgamma_exact[n]) > worstExact {
                worstExact = ClusteringFixtures.relative(value, table.lgamma_exact[n]); worstX = x
            }
        }
        #expect(worstSciPy <= 1e-12, "worst relative error to SciPy \(worstSciPy)")
        #expect(worstExact <= 1e-12, "worst relative error to mpmath \(worstExact) at x = \(worstX)")
        #expect(logGamma(1) == 0 && logGamma(2) == 0)
    }

    @Test func negativeArgumentsUseReflection() throws {
        let xs = table.negative_x
        for (x, e) in zip(xs, table.negative_digamma) { #expect(ClusteringFixtures.relative(digamma(x), e) <= 1e-12) }
        for (x, e) in zip(xs, table.negative_trigamma) { #expect(ClusteringFixtures.relative(trigamma(x), e) <= 1e-12) }
    }

    @Test func edgeCasesFollowSciPy() {
        #expect(digamma(0) == -.infinity)
        #expect(digamma(-0.0) == .infinity)
        #expect(digamma(-2).isNaN)
        #expect(digamma(.nan).isNaN)
        #expect(digamma(.infinity) == .infinity)
        #expect(digamma(-.infinity).isNaN)
        #expect(trigamma(0) == .infinity)
        #expect(trigamma(-3) == .infinity)
        #expect(trigamma(.infinity) == 0)
        #expect(trigamma(.nan).isNaN)
        // ψ(1) = −γ exactly as a double; ψ′(1) = π²/6.
        #expect(ClusteringFixtures.relative(digamma(1), -0.5772156649015329) <= 1e-15)
        #expect(ClusteringFixtures.relative(trigamma(1), Double.pi * Double.pi / 6) <= 1e-15)
    }

    /// The tMM ν update: closed form + Newton in 1/ν against SciPy's root of log(ν/2) − ψ(ν/2) = c.
    @Test func degreesOfFreedomSolvesTheEquation() throws {
        let cs = table.nu_c, roots = table.nu_root
        var worst = 0.0
        let wide: ClosedRange<Double> = 1e-3...1e6
        for (c, root) in zip(cs, roots) {
            worst = max(worst, ClusteringFixtures.relative(TMixture.degreesOfFreedom(solving: c, bounds: wide), root))
        }
        #expect(cs.first! <= 1e-4 && cs.last! >= 10)
        #expect(worst <= 1e-6, "worst relative error \(worst)")
        // The closed form alone is the Stirling approximation the design quotes: ~2.9 % off near ν = 1.2.
        let c = log(1.18244 / 2) - digamma(1.18244 / 2)
        let closedForm = (1 + (1 + 4 * c / 3).squareRoot()) / (2 * c)
        #expect(abs(closedForm / 1.18244 - 1) > 0.02 && abs(closedForm / 1.18244 - 1) < 0.035)
        // Clamping and the ν → ∞ limit.
        #expect(TMixture.degreesOfFreedom(solving: 0) == TMixture.defaultShapeBounds.upperBound)
        #expect(TMixture.degreesOfFreedom(solving: 1e-6) == 200)
        #expect(TMixture.degreesOfFreedom(solving: 50) == 0.05)
    }
}
