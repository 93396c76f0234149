import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// `run` and `separate` share one separation core: the runner's path (the whole mixture in memory,
/// `MixtureSeparator`, as `DirectionalSceneEvaluator` calls it) and the `separate` path (the file streamed
/// in blocks, `separateStereo`) give bit-identical fits, masks and estimates for the same mix and options.
@Suite struct SeparationCoreTests {
    @Test(arguments: ClusteringMethod.allCases)
    func runAndSeparateAgreeBitForBit(method: ClusteringMethod) throws {
        let mix = SeparateTestSupport.pannedMix(SeparateTestSupport.threeSources(seconds: 0.6), degrees: [20, 45, 70])
        // Non-default EM settings, so a path that ignored them would disagree.
        let em = EMSettings(maxIterations: 37, tolerance: 1e-9)
        for mask in MaskKind.allCases {
            let options = SeparationOptions(method: method, componentCount: 4, mask: mask, targetDirectionDeg: 45,
                                            seed: 3, em: em)
            let separate = try separateStereo(mix, options: options, blockFrames: 5)

            // The runner's path, exactly as the evaluator wires it.
            let stft = try STFT(options.stft)
            let runner = try MixtureSeparator(stft: stft, mixture: stft.forward(mix), length: mix.frameCount,
                                              sampleRate: mix.sampleRate, silenceThresholdDB: options.silenceThresholdDB)
            let (feature, points, _) = runner.directions(options.weighting)
            let model = try DirectionalModel(fitting: points, FitSettings(method: method, componentCount: 4, seed: 3, em: em))
            #expect(model.fit == separate.analysis.fit)
            #expect(model.fit.iterations <= 37)
            let masks = model.masks(for: feature, kind: mask)
            #expect(masks == separate.analysis.model.masks(for: feature, kind: mask))
            for k in masks.indices {
                #expect(runner.estimate(masks[k]) == separate.clusters[k], "cluster \(k), \(mask)")
            }
            let target = model.targetClusters(directionDeg: 45, selection: .nearest, mask: mask)
            #expect(target.first == separate.analysis.targetCluster)
            #expect(runner.estimate(combineMasks(masks, selecting: target)) == separate.clusters[target[0]])
        }
    }

    /// The EM settings reach the clusterer: one iteration gives a different fit than the default 200, and the
    /// default coarse phase leaves fewer iterations on the histogram than EM on the histogram alone.
    @Test func emSettingsReachTheFit() throws {
        let mix = SeparateTestSupport.pannedMix(SeparateTestSupport.threeSources(seconds: 0.4), degrees: [15, 50, 80])
        func analysis(_ em: EMSettings) throws -> DirectionAnalysis {
            try analyseDirections(mix, options: SeparationOptions(method: .gmm, componentCount: 4, em: em))
        }
        let one = try analysis(EMSettings(maxIterations: 1, coarseCellDeg: 0))
        let plain = try analysis(EMSettings(coarseCellDeg: 0))
        let coarseToFine = try analysis(EMSettings())
        #expect(one.fit.iterations == 1)
        #expect(plain.fit.iterations > 1)
        #expect(one.fit.means != plain.fit.means)
        #expect(coarseToFine.fit.iterations < plain.fit.iterations, "\(coarseToFine.fit.iterations) vs \(plain.fit.iterations)")
    }
}
