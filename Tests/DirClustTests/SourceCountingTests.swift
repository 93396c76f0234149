import Foundation
import Testing
@testable import DirClust

/// Source counting on the θ histogram and grouping of components into sources.
@Suite struct SourceCountingTests {
    /// A histogram of sharp sources at `degrees` (weights `levels`) over a broad sin 2θ background of
    /// `background` total weight, on 4000 bins per source.
    static func histogram(_ degrees: [Double], levels: [Double], background: Double) -> DirectionHistogram {
        var theta: [Double] = [], weight: [Double] = []
        var rng = SeededRandom(seed: 7)
        for (d, level) in zip(degrees, levels) {
            for _ in 0..<4000 {
                theta.append((d + 0.2 * rng.gaussian()) * .pi / 180)
                weight.append(level / 4000)
            }
        }
        for j in 0..<9000 {
            let t = (Double(j) + 0.5) / 9000 * .pi / 2
            theta.append(t)
            weight.append(background * sin(2 * t) / 9000 * .pi / 2)
        }
        var h = DirectionHistogram()
        h.add(DirectionFeature(frequencyCount: theta.count, frameCount: 1, theta: theta, weight: weight, activeBins: Array(theta.indices)))
        return h
    }

    @Test func countsSharpPeaksOverABroadBackground() throws {
        let truth = [12.0, 15.5, 44.0, 80.0]
        let count = try countSources(Self.histogram(truth, levels: [1, 0.5, 1, 0.3], background: 2))
        #expect(count.count == 4)
        for (found, t) in zip(count.directionsDeg, truth) { #expect(abs(found - t) < 0.15, "\(found) vs \(t)") }
        // The broad background is no source, and each source's evidence is recorded.
        #expect(count.peaks.filter(\.isSource).count == 4)
        #expect(count.peaks.filter(\.isSource).allSatisfy { $0.prominence > 0 && $0.mass > 0 })
    }

    @Test func aPeakBelowTheRelativeProminenceIsNotASource() throws {
        let h = Self.histogram([30, 60], levels: [1, 0.01], background: 0)
        #expect(try countSources(h).directionsDeg.count == 1)
        var options = SourceCountingOptions.default
        options.relativeProminence = 0.001
        #expect(try countSources(h, options: options).count == 2)
        // A fixed count takes the most prominent peaks and completes from the widest gaps.
        let analysis = try analyseSources(h, points: FittingPoints(histogram: h), fixedSourceCount: 3)
        #expect(analysis.count.count == 3)
    }

    /// Diffuse noise makes a broad hump under the sources: without the floor the top peak's prominence is
    /// the hump's whole height and the weaker sources fall below 10 % of it; above the floor they count.
    @Test func theDiffuseFloorKeepsWeakSourcesOnTheHump() throws {
        let truth = [20.0, 45.0, 70.0]
        let h = Self.histogram(truth, levels: [0.15, 1, 0.15], background: 40)
        var noFloor = SourceCountingOptions.default
        noFloor.floorWidthDeg = 0
        #expect(try countSources(h, options: noFloor).count == 1)
        let count = try countSources(h)
        #expect(count.count == 3)
        for (found, t) in zip(count.directionsDeg, truth) { #expect(abs(found - t) < 0.15, "\(found) vs \(t)") }
    }

    /// Laplace transitions: between two centres log(M_1/M_2) = (c_1 + c_2 − 2θ)/b whatever the gap, the
    /// source masks sum to 1 − M_res, and inactive bins get nothing.
    @Test func transitionMasksAreLogisticsAboutTheMidpoints() throws {
        let r = Double.pi / 180
        let theta = [10.0, 19, 20, 22, 60, 0].map { $0 * r }
        let feature = DirectionFeature(frequencyCount: 6, frameCount: 1, theta: theta, weight: [1, 1, 1, 1, 1, 0], activeBins: [0, 1, 2, 3, 4])
        let residual = [0, 0.5, 0, 0.2, 0]
        let m = transitionMasks(centresDeg: [10, 30, 70], widthDeg: 4, residual: residual, feature: feature)
        #expect(m.count == 4 && m.allSatisfy { $0.count == 6 && $0[5] == 0 })
        for (i, n) in [0, 1, 2, 3, 4].enumerated() {
            #expect(abs(m[0][n] + m[1][n] + m[2][n] - (1 - residual[i])) < 1e-12)
            #expect(m[3][n] == residual[i])
        }
        #expect(abs(m[0][2] / m[1][2] - 1) < 1e-3)  // 20° is the midpoint (the third centre adds e^-12.5)
        #expect(abs(log(m[0][3] / m[1][3]) - (10 + 30 - 44) / 4.0) < 1e-3)
        #expect(abs(log(m[1][4] / m[2][4]) - (30 + 70 - 120) / 4.0) < 1e-9)
        #expect(m[0][0] > 0.99)
        // Sources closer than 3b: the width shrinks to a third of the gap (here 1°).
        let close = transitionMasks(centresDeg: [10, 13], widthDeg: 4, residual: nil, feature: feature)
        #expect(abs(log(close[0][0] / close[1][0]) - 3) < 1e-9)  // θ = 10°: (13 − 10)/1
        #expect(abs(log(close[1][4] / close[0][4]) - 3) < 1e-9)  // θ = 60°, beyond both: the gap over the width
        #expect(close[0][0] > 0.95)
    }

    @Test func anEmptyHistogramHasNoSource() throws {
        #expect(try countSources(DirectionHistogram()).count == 0)
    }

    /// Two narrow components at one source, a broad one between the sources: the source owns both narrow
    /// ones, the broad one is residual; soft masks are posterior sums, binary masks the MAP's group.
    @Test func groupingGivesASourceItsNarrowComponentsAndLeavesBroadOnesToTheResidual() throws {
        let r = Double.pi / 180
        let components = [MixtureComponent(mean: 19.8 * r, scale: 0.3 * r, shape: 0),
                          MixtureComponent(mean: 20.4 * r, scale: 0.5 * r, shape: 0),
                          MixtureComponent(mean: 45 * r, scale: 15 * r, shape: 0),
                          MixtureComponent(mean: 60 * r, scale: 0.4 * r, shape: 0)]
        let fit = ClusterFit(method: .gmm, components: components, mixtureWeights: [0.2, 0.2, 0.2, 0.4], reportsShape: false,
                             trace: [0], iterations: 0, converged: true, totalWeight: 1)
        let grouping = groupComponents(fit, sourceDirectionsDeg: [20, 60])
        #expect(grouping.sources.map(\.components) == [[0, 1], [3]])
        #expect(grouping.residual == [2])
        #expect(abs(grouping.sources[0].weight - 0.4) < 1e-12)

        let theta = [19.9, 45, 60.1].map { $0 * r }
        let feature = DirectionFeature(frequencyCount: 3, frameCount: 1, theta: theta, weight: [1, 1, 1], activeBins: [0, 1, 2])
        let posteriors = fit.posteriors(theta)
        let soft = sourceMasks(posteriors: posteriors, componentCount: 4, grouping: grouping, feature: feature, kind: .soft)
        #expect(soft.count == 3)
        for n in 0..<3 {
            #expect(abs(soft[0][n] - (posteriors[n * 4] + posteriors[n * 4 + 1])) < 1e-12)
            #expect(abs(soft.map { $0[n] }.reduce(0, +) - 1) < 1e-9)
        }
        let binary = sourceMasks(posteriors: posteriors, componentCount: 4, grouping: grouping, feature: feature, kind: .binary)
        #expect(binary.map { $0 } == [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    }

    /// The anchored start puts the first S means at the sources and the spares in the widest gaps.
    @Test func anchoredStartSplitsTheWidestGaps() {
        guard case let .parameters(means, scales, weights, _) = anchoredInitialization(sourceDirectionsDeg: [30, 60], componentCount: 4) else {
            Issue.record("not explicit parameters"); return
        }
        let deg = means.map { ($0 * 180 / .pi * 1e6).rounded() / 1e6 }
        #expect(deg == [30, 60, 15, 45])  // equal gaps split left to right
        #expect(abs(weights.reduce(0, +) - 1) < 1e-12 && scales.allSatisfy { $0 > 0 })
    }
}
