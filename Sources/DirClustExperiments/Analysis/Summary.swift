import DirClust
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
    /// Pieces in the cell, and the 95 % percentile-bootstrap interval of the mean SDR over pieces (each
    /// piece's seeds averaged first; `Bootstrap`).
    public var pieces: Int
    public var sdrInterval: ConfidenceInterval?

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
    /// reduces SDR/SIR/SAR to mean ± std over pieces and seeds, plus the bootstrap interval of the mean SDR
    /// over pieces. Rows in trial-key order.
    public static func rows(_ records: [TrialRecord], bootstrap: Bootstrap = .standard) -> [SummaryRow] {
        var groups: [TrialKey: [TrialRecord]] = [:]
        for r in records {
            var k = r.key
            k.scene.sceneID = ""; k.scene.piece = ""; k.seed = ""
            groups[k, default: []].append(r)
        }
        return groups.keys.sorted().map { k in
            let g = groups[k]!
            let perPiece = pieceMeans(g)
            return SummaryRow(layout: k.scene.layout, condition: k.scene.condition, snrDb: k.scene.snrDb,
                              angleDeg: k.scene.angleDeg, K: k.K, method: k.method, stage: k.stage,
                              weighting: k.weighting, selection: k.selection, mask: k.mask,
                              sdr: MeanStd(g.map(\.sdr)), sir: MeanStd(g.map(\.sir)), sar: MeanStd(g.map(\.sar)),
                              pieces: perPiece.count, sdrInterval: bootstrap.interval(perPiece))
        }
    }

    /// Each piece's mean SDR over its seeds, in piece order (what the bootstrap resamples).
    static func pieceMeans(_ records: [TrialRecord]) -> [Double] {
        var byPiece: [String: [Double]] = [:]
        for r in records.sorted(by: { $0.key < $1.key }) { byPiece[r.key.scene.piece, default: []].append(r.sdr) }
        return byPiece.keys.sorted().map { byPiece[$0]!.reduce(0, +) / Double(byPiece[$0]!.count) }
    }

    /// `summary.csv`: one row per cell; `n` trials, `pieces`, SDR/SIR/SAR mean and std, and the SDR mean's
    /// 95 % bootstrap interval over pieces (`sdr_ci_low`, `sdr_ci_high`; the last two columns).
    public static func csv(_ rows: [SummaryRow]) -> String {
        let header = "layout,condition,snr_db,angle_deg,K,method,stage,weighting,selection,mask,n,sdr_mean,sdr_std,sir_mean,sir_std,sar_mean,sar_std,pieces,sdr_ci_low,sdr_ci_high"
        let lines = rows.map { r in
            ([r.layout, r.condition, r.snrDb, r.angleDeg, r.K, r.method, r.stage, r.weighting, r.selection, r.mask,
              String(r.sdr.n)] + [r.sdr, r.sir, r.sar].flatMap { [TrialTable.fixed($0.mean), TrialTable.fixed($0.std)] }
              + [String(r.pieces), r.sdrInterval.map { TrialTable.fixed($0.low) } ?? "", r.sdrInterval.map { TrialTable.fixed($0.high) } ?? ""])
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

    /// `summary.md`: per layout and stage, a table methods × (condition × angle) of the SDR mean [95 %
    /// bootstrap interval over pieces] (n), laid out like the paper's two panels, then the paper's claims
    /// with their verdicts (`Claims`).
    public static func markdown(_ records: [TrialRecord], config: ExperimentConfig, bootstrap: Bootstrap = .standard) -> String {
        document(records, config: config, bootstrap: bootstrap).markdown
    }

    /// The blocks of `summary.md` (the report renders the same blocks as HTML).
    public static func document(_ records: [TrialRecord], config: ExperimentConfig, bootstrap: Bootstrap = .standard) -> Document {
        let rows = rows(records, bootstrap: bootstrap)
        var doc = Document([
            .heading(level: 1, [.text("\(config.name): SDR summary")]),
            .paragraph([
                [.text("SDR in dB (BSS Eval v3, metric "), .code(config.metric.rawValue),
                 .text("): mean over pieces and seeds [\(formatNumber(bootstrap.level * 100)) % percentile-bootstrap interval of the mean over pieces, "
                       + "each piece's seeds averaged first, \(bootstrap.resamples) resamples]; n = number of trials per cell. "),
                 .code(Bound.mixture.rawValue), .text(" = the unprocessed mixture (lower bound), "),
                 .code(Bound.ibm.rawValue), .text(" = the ideal binary mask (upper bound).")],
                [.text("Config hash "), .code(String(config.hash.prefix(12))),
                 .text("; \(Set(records.map(\.key.scene.piece)).count) pieces, \(records.count) trials.")],
            ]),
        ])
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
                    let body = orderedMethods(cells.map(\.method)).map { method -> [Document.Inline] in
                        [[.text(method)]] + columns.map { c in
                            guard let r = cells.first(where: { $0.method == method && Column(condition: $0.condition, snrDb: $0.snrDb, angleDeg: $0.angleDeg) == c }) else { return [.text("–")] }
                            return [.text(String(format: "%.2f ", r.sdr.mean) + intervalText(r.sdrInterval) + " (\(r.sdr.n))")]
                        }
                    }
                    doc.blocks += [.heading(level: 2, panelTitle(layout: layout, stage: stage, variant: v)),
                                   .table(Document.Table(header: [[.text("method")]] + columns.map { [.text($0.label)] },
                                                         numeric: [false] + columns.map { _ in true }, rows: body))]
                }
            }
        }
        doc = doc + SeedSpread.document(SeedSpread.rows(records))
        doc.blocks += [
            .heading(level: 2, [.text("The paper's claims")]),
            .list(Claims.check(records, config: config, bootstrap: bootstrap).map(Claims.item)),
            .paragraph([[.text("Std, SIR and SAR per cell are in "), .code("summary.csv"),
                         .text("; every paired comparison of two methods is in "), .code("pairs.md"), .text(" / "), .code("pairs.csv"),
                         .text("; every trial is in "), .code(TrialTable.fileName), .text(".")]]),
        ]
        return doc
    }

    /// `Layout `fan`, stage `clustering` (K = 6, weighting power, …)`: a panel's heading.
    static func panelTitle(layout: String, stage: String, variant: Variant) -> Document.Inline {
        [.text("Layout "), .code(layout), .text(", stage "), .code(stage), .text(" (\(variant.label))")]
    }

    /// `[−2.25, −1.40]` (two decimals), `[–]` without an interval.
    static func intervalText(_ ci: ConfidenceInterval?) -> String {
        ci.map { String(format: "[%.2f, %.2f]", $0.low, $0.high) } ?? "[–]"
    }

    static func orderedUnique<T: Hashable>(_ xs: [T]) -> [T] {
        var seen = Set<T>()
        return xs.filter { seen.insert($0).inserted }
    }

    static func orderedMethods(_ xs: [String]) -> [String] {
        Set(xs).sorted { compareRank($0, $1, TrialKey.methodOrder) < 0 }
    }
}
