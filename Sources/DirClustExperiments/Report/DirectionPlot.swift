import DirClust
import Foundation

/// The picture the paper uses to explain directional clustering: the weighted histogram of the direction
/// θ over 0° … 90° with each fitted component density π_k p_k(θ) and the mixture Σ_k π_k p_k(θ) drawn
/// over it (for k-means, which has no density, vertical lines at the centroids). Built from plain arrays
/// and rendered as a self-contained SVG with the run's one SVG vocabulary (`SVG`); every y value is a
/// density per degree, so bars and curves share one axis.
public struct DirectionPlot: Sendable, Equatable {
    public var title: String
    /// Bar heights (density per degree) of equal bins covering 0° … 90°.
    public var histogram: [Double]
    /// Legend text of the bars, e.g. "θ histogram (power-weighted)".
    public var histogramLabel: String
    /// The directions (degrees, ascending) the curves are sampled at.
    public var curveDegrees: [Double]
    /// One curve per component (each the same length as `curveDegrees`), with its legend text.
    public var components: [(label: String, values: [Double])]
    /// The mixture curve, if any.
    public var mixture: [Double]?
    /// Vertical lines (degrees) with their legend text: k-means centroids.
    public var markers: [(label: String, degrees: Double)]
    /// A dashed vertical line at the target direction, if any.
    public var targetDegrees: Double?
    /// Components (or, for k-means, markers) selected as the target: drawn wide and labelled "target".
    public var highlighted: [Int]
    /// Width of the plotting area in SVG units (the legend comes on top of it).
    public var plotWidth: Double

    public init(title: String, histogram: [Double], histogramLabel: String, curveDegrees: [Double] = [],
                components: [(label: String, values: [Double])] = [], mixture: [Double]? = nil,
                markers: [(label: String, degrees: Double)] = [], targetDegrees: Double? = nil,
                highlighted: [Int] = [], plotWidth: Double = DirectionPlot.defaultPlotWidth) {
        self.title = title
        self.histogram = histogram
        self.histogramLabel = histogramLabel
        self.curveDegrees = curveDegrees
        self.components = components
        self.mixture = mixture
        self.markers = markers
        self.targetDegrees = targetDegrees
        self.highlighted = highlighted
        self.plotWidth = plotWidth
    }

    public static func == (a: DirectionPlot, b: DirectionPlot) -> Bool { a.svg() == b.svg() }

    // Geometry of the drawing, in SVG user units.
    public static let defaultPlotWidth = 640.0
    static let height = 460.0
    static let left = 72.0, right = 20.0, top = 42.0, bottom = 62.0
    /// Legend rows beyond this many components are summarised in one line.
    static let legendComponentLimit = 10

    /// The legend: histogram, components (or centroids) by colour, mixture, target direction.
    var legendEntries: [SVG.LegendEntry] {
        var rows: [SVG.LegendEntry] = [.init(mark: .bar(SVG.histogram), label: histogramLabel)]
        let limit = Self.legendComponentLimit
        rows += components.prefix(limit).enumerated().map { .init(mark: .line(SVG.colour($0)), label: $1.label) }
        if components.count > limit { rows.append(.init(mark: .none, label: "… and \(components.count - limit) more components")) }
        if mixture != nil { rows.append(.init(mark: .line("black"), label: "mixture")) }
        rows += markers.prefix(limit).enumerated().map { .init(mark: .line(SVG.colour($0)), label: $1.label) }
        if markers.count > limit { rows.append(.init(mark: .none, label: "… and \(markers.count - limit) more centroids")) }
        if let t = targetDegrees { rows.append(.init(mark: .line("black", dashed: true), label: "target direction \(f1(t))°")) }
        return rows
    }

