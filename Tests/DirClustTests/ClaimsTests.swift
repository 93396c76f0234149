import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// Paired comparisons and the claims' verdicts: reproduced / contradicted / inconclusive from intervals over
/// pieces, only declared conditions deciding, the 2–5 dB band compared exactly, too few pieces deciding nothing.
@Suite struct ClaimsTests {
    static func record(_ piece: String, _ method: String, _ sdr: Double, angle: String = "15", snr: String = "",
                       stage: String = "clustering", seed: String = "1", layout: String = "fan") -> TrialRecord {
        let condition = snr.isEmpty ? "overK" : "noise"
        return TrialRecord(key: TrialKey(scene: .init(sceneID: "\(piece)_\(layout)_\(angle)_\(condition)", piece: piece, layout: layout,
                                                      angleDeg: angle, condition: condition, snrDb: snr),
                                         K: "6", method: method, stage: stage, weighting: "power", selection: "nearest",
                                         mask: "binary", seed: seed),
                           sdr: sdr, sir: 0, sar: 0)
    }

    static let pieces = ["a", "b", "c", "d", "e", "f"]

    /// Per piece `base + offset(piece)`: offsets spread ±0.3 dB so intervals are not points.
    static func cell(_ method: String, _ base: Double, snr: String = "", angle: String = "15", pieces: [String] = pieces,
                     stage: String = "clustering") -> [TrialRecord] {
        pieces.enumerated().map { i, p in record(p, method, base + 0.12 * Double(i) - 0.3, angle: angle, snr: snr, stage: stage) }
    }

    @Test func verdictRule() {
        #expect(Claims.verdict([1, 0, 0]) == .reproduced)
        #expect(Claims.verdict([-1, 0]) == .contradicted)
        #expect(Claims.verdict([1, -1]) == .inconclusive)
        #expect(Claims.verdict([0, 0]) == .inconclusive)
        #expect(Claims.verdict([]) == .inconclusive)
    }

    /// tMM beats k-means by ~1 dB in the noisy cell: reproduced, although it loses by 3 dB without noise
    /// (not declared); GGMM loses in the noisy cell: contradicted.
    @Test func onlyDeclaredConditionsDecide() throws {
        var table = Self.cell("kmeans", 1, snr: "0") + Self.cell("kmeans", 5)
        // Paired differences vary by piece (not a constant shift) so the intervals have width.
        table += Self.pieces.enumerated().map { i, p in Self.record(p, "tmm", 1 - 0.3 + 0.12 * Double(i) + 1 + 0.1 * Double(i % 2), snr: "0") }
        table += Self.cell("tmm", 2)
        table += Self.pieces.enumerated().map { i, p in Self.record(p, "ggmm", 1 - 0.3 + 0.12 * Double(i) - 0.5 - 0.1 * Double(i % 3), snr: "0") }
        table += Self.cell("ggmm", 5)
        let claims = Claims.check(table, config: ExperimentConfig())
        let tmm = try #require(claims.first { $0.statement.contains("tmm beats k-means") })
        let ggmm = try #require(claims.first { $0.statement.contains("ggmm beats k-means") })
        #expect(tmm.verdict == .reproduced, "\(tmm.evidence)")
        #expect(ggmm.verdict == .contradicted, "\(ggmm.evidence)")
        #expect(tmm.evidence.contains { $0.hasPrefix("noise 0 dB θ=15°: +1.05 dB [") && $0.hasSuffix(" for") }, "\(tmm.evidence)")
        #expect(tmm.evidence.contains { $0.hasPrefix("overK θ=15°: -3.00 dB [-3.00, -3.00], 0/6/0 of 6 (6 pieces × 1 seed) (not declared)") }, "\(tmm.evidence)")
        #expect(tmm.sample == "6 pieces × 1 seed")
    }

    /// With 5 pieces even a consistent +1 dB decides nothing (2 · 2⁻⁵ = 6 % > 5 %).
    @Test func tooFewPiecesAreInconclusive() throws {
        let five = Array(Self.pieces.prefix(5))
        let table = Self.cell("kmeans", 1, snr: "0", pieces: five) + Self.cell("tmm", 2, snr: "0", pieces: five)
        let tmm = try #require(Claims.check(table, config: ExperimentConfig()).first { $0.statement.contains("tmm beats") })
        #expect(tmm.verdict == .inconclusive)
        #expect(tmm.evidence.allSatisfy { $0.hasSuffix("undecided") })
        let d = PairedDifference(Self.cell("tmm", 2, snr: "0", pieces: five), minus: Self.cell("kmeans", 1, snr: "0", pieces: five))
        let ci = try #require(d.interval)
        #expect(abs(ci.low - 1) < 1e-12 && abs(ci.high - 1) < 1e-12 && d.significance == 0 && d.wins == 5)
    }

