import DirClust
import Foundation

/// `figure.svg`: the paper-style figure of a run. One panel per layout × stage (rows) and condition
/// (columns). When no axis has more than two values: grouped bars, methods along x (mixture … ibm), one bar
/// per angle (× setting), error bars = the 95 % bootstrap interval of the mean over pieces
/// (`SummaryRow.sdrInterval`). When the angle, SNR or K axis is swept over ≥ 3 values:
/// SDR curves against that axis, one line per method. Drawn with the run's one SVG vocabulary (`SVG`).
public enum Figure {
    static let panelW = 470.0, panelH = 270.0, left = 56.0, top = 56.0, gap = 28.0
    /// Room below a panel for its x labels and legend, before the next row's title.
    static let rowExtra = 62.0

    /// `conditionOrder`: the panel columns' order (the config's conditions); others follow alphabetically.
    public static func svg(_ records: [TrialRecord], title: String, conditionOrder: [String] = []) -> String {
        let rows = Summary.rows(records)
        let panelRows = panelRowKeys(rows)
        let conditions = Summary.orderedUnique(rows.map(\.condition).sorted { compareRank($0, $1, conditionOrder) < 0 })
        let axis = sweptAxis(rows)
        let width = left + Double(conditions.count) * (panelW + gap) + 20
        let height = top + Double(panelRows.count) * (panelH + gap + rowExtra) + 20
        var s = SVG.start(width: width, height: height)
        s += SVG.text(title, x: width / 2, y: 22, attributes: "font-size=\"16\" font-weight=\"bold\"")
        let (lo, hi) = yRange(rows)
        for (ri, pr) in panelRows.enumerated() {
            for (ci, cond) in conditions.enumerated() {
                let x0 = left + Double(ci) * (panelW + gap), y0 = top + Double(ri) * (panelH + gap + rowExtra)
                let cells = rows.filter { $0.condition == cond && $0.layout == pr.layout && ($0.stage == pr.stage || $0.stage == Stage.baselineName) }
                s += SVG.text("\(pr.layout) · \(pr.stage) · \(cond)", x: x0 + panelW / 2, y: y0 - 8, attributes: "font-size=\"13\" font-weight=\"bold\"")
                s += axes(x0: x0, y0: y0, lo: lo, hi: hi)
                if let axis { s += lines(cells, axis: axis, x0: x0, y0: y0, lo: lo, hi: hi) }
                else { s += bars(cells, x0: x0, y0: y0, lo: lo, hi: hi) }
            }
        }
        return s + SVG.end
    }

    struct PanelRow: Hashable { var layout, stage: String }

    static func panelRowKeys(_ rows: [SummaryRow]) -> [PanelRow] {
        Set(rows.filter { $0.stage != Stage.baselineName }.map { PanelRow(layout: $0.layout, stage: $0.stage) }).sorted {
            $0.layout != $1.layout ? $0.layout < $1.layout : compareRank($0.stage, $1.stage, TrialKey.stageOrder) < 0
        }
    }

    /// The axis drawn as x of a line plot: angle, SNR or K when it has ≥ 3 values.
    static func sweptAxis(_ rows: [SummaryRow]) -> KeyPath<SummaryRow, String>? {
        for kp in [\SummaryRow.K, \SummaryRow.snrDb, \SummaryRow.angleDeg] where Set(rows.map { $0[keyPath: kp] }.filter { !$0.isEmpty }).count >= 3 {
            return kp
        }
        return nil
    }

    static func yRange(_ rows: [SummaryRow]) -> (Double, Double) {
        let lows = rows.map { min($0.sdr.mean, $0.sdrInterval?.low ?? $0.sdr.mean) }
        let highs = rows.map { max($0.sdr.mean, $0.sdrInterval?.high ?? $0.sdr.mean) }
        let lo = min(0, ((lows.min() ?? 0) / 5).rounded(.down) * 5)
        let hi = max(lo + 5, ((highs.max() ?? 5) / 5).rounded(.up) * 5)
        return (lo, hi)
    }

    static func yPixel(_ v: Double, y0: Double, lo: Double, hi: Double) -> Double {
        y0 + panelH - (min(max(v, lo), hi) - lo) / (hi - lo) * panelH
    }

    /// The panel's frame and its SDR axis: grid lines every 5 dB (10 dB beyond a 30 dB range), 0 dB dark.
    static func axes(x0: Double, y0: Double, lo: Double, hi: Double) -> String {
        let area = SVG.Area(x: x0, y: y0, width: panelW, height: panelH)
        let step = (hi - lo) > 30 ? 10.0 : 5.0
        let ticks = stride(from: lo, through: hi + 1e-9, by: step).map { $0 }
        return "<rect x=\"\(SVG.n(x0))\" y=\"\(SVG.n(y0))\" width=\"\(SVG.n(panelW))\" height=\"\(SVG.n(panelH))\" fill=\"none\" stroke=\"\(SVG.frame)\"/>\n"
            + SVG.yAxis(ticks, y: { yPixel($0, y0: y0, lo: lo, hi: hi) }, area: area, label: formatNumber, title: "SDR (dB)",
                        titleX: x0 - 38, emphasised: { $0 == 0 })
    }

