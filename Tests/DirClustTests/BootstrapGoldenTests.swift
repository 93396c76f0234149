import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// The percentile bootstrap and the paired difference against `scripts/gen_bootstrap_golden.py`: NumPy on the
/// very resamples Swift draws (to rounding), and SciPy's `bootstrap(method='percentile')` on its own resamples
/// (to 5√2 Monte-Carlo standard deviations, measured by the generator).
@Suite struct BootstrapGoldenTests {
    struct Case: Decodable {
        var name: String
        var values: [Double]
        var resamples: Int
        var seed: UInt64
        var exact: [Double]
        var firstIndices: [Int]
        var scipy: [Double]?
        var scipyTolerance: [Double]?
    }
    struct Paired: Decodable {
        var a, b: [[Double]]
        var perPiece: [Double]
        var mean: Double
        var exact: [Double]
        var wins, losses, ties: Int
    }
    struct Golden: Decodable { var level: Double; var cases: [Case]; var paired: Paired }

    static let golden: Golden = try! ClusteringFixtures.load(Golden.self, "bootstrap_golden")

    @Test func sameResamplesAsNumPy() throws {
        let g = Self.golden
        #expect(g.cases.count == 6)
        for c in g.cases {
            let b = Bootstrap(resamples: c.resamples, seed: c.seed, level: g.level)
            #expect(Array(b.indices(count: c.values.count).prefix(c.firstIndices.count)) == c.firstIndices, "\(c.name)")
            let ci = try #require(b.interval(c.values))
            #expect(abs(ci.low - c.exact[0]) <= 1e-12 && abs(ci.high - c.exact[1]) <= 1e-12,
                    "\(c.name): \(ci) vs NumPy \(c.exact)")
        }
    }

    @Test func agreesWithSciPyWithinMonteCarloError() throws {
        for c in Self.golden.cases {
            guard let sc = c.scipy, let tol = c.scipyTolerance else { continue }
            let ci = try #require(Bootstrap(resamples: c.resamples, seed: c.seed, level: Self.golden.level).interval(c.values))
            #expect(abs(ci.low - sc[0]) <= tol[0] + 1e-12 && abs(ci.high - sc[1]) <= tol[1] + 1e-12,
                    "\(c.name): \(ci) vs SciPy \(sc) ± \(tol)")
        }
    }

    @Test func standardSettingsMatchTheGenerator() {
        // The generator hard-codes Bootstrap.standard; a change here must regenerate the golden file.
        #expect(Bootstrap.standard == Bootstrap(resamples: 10_000, seed: 20_261_128, level: 0.95))
        #expect(Self.golden.cases[0].resamples == Bootstrap.standard.resamples && Self.golden.cases[0].seed == Bootstrap.standard.seed)
    }

    /// Seeds are averaged per piece before resampling; ties are |d| ≤ 0.5e-4 dB.
    @Test func pairedDifferenceMatchesNumPy() throws {
        let p = Self.golden.paired
        func records(_ sdr: [[Double]], method: String) -> [TrialRecord] {
            sdr.enumerated().flatMap { i, seeds in
                seeds.enumerated().map { s, v in
                    let piece = "p\(i)"
                    return TrialRecord(key: TrialKey(scene: .init(sceneID: "\(piece)_fan_15_overK", piece: piece, layout: "fan", angleDeg: "15",
                                                                  condition: "overK", snrDb: ""),
                                                     K: "6", method: method, stage: "clustering", weighting: "power",
                                                     selection: "nearest", mask: "binary", seed: "\(s + 1)"),
                                       sdr: v, sir: 0, sar: 0)
                }
            }
        }
        let d = PairedDifference(records(p.a, method: "tmm"), minus: records(p.b, method: "kmeans"))
        #expect(d.pieces == p.a.count && d.seeds == p.a[0].count && d.pairs == p.a.count * p.a[0].count)
        #expect(abs(d.mean - p.mean) <= 1e-12)
        let ci = try #require(d.interval)
        #expect(abs(ci.low - p.exact[0]) <= 1e-12 && abs(ci.high - p.exact[1]) <= 1e-12, "\(ci) vs \(p.exact)")
        #expect(d.wins == p.wins && d.losses == p.losses && d.ties == p.ties)
        // The same with the piece order shuffled (pieces are sorted by name before resampling).
        let shuffled = PairedDifference(Array(records(p.a, method: "tmm").reversed()), minus: records(p.b, method: "kmeans"))
        #expect(shuffled == d)
    }

    @Test func percentileIsNumPysLinearRule() {
        let x = [1.0, 2, 4, 8]
        #expect(Bootstrap.percentile(sorted: x, 0) == 1 && Bootstrap.percentile(sorted: x, 100) == 8)
        #expect(Bootstrap.percentile(sorted: x, 50) == 3)          // h = 1.5
        #expect(abs(Bootstrap.percentile(sorted: x, 2.5) - 1.075) < 1e-15)  // h = 0.075
        #expect(Bootstrap.percentile(sorted: [5], 97.5) == 5)
        #expect(Bootstrap.standard.interval([]) == nil)
    }
}
