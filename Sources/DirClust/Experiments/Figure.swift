import Foundation

/// `figure.svg`: the paper-style figure of a run. One panel per layout × stage (rows) and condition
/// (columns). When no axis has more than two values: grouped bars, methods along x (mixture … ibm), one bar
/// per angle (× setting), error bars = ±1 std. When the angle, SNR or K axis is swept over ≥ 3 values:
/// SDR curves against that axis, one line per method. Plain SVG, no scripts, readable without the text.
public enum Figure {
    static let palette = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB", "#000000"]
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
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(width / 2))" y="22" text-anchor="middle" font-size="16" font-weight="bold">\(esc(title))</text>

        """
        let (lo, hi) = yRange(rows)
        for (ri, pr) in panelRows.enumerated() {
            for (ci, cond) in conditions.enumerated() {
                let x0 = left + Double(ci) * (panelW + gap), y0 = top + Double(ri) * (panelH + gap + rowExtra)
                let cells = rows.filter { $0.condition == cond && $0.layout == pr.layout && ($0.stage == pr.stage || $0.stage == Stage.baselineName) }
                s += "<text x=\"\(f(x0 + panelW / 2))\" y=\"\(f(y0 - 8))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(esc("\(pr.layout) · \(pr.stage) · \(cond)"))</text>\n"
                s += axes(x0: x0, y0: y0, lo: lo, hi: hi)
                if let axis { s += lines(cells, axis: axis, x0: x0, y0: y0, lo: lo, hi: hi) }
                else { s += bars(cells, x0: x0, y0: y0, lo: lo, hi: hi) }
            }
        }
        return s + "</svg>\n"
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
        let lows = rows.map { $0.sdr.mean - $0.sdr.std }, highs = rows.map { $0.sdr.mean + $0.sdr.std }
        let lo = min(0, ((lows.min() ?? 0) / 5).rounded(.down) * 5)
        let hi = max(lo + 5, ((highs.max() ?? 5) / 5).rounded(.up) * 5)
        return (lo, hi)
    }

    static func yPixel(_ v: Double, y0: Double, lo: Double, hi: Double) -> Double {
        y0 + panelH - (min(max(v, lo), hi) - lo) / (hi - lo) * panelH
    }

    static func axes(x0: Double, y0: Double, lo: Double, hi: Double) -> String {
        var s = "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(panelW))\" height=\"\(f(panelH))\" fill=\"none\" stroke=\"#888\"/>\n"
        let step = (hi - lo) > 30 ? 10.0 : 5.0
        var v = lo
        while v <= hi + 1e-9 {
            let y = yPixel(v, y0: y0, lo: lo, hi: hi)
            s += "<line x1=\"\(f(x0))\" y1=\"\(f(y))\" x2=\"\(f(x0 + panelW))\" y2=\"\(f(y))\" stroke=\"\(v == 0 ? "#444" : "#ddd")\"/>"
            s += "<text x=\"\(f(x0 - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(formatNumber(v))</text>\n"
            v += step
        }
        s += "<text transform=\"translate(\(f(x0 - 38)),\(f(y0 + panelH / 2))) rotate(-90)\" text-anchor=\"middle\">SDR (dB)</text>\n"
        return s
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
                s += "<rect x=\"\(f(x))\" y=\"\(f(min(y, yz)))\" width=\"\(f(barW * 0.92))\" height=\"\(f(abs(yz - y)))\" fill=\"\(palette[si % palette.count])\"><title>\(esc("\(m) \(label): \(String(format: "%.2f ± %.2f dB (n=%d)", r.sdr.mean, r.sdr.std, r.sdr.n))"))</title></rect>"
                let yl = yPixel(r.sdr.mean - r.sdr.std, y0: y0, lo: lo, hi: hi), yh = yPixel(r.sdr.mean + r.sdr.std, y0: y0, lo: lo, hi: hi)
                let cx = x + barW * 0.46
                s += "<line x1=\"\(f(cx))\" y1=\"\(f(yl))\" x2=\"\(f(cx))\" y2=\"\(f(yh))\" stroke=\"black\"/>"
                s += "<line x1=\"\(f(cx - 3))\" y1=\"\(f(yl))\" x2=\"\(f(cx + 3))\" y2=\"\(f(yl))\" stroke=\"black\"/>"
                s += "<line x1=\"\(f(cx - 3))\" y1=\"\(f(yh))\" x2=\"\(f(cx + 3))\" y2=\"\(f(yh))\" stroke=\"black\"/>\n"
            }
            s += "<text x=\"\(f(gx + groupW * 0.4))\" y=\"\(f(y0 + panelH + 16))\" text-anchor=\"middle\">\(esc(m))</text>\n"
        }
        return s + legend(series, x0: x0, y0: y0 + panelH + 26, dashed: [])
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
            s += "<polyline fill=\"none\" stroke=\"\(palette[mi % palette.count])\" stroke-width=\"2\"\(dash) points=\"\(pts.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\"/>\n"
            for p in pts { s += "<circle cx=\"\(f(p.0))\" cy=\"\(f(p.1))\" r=\"3\" fill=\"\(palette[mi % palette.count])\"/>" }
        }
        for x in xs { if let v = Double(x) { s += "<text x=\"\(f(xPixel(v)))\" y=\"\(f(y0 + panelH + 16))\" text-anchor=\"middle\">\(esc(x))</text>" } }
        let name = axis == \SummaryRow.K ? "K" : (axis == \SummaryRow.snrDb ? "SNR (dB)" : "θ (°)")
        s += "<text x=\"\(f(x0 + panelW / 2))\" y=\"\(f(y0 + panelH + 31))\" text-anchor=\"middle\" font-style=\"italic\">\(name)</text>\n"
        return s + legend(methods, x0: x0, y0: y0 + panelH + 40, dashed: bounds)
    }

    static func legend(_ labels: [String], x0: Double, y0: Double, dashed: [String]) -> String {
        var s = "", x = x0
        for (i, l) in labels.enumerated() {
            s += "<rect x=\"\(f(x))\" y=\"\(f(y0))\" width=\"12\" height=\"10\" fill=\"\(palette[i % palette.count])\"\(dashed.contains(l) ? " opacity=\"0.6\"" : "")/>"
            s += "<text x=\"\(f(x + 16))\" y=\"\(f(y0 + 9))\">\(esc(l))</text>"
            x += 28 + Double(l.count) * 8
        }
        return s + "\n"
    }

    static func angleLabel(_ series: String) -> String { String(series.split(separator: " ").first ?? "") }

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }
    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
