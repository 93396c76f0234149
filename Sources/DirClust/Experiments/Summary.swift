import Foundation

/// Mean, standard deviation and count of one metric over a group of trials.
public struct MeanStd: Sendable, Equatable {
    public var mean: Double
    /// Sample standard deviation (n − 1 in the denominator); 0 when n = 1.
    public var std: Double
    public var n: Int

    /// mean = Σx/n, std = √(Σ(x − mean)²/(n − 1)). An infinite value (a SAR of +∞) makes the mean
    /// that infinity and the std 0.
    public init(_ xs: [Double]) {
        n = xs.count
        if let inf = xs.first(where: \.isInfinite) { mean = inf; std = 0; return }
        mean = n == 0 ? 0 : xs.reduce(0, +) / Double(n)
        let m = mean
        std = n < 2 ? 0 : (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot()
    }
}

/// One row of `summary.csv`: trials grouped by everything but the piece and the seed.
public struct SummaryRow: Sendable, Equatable {
    public var layout, condition, snrDb, angleDeg, K, method, stage, weighting, selection, mask: String
    public var sdr, sir, sar: MeanStd

    /// The settings a cell can vary in besides condition, SNR and angle.
    static var settingKeys: [KeyPath<SummaryRow, String>] { [\.K, \.weighting, \.selection, \.mask] }

    /// Those of `settingKeys` that take more than one value over `rows` (what a label must name).
    static func varyingSettings(_ rows: [SummaryRow]) -> [KeyPath<SummaryRow, String>] {
        settingKeys.filter { kp in Set(rows.map { $0[keyPath: kp] }).count > 1 }
    }

    /// A setting as labels show it: `K=6`, otherwise the value itself (`power`, `nearest`, `binary`).
    func settingLabel(_ kp: KeyPath<SummaryRow, String>) -> String {
        kp == \SummaryRow.K ? "K=\(K)" : self[keyPath: kp]
    }

    /// Condition, SNR, angle and settings: the cell a method's row belongs to (stage and method left out),
    /// so rows of two stages or two methods compare cell by cell.
    var cell: [String] { [condition, snrDb, angleDeg] + Self.settingKeys.map { self[keyPath: $0] } }

    /// The grouping key as a TrialKey with the piece, scene id and seed blanked (so it sorts like trials).
    var key: TrialKey {
        TrialKey(scene: .init(sceneID: "", piece: "", layout: layout, angleDeg: angleDeg, condition: condition, snrDb: snrDb),
                 K: K, method: method, stage: stage, weighting: weighting, selection: selection, mask: mask, seed: "")
    }
}

/// Grouping, tables and the paper's claims checked against a run's trials.
public enum Summary {
    /// Groups trials by (layout, condition, SNR, angle, K, method, stage, weighting, selection, mask) and
    /// reduces SDR/SIR/SAR to mean ± std over pieces and seeds. Rows in trial-key order.
    public static func rows(_ records: [TrialRecord]) -> [SummaryRow] {
        var groups: [TrialKey: [TrialRecord]] = [:]
        for r in records {
            var k = r.key
            k.scene.sceneID = ""; k.scene.piece = ""; k.seed = ""
            groups[k, default: []].append(r)
        }
        return groups.keys.sorted().map { k in
            let g = groups[k]!
            return SummaryRow(layout: k.scene.layout, condition: k.scene.condition, snrDb: k.scene.snrDb,
                              angleDeg: k.scene.angleDeg, K: k.K, method: k.method, stage: k.stage,
                              weighting: k.weighting, selection: k.selection, mask: k.mask,
                              sdr: MeanStd(g.map(\.sdr)), sir: MeanStd(g.map(\.sir)), sar: MeanStd(g.map(\.sar)))
        }
    }

    public static func csv(_ rows: [SummaryRow]) -> String {
        let header = "layout,condition,snr_db,angle_deg,K,method,stage,weighting,selection,mask,n,sdr_mean,sdr_std,sir_mean,sir_std,sar_mean,sar_std"
        let lines = rows.map { r in
            ([r.layout, r.condition, r.snrDb, r.angleDeg, r.K, r.method, r.stage, r.weighting, r.selection, r.mask,
              String(r.sdr.n)] + [r.sdr, r.sir, r.sar].flatMap { [TrialTable.fixed($0.mean), TrialTable.fixed($0.std)] })
                .joined(separator: ",")
        }
        return ([header] + lines).joined(separator: "\n") + "\n"
    }

