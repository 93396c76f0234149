import Foundation

/// The paper's qualitative claims, each checked against a run's summary rows.
public enum Claims {
    public enum Verdict: String, Sendable { case reproduced = "reproduced", partly = "partly reproduced", not = "not reproduced" }

    public struct Claim: Sendable {
        public var statement: String
        public var verdict: Verdict
        public var evidence: String
    }

    static let clusterers = ClusteringMethod.allCases.map(\.rawValue)

    public static func check(_ rows: [SummaryRow]) -> [Claim] {
        var claims: [Claim] = []
        for layout in Summary.orderedUnique(rows.map(\.layout)) {
            let clustering = rows.filter { $0.layout == layout && $0.stage == Stage.clustering.rawValue && clusterers.contains($0.method) }
            if !clustering.isEmpty { claims.append(band(clustering, layout: layout)) }
            if let c = heavyTailsBeatKMeans(clustering, layout: layout) { claims.append(c) }
            let nmf = rows.filter { $0.layout == layout && $0.stage == Stage.nmf.rawValue }
            let hybrid = rows.filter { $0.layout == layout && $0.stage == Stage.hybrid.rawValue }
            if let c = stageImproves(clustering, hybrid, statement:
                "Layout `\(layout)`: the supervised-NMF stage improves SDR over the clustering output for each method.") {
                claims.append(c)
            }
            if let c = stageImproves(nmf, hybrid, statement:
                "Layout `\(layout)`: spectrogram restoration improves SDR over supervised NMF on the cluster's bins alone, for each method.") {
                claims.append(c)
            }
        }
        return claims
    }

    /// "The clustering output's SDR lies roughly in 2–5 dB": reproduced if every clusterer cell mean lies
    /// in 1.5–5.5 dB, partly if at least half lie in 2–5 dB.
    static func band(_ cells: [SummaryRow], layout: String) -> Claim {
        let means = cells.map(\.sdr.mean)
        let inBand = means.filter { (2...5).contains($0) }.count
        let verdict: Verdict = means.allSatisfy { (1.5...5.5).contains($0) } ? .reproduced
            : (2 * inBand >= means.count ? .partly : .not)
        return Claim(statement: "Layout `\(layout)`: the clustering output's SDR lies roughly in the paper's 2–5 dB band.",
                     verdict: verdict,
                     evidence: String(format: "Cell means range %.2f … %.2f dB; %d of %d cells lie in 2–5 dB.",
                                      means.min() ?? 0, means.max() ?? 0, inBand, means.count))
    }

    /// "tMM / GGMM beat k-means under certain conditions": reproduced if in at least one cell
    /// (condition × angle × settings) the better of tMM and GGMM has a higher mean SDR than k-means.
    static func heavyTailsBeatKMeans(_ cells: [SummaryRow], layout: String) -> Claim? {
        // A cell is named by condition, SNR and angle, plus each setting that varies between cells.
        let varying = SummaryRow.varyingSettings(cells)
        func cellLabel(_ r: SummaryRow) -> String {
            "\(r.condition)\(r.snrDb.isEmpty ? "" : " \(r.snrDb) dB") θ=\(r.angleDeg)°" + varying.map { " " + r.settingLabel($0) }.joined()
        }
        var wins: [String] = [], total = 0
        for cell in Summary.orderedUnique(cells.map(\.cell)) {
            let c = cells.filter { $0.cell == cell }
            guard let km = c.first(where: { $0.method == ClusteringMethod.kmeans.rawValue }) else { continue }
            let proposed = c.filter { [ClusteringMethod.tmm.rawValue, ClusteringMethod.ggmm.rawValue].contains($0.method) }
            guard let best = proposed.max(by: { $0.sdr.mean < $1.sdr.mean }) else { continue }
            total += 1
            if best.sdr.mean > km.sdr.mean {
                wins.append("\(cellLabel(best)): \(best.method) " + String(format: "%+.2f dB", best.sdr.mean - km.sdr.mean))
            }
        }
        guard total > 0 else { return nil }
        return Claim(statement: "Layout `\(layout)`: tMM or GGMM beats k-means under certain conditions.",
                     verdict: wins.isEmpty ? .not : .reproduced,
                     evidence: wins.isEmpty ? "k-means is at least as good in all \(total) cells."
                         : "Better in \(wins.count) of \(total) cells (\(wins.joined(separator: "; "))).")
    }

    /// "Stage `after` improves on stage `before`" (Kitamura et al.: NMF over clustering, restoration over
    /// none): per method, the mean over cells of after − before SDR; reproduced if positive for every
    /// method, partly if for some; nil when either stage is absent.
    static func stageImproves(_ before: [SummaryRow], _ after: [SummaryRow], statement: String) -> Claim? {
        var gains: [(String, Double)] = []
        for method in clusterers {
            var diffs: [Double] = []
            for h in after where h.method == method {
                if let c = before.first(where: { $0.method == method && $0.cell == h.cell }) {
                    diffs.append(h.sdr.mean - c.sdr.mean)
                }
            }
            if !diffs.isEmpty { gains.append((method, diffs.reduce(0, +) / Double(diffs.count))) }
        }
        guard !gains.isEmpty else { return nil }
        let positive = gains.filter { $0.1 > 0 }.count
        return Claim(statement: statement,
                     verdict: positive == gains.count ? .reproduced : (positive > 0 ? .partly : .not),
                     evidence: "Mean gain: " + gains.map { "\($0.0) " + String(format: "%+.2f dB", $0.1) }.joined(separator: ", ") + ".")
    }
}
