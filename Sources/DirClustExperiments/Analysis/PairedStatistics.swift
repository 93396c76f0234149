import DirClust
import Foundation

/// The paired difference of two sets of trials that share scenes and seeds (two methods in one cell, or
/// one method at two stages): per scene s = (piece, seed) the difference d_s = SDR_A(s) − SDR_B(s);
/// per piece p the mean over its seeds d̄_p; the mean over pieces D = (1/n) Σ_p d̄_p; a percentile-bootstrap
/// CI of D over pieces (`Bootstrap`); and the sign count of the d_s.
///
/// Pairing removes what the two share (the piece's difficulty, the seed's start): the comparison is as
/// sharp as the differences are consistent, not as the SDRs are spread. Scenes present on one side only
/// are left out.
public struct PairedDifference: Sendable, Equatable {
    /// n, the pieces with at least one pair.
    public var pieces: Int
    /// Distinct seeds among the pairs.
    public var seeds: Int
    /// Scenes × seeds paired.
    public var pairs: Int
    /// D, the mean over pieces of the per-piece mean difference (dB).
    public var mean: Double
    /// The 95 % percentile-bootstrap interval of D over pieces; nil without pairs.
    public var interval: ConfidenceInterval?
    /// Pairs with d_s > `tieTolerance` (A better), d_s < −`tieTolerance` (B better), and the rest.
    public var wins, losses, ties: Int

    /// |d| below half the last decimal of `trials.csv` (4 decimals) counts as a tie, so counts from a
    /// fresh run and from its CSV agree.
    public static let tieTolerance = 0.5e-4

    /// Pairs `a` and `b` by (piece, seed) — the caller passes trials of one cell each.
    public init(_ a: [TrialRecord], minus b: [TrialRecord], bootstrap: Bootstrap = .standard) {
        struct Pair: Hashable { var piece, seed: String }
        var bBy: [Pair: Double] = [:]
        for r in b { bBy[Pair(piece: r.key.scene.piece, seed: r.key.seed)] = r.sdr }
        var byPiece: [String: [(seed: String, d: Double)]] = [:]
        var seedSet = Set<String>()
        var wins = 0, losses = 0, ties = 0
        for r in a {
            let p = Pair(piece: r.key.scene.piece, seed: r.key.seed)
            guard let other = bBy[p] else { continue }
            let d = r.sdr - other
            byPiece[p.piece, default: []].append((p.seed, d))
            seedSet.insert(p.seed)
            if d > Self.tieTolerance { wins += 1 } else if d < -Self.tieTolerance { losses += 1 } else { ties += 1 }
        }
        // Pieces by name, seeds by number: the sums do not depend on the order of the records.
        let perPiece = byPiece.keys.sorted().map { k in
            byPiece[k]!.sorted { compareNumeric($0.seed, $1.seed) < 0 }.reduce(0) { $0 + $1.d } / Double(byPiece[k]!.count)
        }
        pieces = perPiece.count
        seeds = seedSet.count
        pairs = wins + losses + ties
        mean = perPiece.isEmpty ? 0 : perPiece.reduce(0, +) / Double(perPiece.count)
        interval = bootstrap.interval(perPiece)
        self.wins = wins; self.losses = losses; self.ties = ties
    }

    /// +1 when the CI lies above 0 (A significantly better), −1 below, 0 when it covers 0 or there are fewer
    /// than `PairedStatistics.minimumPieces` pieces.
    public var significance: Int {
        guard pieces >= PairedStatistics.minimumPieces, let interval else { return 0 }
        return interval.side(of: 0)
    }

    /// `+0.23 dB [−0.10, +0.55], 8/4/0 of 12 (6 pieces × 2 seeds)`.
    public var text: String {
        String(format: "%+.2f dB ", mean) + (interval.map { String(format: "[%+.2f, %+.2f]", $0.low, $0.high) } ?? "[–]")
            + ", \(wins)/\(losses)/\(ties) of \(pairs) (\(pieces) pieces × \(seeds) seed\(seeds == 1 ? "" : "s"))"
    }
}

/// One row of `pairs.csv`: method A against method B (A − B, A the later in `TrialKey.methodOrder`) in one
/// cell (layout, condition, SNR, angle, K, stage, weighting, selection, mask).
public struct PairRow: Sendable, Equatable {
    /// The cell as a trial key with the scene id, piece, method and seed blank.
    public var cell: TrialKey
    public var method, versus: String
    public var difference: PairedDifference
}

/// Every paired comparison of a run, as `pairs.csv` and `pairs.md`.
public enum PairedStatistics {
    /// Fewest pieces for a CI to decide anything. If all n per-piece differences share a sign the percentile
    /// interval excludes 0 whatever their size; when the sign of each is a fair coin that happens with
    /// probability 2 · 2⁻ⁿ, below 5 % only from n = 6 (3.1 %; n = 5 gives 6.25 %).
    public static let minimumPieces = 6

    /// The cell of a trial: its key with scene id, piece, method and seed blanked (the stage is kept).
    static func cell(of key: TrialKey) -> TrialKey {
        var k = key
        k.scene.sceneID = ""; k.scene.piece = ""; k.method = ""; k.seed = ""
        return k
    }

