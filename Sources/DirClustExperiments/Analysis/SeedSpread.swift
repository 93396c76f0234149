import DirClust
import Foundation

/// How much the random start decides a trial: for every trial that was run with several seeds (same scene,
/// method, stage and settings), the SDR range across its seeds, max_s SDR_s − min_s SDR_s; per method the
/// median and the maximum of those ranges (issue 15's criterion for choosing the number of restarts: median
/// ≤ 0.05 dB and maximum ≤ 1 dB for every method).
public struct SeedSpread: Sendable, Equatable {
    public var method: String
    /// Trials (scene × stage × settings) with at least two seeds.
    public var trials: Int
    public var seeds: Int
    public var median: Double
    public var maximum: Double

    /// Issue 15's thresholds on the per-trial range (dB).
    public static let medianLimit = 0.05, maximumLimit = 1.0

    public var meetsCriterion: Bool { median <= Self.medianLimit && maximum <= Self.maximumLimit }

    /// One row per clusterer with at least one trial run under two or more seeds, in `TrialKey.methodOrder`.
    public static func rows(_ records: [TrialRecord]) -> [SeedSpread] {
        var bySeedless: [TrialKey: [Double]] = [:]
        var seedsOf: [String: Set<String>] = [:]
        for r in records where r.key.stage != Stage.baselineName {
            var k = r.key
            k.seed = ""
            bySeedless[k, default: []].append(r.sdr)
            seedsOf[r.key.method, default: []].insert(r.key.seed)
        }
        var ranges: [String: [Double]] = [:]
        for (k, sdrs) in bySeedless where sdrs.count >= 2 {
            ranges[k.method, default: []].append(sdrs.max()! - sdrs.min()!)
        }
        return Summary.orderedMethods(Array(ranges.keys)).map { m in
            let sorted = ranges[m]!.sorted()
            return SeedSpread(method: m, trials: sorted.count, seeds: seedsOf[m]!.count,
                              median: Bootstrap.percentile(sorted: sorted, 50), maximum: sorted.last!)
        }
    }

    /// The `summary.md` section as Markdown, followed by a blank line (empty when no trial has two seeds).
    public static func markdown(_ rows: [SeedSpread]) -> String { rows.isEmpty ? "" : document(rows).markdown + "\n" }

    /// The `summary.md` section (empty when no trial has two seeds).
    public static func document(_ rows: [SeedSpread]) -> Document {
        guard !rows.isEmpty else { return Document() }
        return Document([
            .heading(level: 2, [.text("Seed sensitivity")]),
            .paragraph([[.text("Per trial (scene, method, stage, settings) the SDR range across its seeds (max − min, dB); per method the median "
                               + "and the maximum over trials. Issue 15's bar for the number of restarts: median ≤ \(formatNumber(medianLimit)) dB and "
                               + "maximum ≤ \(formatNumber(maximumLimit)) dB for every method.")]]),
            .table(Document.Table(
                header: ["method", "trials", "seeds", "median range", "max range", "meets the bar"].map { [.text($0)] },
                numeric: [false, true, true, true, true, false],
                rows: rows.map { r in
                    [r.method, String(r.trials), String(r.seeds), String(format: "%.2f", r.median), String(format: "%.2f", r.maximum),
                     r.meetsCriterion ? "yes" : "no"].map { [.text($0)] }
                })),
        ])
    }
}