    /// The SVG document (deterministic: the same plot always gives the same bytes).
    public func svg() -> String {
        // The legend sits right of the plot, so it never hides a peak.
        let legend = legendEntries
        let legendW = SVG.legendWidth(legend)
        let area = SVG.Area(x: Self.left, y: Self.top, width: plotWidth, height: Self.height - Self.top - Self.bottom)
        let width = area.right + 24 + legendW + Self.right
        func px(_ deg: Double) -> Double { area.x + deg / 90 * area.width }
        var peak = histogram.max() ?? 0
        for c in components { peak = max(peak, c.values.max() ?? 0) }
        peak = max(peak, mixture?.max() ?? 0)
        let (yMax, yStep) = niceAxis(peak)
        func py(_ v: Double) -> Double { area.bottom - min(max(v, 0), yMax) / yMax * area.height }
        let n = SVG.n

        var s = SVG.start(width: width, height: Self.height, fontFamily: "sans-serif")
        s += SVG.text(title, x: area.x + area.width / 2, y: 24, attributes: "font-size=\"15\"")

        // Grid, ticks and axis titles.
        let decimals = yStep >= 1 ? 0 : Int((-log10(yStep)).rounded(.up))
        s += SVG.yAxis(stride(from: 0.0, through: yMax * (1 + 1e-9), by: yStep).map { $0 }, y: py, area: area,
                       label: { String(format: "%.\(decimals)f", $0) }, title: "density (per degree)", titleX: 16)
        s += SVG.xAxis(stride(from: 0.0, through: 90.0, by: 15).map { ($0, "\(Int($0))°") }, x: px, area: area, gridLines: true)
        for (deg, name) in [(0.0, "left"), (45.0, "centre"), (90.0, "right")] {
            s += SVG.text(name, x: px(deg), y: area.bottom + 30, attributes: "fill=\"#555\"")
        }
        s += SVG.text("direction θ = atan2(|right|, |left|) in degrees", x: area.x + area.width / 2, y: Self.height - 8)

        // Histogram bars.
        if !histogram.isEmpty {
            let binW = 90 / Double(histogram.count)
            s += "<g fill=\"\(SVG.histogram)\" stroke=\"none\" class=\"histogram\">\n"
            for (b, h) in histogram.enumerated() where h > 0 {
                let top = py(h)
                s += "<rect x=\"\(n(px(Double(b) * binW)))\" y=\"\(n(top))\" width=\"\(n(px(binW) - px(0)))\" height=\"\(n(area.bottom - top))\"/>\n"
            }
            s += "</g>\n"
        }

        // Fitted curves and markers.
        func polyline(_ values: [Double], colour: String, width: Double, cls: String) -> String {
            precondition(values.count == curveDegrees.count, "DirectionPlot: a curve and curveDegrees differ in length")
            let points = zip(curveDegrees, values).map { "\(n(px($0))),\(n(py($1)))" }.joined(separator: " ")
            return "<polyline class=\"\(cls)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(n(width))\" points=\"\(points)\"/>\n"
        }
        func vertical(_ deg: Double, cls: String, colour: String, width: Double, dashed: Bool = false) -> String {
            "<line class=\"\(cls)\" x1=\"\(n(px(deg)))\" y1=\"\(n(area.y))\" x2=\"\(n(px(deg)))\" y2=\"\(n(area.bottom))\" stroke=\"\(colour)\" stroke-width=\"\(n(width))\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>\n"
        }
        // The mixture first and wide, so each component's colour shows on top of it where it dominates.
        if let mixture { s += polyline(mixture, colour: "black", width: 3.2, cls: "mixture") }
        for (k, c) in components.enumerated() {
            s += polyline(c.values, colour: SVG.colour(k), width: highlighted.contains(k) ? 3.6 : 1.4,
                          cls: highlighted.contains(k) ? "component target-cluster" : "component")
        }
        for (k, m) in markers.enumerated() {
            s += vertical(m.degrees, cls: "marker", colour: SVG.colour(k), width: highlighted.contains(k) ? 4 : 2)
        }
        if let t = targetDegrees { s += vertical(t, cls: "target", colour: "black", width: 1.2, dashed: true) }

        // Axis lines over the bars.
        s += "<g stroke=\"black\" stroke-width=\"1\">\n"
        s += "<line x1=\"\(n(area.x))\" y1=\"\(n(area.bottom))\" x2=\"\(n(area.right))\" y2=\"\(n(area.bottom))\"/>\n"
        s += "<line x1=\"\(n(area.x))\" y1=\"\(n(area.y))\" x2=\"\(n(area.x))\" y2=\"\(n(area.bottom))\"/>\n"
        s += "</g>\n"
        s += SVG.legend(legend, x: area.right + 32, y: Self.top + 8, layout: .box(width: legendW))
        return s + SVG.end
    }
}