    /// For every cell of the clusterers (bounds left out) and every pair of its methods, A − B with A after B
    /// in `TrialKey.methodOrder`. Rows in cell order, then pair order.
    public static func rows(_ records: [TrialRecord], bootstrap: Bootstrap = .standard) -> [PairRow] {
        var groups: [TrialKey: [String: [TrialRecord]]] = [:]
        for r in records where r.key.stage != Stage.baselineName {
            groups[cell(of: r.key), default: [:]][r.key.method, default: []].append(r)
        }
        var out: [PairRow] = []
        for c in groups.keys.sorted() {
            let byMethod = groups[c]!
            let methods = Summary.orderedMethods(Array(byMethod.keys))
            for (j, a) in methods.enumerated() {
                for b in methods[..<j] {
                    out.append(PairRow(cell: c, method: a, versus: b,
                                       difference: PairedDifference(byMethod[a]!, minus: byMethod[b]!, bootstrap: bootstrap)))
                }
            }
        }
        // Within a cell: by the baseline method, then the compared one (kmeans first: "gmm − kmeans", …).
        return out.sorted { x, y in
            if x.cell != y.cell { return x.cell < y.cell }
            return lexicographicLess([compareRank(x.versus, y.versus, TrialKey.methodOrder),
                                      compareRank(x.method, y.method, TrialKey.methodOrder)])
        }
    }

    public static let csvHeader = "layout,condition,snr_db,angle_deg,K,stage,weighting,selection,mask,method,versus,pieces,seeds,pairs,mean_diff,ci_low,ci_high,wins,losses,ties"

    public static func csv(_ rows: [PairRow]) -> String {
        let lines = rows.map { r -> String in
            let c = r.cell, d = r.difference
            return ([c.scene.layout, c.scene.condition, c.scene.snrDb, c.scene.angleDeg, c.K, c.stage, c.weighting, c.selection,
                     c.mask, r.method, r.versus, String(d.pieces), String(d.seeds), String(d.pairs), TrialTable.fixed(d.mean),
                     d.interval.map { TrialTable.fixed($0.low) } ?? "", d.interval.map { TrialTable.fixed($0.high) } ?? "",
                     String(d.wins), String(d.losses), String(d.ties)]).joined(separator: ",")
        }
        return ([csvHeader] + lines).joined(separator: "\n") + "\n"
    }

    /// `pairs.md`: per layout, stage and setting variant, a table of pairs × (condition × angle) cells, each
    /// entry `mean [CI] wins/losses/ties`, bold where the CI excludes 0 with ≥ `minimumPieces` pieces.
    public static func markdown(_ rows: [PairRow], config: ExperimentConfig, bootstrap: Bootstrap = .standard) -> String {
        document(rows, config: config, bootstrap: bootstrap).markdown + "\n"
    }

    /// The blocks of `pairs.md` (the report renders the same blocks as HTML).
    public static func document(_ rows: [PairRow], config: ExperimentConfig, bootstrap: Bootstrap = .standard) -> Document {
        var doc = Document([
            .heading(level: 1, [.text("\(config.name): paired comparisons")]),
            .paragraph([[.text("Per cell and pair of methods: the SDR difference A − B (dB) of the same scene and seed, averaged over a "
                               + "piece's seeds, then over pieces; [\(formatNumber(bootstrap.level * 100)) % percentile-bootstrap interval over pieces, "
                               + "\(bootstrap.resamples) resamples]; wins/losses/ties of A over the scene × seed pairs. "),
                         .strong("Bold"), .text(": the interval excludes 0 (with at least \(minimumPieces) pieces).")]]),
        ])
        for layout in Summary.orderedUnique(rows.map(\.cell.scene.layout)) {
            let inLayout = rows.filter { $0.cell.scene.layout == layout }
            for stage in Summary.orderedUnique(inLayout.map(\.cell.stage)) {
                let inStage = inLayout.filter { $0.cell.stage == stage }
                func variant(_ r: PairRow) -> Summary.Variant {
                    Summary.Variant(K: r.cell.K, weighting: r.cell.weighting, selection: r.cell.selection, mask: r.cell.mask)
                }
                func column(_ r: PairRow) -> Summary.Column {
                    Summary.Column(condition: r.cell.scene.condition, snrDb: r.cell.scene.snrDb, angleDeg: r.cell.scene.angleDeg)
                }
                for v in Set(inStage.map(variant)).sorted() {
                    let cells = inStage.filter { variant($0) == v }
                    let columns = Set(cells.map(column)).sorted { Summary.Column.less($0, $1, conditionOrder: config.conditions.map(\.name)) }
                    var pairs: [(String, String)] = []
                    for r in cells where !pairs.contains(where: { $0 == (r.method, r.versus) }) { pairs.append((r.method, r.versus)) }
                    let body = pairs.map { a, b -> [Document.Inline] in
                        [[.text("\(a) − \(b)")]] + columns.map { c in
                            guard let r = cells.first(where: { $0.method == a && $0.versus == b && column($0) == c }) else { return [.text("–")] }
                            return entry(r.difference)
                        }
                    }
                    doc.blocks += [.heading(level: 2, Summary.panelTitle(layout: layout, stage: stage, variant: v)),
                                   .table(Document.Table(header: [[.text("A − B")]] + columns.map { [.text($0.label)] },
                                                         numeric: [false] + columns.map { _ in true }, rows: body))]
                }
            }
        }
        return doc
    }

    /// `+0.23 [−0.10, +0.55] 4/2/0`, bold when significant.
    static func entry(_ d: PairedDifference) -> Document.Inline {
        let ci = d.interval.map { String(format: "[%+.2f, %+.2f]", $0.low, $0.high) } ?? "[–]"
        let text = String(format: "%+.2f ", d.mean) + ci
        let counts = " \(d.wins)/\(d.losses)/\(d.ties)"
        return d.significance != 0 ? [.strong(text), .text(counts)] : [.text(text + counts)]
    }
}