    /// The band is [2, 5] dB exactly: a cell whose interval reaches 1.99 is not inside it.
    @Test func bandIsComparedWithoutSlack() throws {
        func flat(_ method: String, _ v: Double, angle: String = "15") -> [TrialRecord] {
            Self.pieces.map { Self.record($0, method, v, angle: angle) }
        }
        func band(_ table: [TrialRecord]) throws -> Claims.Claim {
            try #require(Claims.check(table, config: ExperimentConfig()).first { $0.statement.contains("2–5 dB band") })
        }
        #expect(try band(flat("kmeans", 2.0) + flat("tmm", 5.0)).verdict == .reproduced)
        #expect(try band(flat("kmeans", 1.99) + flat("tmm", 1.0)).verdict == .contradicted)
        #expect(try band(flat("kmeans", 1.99) + flat("tmm", 3.0)).verdict == .inconclusive)
        #expect(try band(flat("kmeans", 5.01)).verdict == .contradicted)
        // An interval straddling the edge is undecided: (1.7 … 2.3) with 6 pieces.
        let straddle = try band(Self.cell("kmeans", 2.0) + flat("tmm", 3.0))
        #expect(straddle.verdict == .reproduced && straddle.evidence[0].hasSuffix("undecided"), "\(straddle.evidence)")
        // One claim per layout and condition.
        let both = Claims.check(flat("kmeans", 3) + Self.cell("kmeans", 1, snr: "0"), config: ExperimentConfig())
        #expect(both.filter { $0.statement.contains("2–5 dB band") }.map(\.verdict) == [.reproduced, .contradicted])
    }

    @Test func stageGainIsPairedPerMethod() throws {
        var table = Self.cell("kmeans", 1) + Self.cell("kmeans", 1.5, stage: "hybrid")
        table += Self.cell("tmm", 1) + Self.cell("tmm", 0.5, stage: "hybrid")
        let claim = try #require(Claims.check(table, config: ExperimentConfig()).first { $0.statement.contains("supervised-NMF stage") })
        #expect(claim.verdict == .contradicted)
        #expect(claim.evidence == ["kmeans overK θ=15°: +0.50 dB [+0.50, +0.50], 6/0/0 of 6 (6 pieces × 1 seed) for",
                                   "tmm overK θ=15°: -0.50 dB [-0.50, -0.50], 0/6/0 of 6 (6 pieces × 1 seed) against"])
    }

    @Test func pairsCoverEveryPairOfMethodsPerCell() {
        let table = Self.cell("kmeans", 1) + Self.cell("gmm", 2) + Self.cell("tmm", 1.5) + Self.cell("kmeans", 0, angle: "45")
            + Self.pieces.map { Self.record($0, "mixture", -3, stage: "baseline", seed: "") }
        let rows = PairedStatistics.rows(table)
        #expect(rows.map { "\($0.cell.scene.angleDeg) \($0.method)−\($0.versus)" } == ["15 gmm−kmeans", "15 tmm−kmeans", "15 tmm−gmm"])
        #expect(abs(rows[2].difference.mean + 0.5) < 1e-12 && rows[2].difference.losses == 6)
        let csv = PairedStatistics.csv(rows).split(separator: "\n")
        #expect(csv[0] == Substring(PairedStatistics.csvHeader))
        #expect(csv[1] == "fan,overK,,15,6,clustering,power,nearest,binary,gmm,kmeans,6,1,6,1.0000,1.0000,1.0000,6,0,0")
        let md = PairedStatistics.markdown(rows, config: ExperimentConfig())
        #expect(md.contains("| A − B | overK θ=15° |"))
        #expect(md.contains("| tmm − gmm | **-0.50 [-0.50, -0.50]** 0/6/0 |"), "\(md)")
    }
}

/// The seed-sensitivity table: per trial the SDR range across seeds, per method its median and maximum.
@Suite struct SeedSpreadTests {
    @Test func rangePerTrialThenMedianAndMaximumPerMethod() {
        var table: [TrialRecord] = []
        // kmeans: ranges 0.0, 0.2, 2.0 over three scenes; gmm: one seed only (no row).
        for (piece, sdrs) in [("a", [1.0, 1.0, 1.0]), ("b", [1.0, 1.2, 1.1]), ("c", [0.0, 2.0, 1.0])] {
            for (s, v) in sdrs.enumerated() { table.append(ClaimsTests.record(piece, "kmeans", v, seed: "\(s + 1)")) }
            table.append(ClaimsTests.record(piece, "gmm", 3))
        }
        table.append(ClaimsTests.record("a", "mixture", -3, stage: "baseline", seed: ""))
        let rows = SeedSpread.rows(table)
        #expect(rows.count == 1 && rows[0].method == "kmeans" && rows[0].trials == 3 && rows[0].seeds == 3)
        #expect(abs(rows[0].median - 0.2) < 1e-12 && rows[0].maximum == 2 && !rows[0].meetsCriterion)
        let md = SeedSpread.markdown(rows)
        #expect(md.contains("| kmeans | 3 | 3 | 0.20 | 2.00 | no |"))
        #expect(SeedSpread.markdown([]) == "")
    }
}