extension DirectionPlot {
    /// The plot of a direction analysis: its histogram in 180 bins of 0.5° (weighted as the fit was), and
    /// the fitted densities sampled every 0.1° and at each mean (so narrow peaks are drawn at full height),
    /// converted from per radian to per degree (× π/180).
    public init(analysis: DirectionAnalysis, title: String) {
        self.init(fit: analysis.fit, histogram: analysis.histogram.density(binCount: 180),
                  weighting: analysis.options.weighting, targetDegrees: analysis.options.targetDirectionDeg, title: title)
        markers += Self.sourceMarkers(analysis)
    }

    /// The plot of a fit over a θ histogram (`DirectionHistogram.density`, per degree, weighted as the fit
    /// was); `targetClusters` are drawn wide and labelled as the target.
    public init(fit: ClusterFit, histogram: [Double], weighting: BinWeighting, targetDegrees: Double?,
                targetClusters: [Int] = [], title: String, plotWidth: Double = DirectionPlot.defaultPlotWidth) {
        let weighting = weighting == .power ? "power-weighted" : "unweighted"
        let meansDeg = fit.means.map { $0 * 180 / Double.pi }
        let label = "θ histogram (\(weighting))"
        func target(_ k: Int) -> String { targetClusters.contains(k) ? " (target)" : "" }
        if fit.method == .kmeans {
            self.init(title: title, histogram: histogram, histogramLabel: label,
                      markers: meansDeg.enumerated().map { ("centroid \($0 + 1): \(f1($1))°\(target($0))", $1) },
                      targetDegrees: targetDegrees, highlighted: targetClusters, plotWidth: plotWidth)
            return
        }
        var grid = (0...900).map { Double($0) / 10 }
        grid.append(contentsOf: meansDeg.filter { $0 > 0 && $0 < 90 })
        grid.sort()
        let perDegree = Double.pi / 180
        var curves = [[Double]](repeating: [Double](repeating: 0, count: grid.count), count: fit.means.count)
        var mixture = [Double](repeating: 0, count: grid.count)
        for (i, deg) in grid.enumerated() {
            let densities = fit.componentDensities(at: deg * perDegree) ?? []
            for (k, d) in densities.enumerated() {
                let v = d.isFinite ? d * perDegree : 0
                curves[k][i] = v
                mixture[i] += v
            }
        }
        let shapeName = fit.method == .tmm ? "ν" : fit.method == .ggmm ? "β" : nil
        let components = curves.enumerated().map { k, values in
            var label = "cluster \(k + 1): μ = \(f1(meansDeg[k]))°, π = \(f2(fit.mixtureWeights[k]))"
            if let shapeName, let shape = fit.shapes?[k] { label += ", \(shapeName) = \(f2(shape))" }
            return (label: label + target(k), values: values)
        }
        self.init(title: title, histogram: histogram, histogramLabel: label, curveDegrees: grid,
                  components: components, mixture: mixture, targetDegrees: targetDegrees, highlighted: targetClusters,
                  plotWidth: plotWidth)
    }

    /// One vertical line per grouped source: "source s: φ° (clusters k, …)".
    static func sourceMarkers(_ analysis: DirectionAnalysis) -> [(label: String, degrees: Double)] {
        guard let sources = analysis.sources else { return [] }
        return sources.grouping.sources.enumerated().map { s, g in
            ("source \(s + 1): \(f1(g.directionDeg))° (clusters \(g.components.map { String($0 + 1) }.joined(separator: ", ")))", g.directionDeg)
        }
    }
}

/// A "nice" axis top and tick step for values up to `peak` (1, 2 or 5 × 10^n steps, 4–8 ticks).
func niceAxis(_ peak: Double) -> (top: Double, step: Double) {
    guard peak.isFinite, peak > 0 else { return (1, 0.2) }
    let raw = peak * 1.05 / 5
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    return ((peak * 1.05 / step).rounded(.up) * step, step)
}

private func f1(_ x: Double) -> String { String(format: "%.1f", x) }
private func f2(_ x: Double) -> String { String(format: "%.2f", x) }
