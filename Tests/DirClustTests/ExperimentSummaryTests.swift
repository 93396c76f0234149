import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

@Suite struct ExperimentSummaryTests {
    func record(_ piece: String, _ angle: String, _ method: String, _ sdr: Double, condition: String = "overK") -> TrialRecord {
        let baseline = method == "mixture" || method == "ibm"
        let k = TrialKey(scene: .init(sceneID: "\(piece)_\(angle)", piece: piece, layout: "fan", angleDeg: angle, condition: condition, snrDb: ""),
                         K: baseline ? "" : "6", method: method, stage: baseline ? "baseline" : "clustering",
                         weighting: baseline ? "" : "power", selection: baseline ? "" : "nearest", mask: baseline ? "" : "binary",
                         seed: baseline ? "" : "1")
        return TrialRecord(key: k, sdr: sdr, sir: sdr * 2, sar: 1)
    }

    @Test func meanAndSampleStd() {
        let m = MeanStd([1, 2, 3, 4])
        #expect(m.n == 4 && m.mean == 2.5 && abs(m.std - (5.0 / 3).squareRoot()) < 1e-15)
        #expect(MeanStd([7]).std == 0 && MeanStd([7]).mean == 7)
    }

    @Test func infiniteSARIsWrittenAndReadAsInf() throws {
        var r = record("a", "15", "mixture", -2.5)
        r.sar = .infinity
        let line = TrialTable.line(r)
        #expect(line.hasSuffix(",-2.5000,-5.0000,inf,,,,,,,,"))
        let back = try TrialTable.read(data: Data((TrialTable.header + "\n" + line + "\n").utf8), source: "t")
        #expect(back.records == [r] && back.partialBytes == 0)
        #expect(MeanStd([1, .infinity]).mean == .infinity && MeanStd([1, .infinity]).std == 0)
        // An SDR of inf or a NaN anywhere is rejected when read.
        #expect(throws: DirClustError.self) { try TrialTable.read(data: Data((TrialTable.header + "\n" + line.replacingOccurrences(of: "-2.5000", with: "nan") + "\n").utf8), source: "t") }
    }

    @Test func groupsOverPiecesByAngleAndMethod() {
        let table = [record("a", "15", "kmeans", 1), record("b", "15", "kmeans", 3), record("c", "15", "kmeans", 8),
                     record("a", "45", "kmeans", 4), record("b", "45", "kmeans", 6),
                     record("a", "15", "tmm", 2), record("b", "15", "tmm", 2), record("a", "15", "mixture", -3)]
        let rows = Summary.rows(table)
        #expect(rows.map { "\($0.angleDeg) \($0.method) \($0.sdr.n)" } == ["15 mixture 1", "15 kmeans 3", "15 tmm 2", "45 kmeans 2"])
        #expect(rows[1].sdr.mean == 4 && abs(rows[1].sdr.std - 13.0.squareRoot()) < 1e-12 && rows[1].sir.mean == 8)
        #expect(rows[3].sdr.mean == 5 && abs(rows[3].sdr.std - 2.0.squareRoot()) < 1e-12)
        let csv = Summary.csv(rows).split(separator: "\n")
        // Intervals from scripts/gen_bootstrap_golden.py's exact resampler: with 3 pieces P(all draws = the
        // lowest) = 1/27 > 2.5 %, so the interval is the whole range.
        #expect(csv[2] == "fan,overK,,15,6,kmeans,clustering,power,nearest,binary,3,4.0000,3.6056,8.0000,7.2111,1.0000,0.0000,3,1.0000,8.0000")
        let md = Summary.markdown(table, config: ExperimentConfig())
        #expect(md.contains("| kmeans | 4.00 [1.00, 8.00] (3) | 5.00 [4.00, 6.00] (2) |"))
        #expect(md.contains("| tmm | 2.00 [2.00, 2.00] (2) | – |"))
    }

    /// Summary columns and figure panels follow the config's condition order (overK before noise, as in the
    /// paper), not the alphabet.
    @Test func conditionsFollowTheConfigOrder() {
        let table = [record("a", "15", "kmeans", 1), record("a", "15", "kmeans", 2, condition: "noise")]
        var config = ExperimentConfig()
        #expect(config.conditions.map(\.name) == ["overK", "noise"])
        let header = Summary.markdown(table, config: config).split(separator: "\n").first { $0.hasPrefix("| method") }!
        #expect(header == "| method | overK θ=15° | noise θ=15° |")
        config.conditions.reverse()
        let reversed = Summary.markdown(table, config: config).split(separator: "\n").first { $0.hasPrefix("| method") }!
        #expect(reversed == "| method | noise θ=15° | overK θ=15° |")
        let svg = Figure.svg(table, title: "t", conditionOrder: ["overK", "noise"])
        #expect(svg.range(of: "· overK")!.lowerBound < svg.range(of: "· noise")!.lowerBound)
    }

    /// Against K the bounds (which have no K) are drawn as flat dashed lines, not left out.
    @Test func kSweepFigureDrawsTheBoundsFlat() {
        var table = [record("a", "15", "mixture", -3), record("a", "15", "ibm", 9)]
        for (k, sdr) in [("2", 1.0), ("4", 4.0), ("6", 3.0)] {
            var r = record("a", "15", "kmeans", sdr)
            r.key.K = k
            table.append(r)
        }
        let svg = Figure.svg(table, title: "t")
        let polylines = svg.components(separatedBy: "<polyline").dropFirst()
        #expect(polylines.count == 3)
        let dashed = polylines.filter { $0.contains("stroke-dasharray") }
        #expect(dashed.count == 2)
        for line in dashed {
            let points = line.components(separatedBy: "points=\"")[1].prefix { $0 != "\"" }.split(separator: " ")
            #expect(points.count == 3 && Set(points.map { $0.split(separator: ",")[1] }).count == 1, "\(points)")
        }
    }

    @Test func figureHasOneBarPerMethodAndAngle() {
        let table = [record("a", "15", "kmeans", 1), record("a", "45", "kmeans", 4), record("a", "15", "tmm", 2),
                     record("a", "45", "tmm", 3), record("a", "15", "mixture", -3), record("a", "45", "mixture", -2)]
        let svg = Figure.svg(table, title: "t")
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == 1 + 6 + 2)  // frame + 6 bars + 2 legend keys
        #expect(svg.contains("tmm θ=45°: 3.00 dB [3.00, 3.00] (n=1)"))
    }
}
