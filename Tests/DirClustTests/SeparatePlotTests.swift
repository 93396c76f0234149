import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// `directions.svg`.
@Suite struct SeparatePlotTests {
    /// Counts elements by name while checking that the document is well-formed XML.
    final class ElementCounter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        var classes: [String: Int] = [:]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            counts[name, default: 0] += 1
            if let c = attributes["class"] { classes[c, default: 0] += 1 }
        }
    }

    func parse(_ svg: String) -> ElementCounter? {
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        return parser.parse() ? counter : nil
    }

    @Test func plotFromArraysDrawsBarsCurvesAndLegend() throws {
        var histogram = [Double](repeating: 0, count: 180)
        histogram[40] = 1.2; histogram[90] = 0.5; histogram[140] = 0.3
        let degrees = stride(from: 0.0, through: 90, by: 0.5).map { $0 }
        let curve = { (mu: Double) in degrees.map { exp(-($0 - mu) * ($0 - mu) / 2) / sqrt(2 * Double.pi) } }
        let plot = DirectionPlot(title: "a <test> & more", histogram: histogram, histogramLabel: "θ histogram (power-weighted)",
                                 curveDegrees: degrees,
                                 components: [("one", curve(20)), ("two", curve(45)), ("three", curve(70))],
                                 mixture: zip(curve(20), curve(45)).map(+), targetDegrees: 45)
        let svg = plot.svg()
        let counter = try #require(parse(svg))
        #expect(counter.classes["component"] == 3 && counter.classes["mixture"] == 1 && counter.classes["target"] == 1)
        #expect(counter.classes["marker"] == nil)
        // Three bars, the legend swatch, the background and the legend box.
        #expect(counter.counts["rect"] == 3 + 1 + 2)
        for label in ["0°", "45°", "90°", "centre", "density (per degree)", "atan2(|right|, |left|)", "one", "mixture",
                      "a &lt;test&gt; &amp; more", "target direction 45.0°"] {
            #expect(svg.contains(label), "missing \(label)")
        }
        #expect(plot.svg() == svg)
    }

    @Test func analysisPlotHasOneCurvePerComponentOrCentroidLinesForKMeans() throws {
        let mix = SeparateTestSupport.pannedMix(SeparateTestSupport.threeSources(seconds: 0.4), degrees: [20, 45, 70])
        for method in [ClusteringMethod.tmm, .kmeans] {
            let analysis = try analyseDirections(mix, options: SeparationOptions(method: method, componentCount: 5))
            let plot = DirectionPlot(analysis: analysis, title: "mix")
            let counter = try #require(parse(plot.svg()))
            if method == .kmeans {
                #expect(counter.classes["marker"] == 5 && counter.classes["component"] == nil && counter.classes["mixture"] == nil)
            } else {
                #expect(counter.classes["component"] == 5 && counter.classes["mixture"] == 1)
                // The mixture is drawn at full height at each mean and its mass inside 0°…90° is ≤ 1.
                let mixture = try #require(plot.mixture)
                var mass = 0.0
                for i in 1..<plot.curveDegrees.count {
                    mass += (plot.curveDegrees[i] - plot.curveDegrees[i - 1]) * (mixture[i] + mixture[i - 1]) / 2
                }
                #expect(mass > 0.8 && mass < 1.01)
                #expect(plot.histogram.count == 180)
            }
        }
    }

    @Test func niceAxisCoversThePeakWithRoundTicks() {
        for peak in [0.013, 0.9, 1.0, 3.7, 250.0] {
            let (top, step) = niceAxis(peak)
            #expect(top >= peak * 1.05 && top / step <= 10.5 && top / step >= 2.99)
            let mantissa = step / pow(10, floor(log10(step)))
            #expect([1.0, 2, 5].contains { abs($0 - mantissa) < 1e-9 })
        }
        #expect(niceAxis(0) == (1, 0.2))
    }
}
