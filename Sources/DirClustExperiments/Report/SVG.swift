import Foundation

/// What every SVG of a run shares — `figure.svg` (`Figure`), the direction plots of `clustering.svg` and of
/// `dirclust separate` (`DirectionPlot`): one palette, one coordinate format, one escaper
/// (`markupEscape`), the document frame, value axes with their grid, and legends. Plain SVG, no script;
/// the same input always gives the same bytes.
enum SVG {
    /// Series and component colours, in order (cycled).
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
                          "#bcbd22", "#7f7f7f"]
    static let grid = "#e6e6e6", frame = "#888", histogram = "#c8c8c8"

    static func colour(_ i: Int) -> String { palette[i % palette.count] }

    /// A coordinate or length: one decimal.
    static func n(_ x: Double) -> String { String(format: "%.1f", x) }

    /// `<svg …>` on a white background (close with `end`).
    static func start(width: Double, height: Double, fontFamily: String = "Helvetica, Arial, sans-serif", fontSize: Int = 12) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
            + "font-family=\"\(fontFamily)\" font-size=\"\(fontSize)\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    }
    static let end = "</svg>\n"

    /// Text anchored at (x, y); `attributes` e.g. `font-weight="bold"`.
    static func text(_ s: String, x: Double, y: Double, anchor: String = "middle", attributes: String = "") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(attributes.isEmpty ? "" : " " + attributes)>\(markupEscape(s))</text>\n"
    }

    /// The plotting area of a panel, in SVG units (y grows downwards).
    struct Area {
        var x, y, width, height: Double
        var right: Double { x + width }
        var bottom: Double { y + height }
    }

    /// A value axis on the left of `area`: a horizontal grid line and a label per tick (`y` maps a value to
    /// its pixel row; `emphasised` ticks, e.g. 0 dB, drawn dark), and the axis title turned upright.
    static func yAxis(_ ticks: [Double], y: (Double) -> Double, area: Area, label: (Double) -> String,
                      title: String, titleX: Double, emphasised: (Double) -> Bool = { _ in false }) -> String {
        var s = ""
        for v in ticks {
            s += "<line x1=\"\(n(area.x))\" y1=\"\(n(y(v)))\" x2=\"\(n(area.right))\" y2=\"\(n(y(v)))\" stroke=\"\(emphasised(v) ? "#444" : grid)\"/>"
            s += text(label(v), x: area.x - 6, y: y(v) + 4, anchor: "end")
        }
        return s + "<text transform=\"translate(\(n(titleX)),\(n(area.y + area.height / 2))) rotate(-90)\" text-anchor=\"middle\">\(markupEscape(title))</text>\n"
    }

    /// A position axis below `area`: a vertical grid line (optional) and a label per tick.
    static func xAxis(_ ticks: [(value: Double, label: String)], x: (Double) -> Double, area: Area, gridLines: Bool) -> String {
        var s = ""
        for t in ticks {
            if gridLines { s += "<line x1=\"\(n(x(t.value)))\" y1=\"\(n(area.y))\" x2=\"\(n(x(t.value)))\" y2=\"\(n(area.bottom))\" stroke=\"\(grid)\"/>" }
            s += text(t.label, x: x(t.value), y: area.bottom + 16)
        }
        return s
    }

    /// What a legend entry shows before its label.
    enum LegendMark: Equatable {
        /// A filled swatch (bars, the histogram); `faded` for the bounds.
        case bar(String, faded: Bool = false)
        /// A line (curves, markers); `dashed` for the bounds and the target direction.
        case line(String, dashed: Bool = false)
        /// Text only (e.g. "… and 3 more").
        case none
    }

    struct LegendEntry: Equatable {
        var mark: LegendMark
        var label: String
    }

    enum LegendLayout {
        /// Entries side by side from (x, y) (below a panel).
        case row
        /// Entries one under another in a white box of the given width (beside a plot).
        case box(width: Double)
    }

    static let legendRowHeight = 17.0

    static func legend(_ entries: [LegendEntry], x: Double, y: Double, layout: LegendLayout) -> String {
        var s = "<g class=\"legend\">\n"
        if case .box(let width) = layout {
            s += "<rect x=\"\(n(x - 8))\" y=\"\(n(y - 4))\" width=\"\(n(width))\" height=\"\(n(Double(entries.count) * legendRowHeight + 6))\" fill=\"white\" stroke=\"#999\"/>\n"
        }
        var cx = x, cy = y + 9
        for e in entries {
            switch e.mark {
            case let .bar(colour, faded):
                s += "<rect x=\"\(n(cx))\" y=\"\(n(cy - 8))\" width=\"22\" height=\"10\" fill=\"\(colour)\"\(faded ? " opacity=\"0.6\"" : "")/>"
            case let .line(colour, dashed):
                s += "<line x1=\"\(n(cx))\" y1=\"\(n(cy - 3))\" x2=\"\(n(cx + 22))\" y2=\"\(n(cy - 3))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
            case .none: break
            }
            s += text(e.label, x: cx + 28, y: cy + 1, anchor: "start")
            switch layout {
            case .row: cx += 40 + 7 * Double(e.label.count)
            case .box: cy += legendRowHeight
            }
        }
        return s + "</g>\n"
    }

    /// The width a boxed legend needs (~6.6 units per character of the 12-unit sans-serif font).
    static func legendWidth(_ entries: [LegendEntry]) -> Double {
        46 + 6.6 * Double(entries.map(\.label.count).max() ?? 0)
    }
}