    /// The settings that vary inside one panel table (K, weighting, selection, mask): one table each.
    struct Variant: Hashable, Comparable {
        var K, weighting, selection, mask: String
        static func < (a: Self, b: Self) -> Bool {
            lexicographicLess([compareNumeric(a.K, b.K), compareText(a.weighting, b.weighting),
                               compareText(a.selection, b.selection), compareText(a.mask, b.mask)])
        }
        var label: String {
            [K.isEmpty ? nil : "K = \(K)", weighting.isEmpty ? nil : "weighting \(weighting)",
             selection.isEmpty ? nil : "selection \(selection)", mask.isEmpty ? nil : "\(mask) mask"]
                .compactMap { $0 }.joined(separator: ", ")
        }
    }

    /// A column of the paper-style table: condition (with SNR when noisy) × angle.
    struct Column: Hashable {
        var condition, snrDb, angleDeg: String
        /// Conditions in `conditionOrder` (the config's order, e.g. overK before noise as in the paper),
        /// then SNR and angle numerically.
        static func less(_ a: Self, _ b: Self, conditionOrder: [String]) -> Bool {
            lexicographicLess([compareRank(a.condition, b.condition, conditionOrder), compareNumeric(a.snrDb, b.snrDb),
                               compareNumeric(a.angleDeg, b.angleDeg)])
        }
        var label: String { "\(condition)\(snrDb.isEmpty ? "" : " \(snrDb) dB") θ=\(angleDeg)°" }
    }

    /// `summary.md`: per layout and stage, a table methods × (condition × angle) of SDR mean ± std (n),
    /// laid out like the paper's two panels, then the paper's claims marked reproduced or not.
    public static func markdown(_ records: [TrialRecord], config: ExperimentConfig) -> String {
        let rows = rows(records)
        var md = "# \(config.name): SDR summary\n\n"
        md += "SDR / SIR / SAR in dB (BSS Eval v3, metric `\(config.metric.rawValue)`), mean ± sample std over pieces and seeds; "
        md += "n = number of trials per cell. `mixture` = the unprocessed mixture (lower bound), `ibm` = the ideal binary mask (upper bound).\n"
        md += "Config hash `\(config.hash.prefix(12))`; \(Set(records.map(\.key.scene.piece)).count) pieces, \(records.count) trials.\n\n"
        let layouts = orderedUnique(rows.map(\.layout))
        let baselines = rows.filter { $0.stage == Stage.baselineName }
        for layout in layouts {
            for stage in orderedUnique(rows.filter { $0.layout == layout && $0.stage != Stage.baselineName }.map(\.stage)) {
                let stageRows = rows.filter { $0.layout == layout && $0.stage == stage }
                let variants = Set(stageRows.map { Variant(K: $0.K, weighting: $0.weighting, selection: $0.selection, mask: $0.mask) }).sorted()
                for v in variants {
                    let cells = stageRows.filter { Variant(K: $0.K, weighting: $0.weighting, selection: $0.selection, mask: $0.mask) == v }
                        + baselines.filter { $0.layout == layout }
                    let columns = Set(cells.map { Column(condition: $0.condition, snrDb: $0.snrDb, angleDeg: $0.angleDeg) })
                        .sorted { Column.less($0, $1, conditionOrder: config.conditions.map(\.name)) }
                    md += "## Layout `\(layout)`, stage `\(stage)` (\(v.label))\n\n"
                    md += "| method | " + columns.map(\.label).joined(separator: " | ") + " |\n"
                    md += "|---|" + columns.map { _ in "---:" }.joined(separator: "|") + "|\n"
                    for method in orderedMethods(cells.map(\.method)) {
                        md += "| \(method) | " + columns.map { c in
                            guard let r = cells.first(where: { $0.method == method && Column(condition: $0.condition, snrDb: $0.snrDb, angleDeg: $0.angleDeg) == c }) else { return "–" }
                            return String(format: "%.2f ± %.2f (%d)", r.sdr.mean, r.sdr.std, r.sdr.n)
                        }.joined(separator: " | ") + " |\n"
                    }
                    md += "\n"
                }
            }
        }
        md += "## The paper's claims\n\n"
        for claim in Claims.check(rows) {
            md += "- **\(claim.verdict.rawValue)** — \(claim.statement) \(claim.evidence)\n"
        }
        md += "\nSIR and SAR per cell are in `summary.csv`; every trial is in `trials.csv`.\n"
        return md
    }

    static func orderedUnique<T: Hashable>(_ xs: [T]) -> [T] {
        var seen = Set<T>()
        return xs.filter { seen.insert($0).inserted }
    }

    static func orderedMethods(_ xs: [String]) -> [String] {
        Set(xs).sorted { compareRank($0, $1, TrialKey.methodOrder) < 0 }
    }
}