    /// Bars: x groups = methods; one bar per (angle, setting) series.
    static func bars(_ cells: [SummaryRow], x0: Double, y0: Double, lo: Double, hi: Double) -> String {
        let methods = Summary.orderedMethods(cells.map(\.method))
        let methodCells = cells.filter { $0.stage != Stage.baselineName }
        let varying = SummaryRow.varyingSettings(methodCells)
        func seriesLabel(_ r: SummaryRow) -> String {
            (["θ=\(r.angleDeg)°"] + varying.map(r.settingLabel)).joined(separator: " ")
        }
        let series = Summary.orderedUnique(methodCells.sorted { $0.key < $1.key }.map(seriesLabel))
        guard !methods.isEmpty, !series.isEmpty else { return "" }
        let groupW = panelW / Double(methods.count), barW = groupW * 0.8 / Double(series.count)
        var s = ""
        for (mi, m) in methods.enumerated() {
            let gx = x0 + Double(mi) * groupW + groupW * 0.1
            for (si, label) in series.enumerated() {
                // Baselines have no setting: they repeat per angle.
                guard let r = cells.first(where: { $0.method == m && ($0.stage == Stage.baselineName ? "θ=\($0.angleDeg)°" == angleLabel(label) : seriesLabel($0) == label) }) else { continue }
                let x = gx + Double(si) * barW
                let y = yPixel(r.sdr.mean, y0: y0, lo: lo, hi: hi), yz = yPixel(0, y0: y0, lo: lo, hi: hi)
                s += "<rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(min(y, yz)))\" width=\"\(SVG.n(barW * 0.92))\" height=\"\(SVG.n(abs(yz - y)))\" fill=\"\(SVG.colour(si))\"><title>\(markupEscape("\(m) \(label): " + String(format: "%.2f dB ", r.sdr.mean) + Summary.intervalText(r.sdrInterval) + " (n=\(r.sdr.n))"))</title></rect>"
                guard let ci = r.sdrInterval else { s += "\n"; continue }
                let yl = yPixel(ci.low, y0: y0, lo: lo, hi: hi), yh = yPixel(ci.high, y0: y0, lo: lo, hi: hi)
                let cx = x + barW * 0.46
                s += "<line x1=\"\(SVG.n(cx))\" y1=\"\(SVG.n(yl))\" x2=\"\(SVG.n(cx))\" y2=\"\(SVG.n(yh))\" stroke=\"black\"/>"
                s += "<line x1=\"\(SVG.n(cx - 3))\" y1=\"\(SVG.n(yl))\" x2=\"\(SVG.n(cx + 3))\" y2=\"\(SVG.n(yl))\" stroke=\"black\"/>"
                s += "<line x1=\"\(SVG.n(cx - 3))\" y1=\"\(SVG.n(yh))\" x2=\"\(SVG.n(cx + 3))\" y2=\"\(SVG.n(yh))\" stroke=\"black\"/>\n"
            }
            s += SVG.text(m, x: gx + groupW * 0.4, y: y0 + panelH + 16)
        }
        return s + SVG.legend(series.enumerated().map { .init(mark: .bar(SVG.colour($0)), label: $1) }, x: x0, y: y0 + panelH + 26, layout: .row)
    }

    /// The bounds' method names (drawn dashed).
    static let bounds = Bound.allCases.map(\.rawValue)

    /// Lines: SDR against the swept axis, one line per method (bounds dashed).
    static func lines(_ cells: [SummaryRow], axis: KeyPath<SummaryRow, String>, x0: Double, y0: Double, lo: Double, hi: Double) -> String {
        let xs = Set(cells.map { $0[keyPath: axis] }.filter { !$0.isEmpty }).sorted { compareNumeric($0, $1) < 0 }
        let methods = Summary.orderedMethods(cells.map(\.method))
        guard xs.count >= 2, let xmin = Double(xs.first!), let xmax = Double(xs.last!), xmax > xmin else { return "" }
        func xPixel(_ v: Double) -> Double { x0 + 20 + (v - xmin) / (xmax - xmin) * (panelW - 40) }
        var s = ""
        for (mi, m) in methods.enumerated() {
            var pts: [(Double, Double)] = []
            // The bounds have no K: against K they are flat lines at their mean.
            let flat = cells.allSatisfy { $0.method != m || $0[keyPath: axis].isEmpty }
            for x in xs {
                let g = cells.filter { $0.method == m && (flat || $0[keyPath: axis] == x) }
                guard !g.isEmpty, let xv = Double(x) else { continue }
                pts.append((xPixel(xv), yPixel(g.map(\.sdr.mean).reduce(0, +) / Double(g.count), y0: y0, lo: lo, hi: hi)))
            }
            let dash = bounds.contains(m) ? " stroke-dasharray=\"5,3\"" : ""
            s += "<polyline fill=\"none\" stroke=\"\(SVG.colour(mi))\" stroke-width=\"2\"\(dash) points=\"\(pts.map { "\(SVG.n($0.0)),\(SVG.n($0.1))" }.joined(separator: " "))\"/>\n"
            for p in pts { s += "<circle cx=\"\(SVG.n(p.0))\" cy=\"\(SVG.n(p.1))\" r=\"3\" fill=\"\(SVG.colour(mi))\"/>" }
        }
        s += SVG.xAxis(xs.compactMap { x in Double(x).map { ($0, x) } }, x: xPixel,
                       area: SVG.Area(x: x0, y: y0, width: panelW, height: panelH), gridLines: false)
        let name = axis == \SummaryRow.K ? "K" : (axis == \SummaryRow.snrDb ? "SNR (dB)" : "θ (°)")
        s += SVG.text(name, x: x0 + panelW / 2, y: y0 + panelH + 31, attributes: "font-style=\"italic\"")
        return s + SVG.legend(methods.enumerated().map { .init(mark: .line(SVG.colour($0), dashed: bounds.contains($1)), label: $1) },
                              x: x0, y: y0 + panelH + 40, layout: .row)
    }

    static func angleLabel(_ series: String) -> String { String(series.split(separator: " ").first ?? "") }

}
