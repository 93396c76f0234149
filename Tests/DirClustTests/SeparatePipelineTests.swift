import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// The library side of `separate`: block processing, the histogram fit, and the outputs' contents.
@Suite struct SeparatePipelineTests {
    /// Frames computed a block at a time are bit-identical to the whole-file STFT (even and odd N).
    @Test(arguments: [(512, 128), (501, 100), (256, 128)])
    func blockFramesEqualTheWholeFileSTFT(frameLength: Int, hop: Int) throws {
        let x = AudioTestSupport.noise(5_003, seed: 9)
        let stft = try STFT(STFTConfig(frameLength: frameLength, hop: hop))
        let whole = stft.forward(x)
        let blocks = FrameBlocks(stft: stft, signalLength: x.count, blockFrames: 4)
        var real = [Double](), imag = [Double]()
        for core in blocks.blocks {
            let s = blocks.forward(x, frames: core)
            real += s.real
            imag += s.imag
        }
        #expect(blocks.frameCount == whole.frameCount)
        #expect(real == whole.real && imag == whole.imag)
    }

    /// The whole pipeline gives the same clusters, bit for bit, whatever the block size.
    @Test(arguments: [(512, 128), (501, 100)])
    func blockSizeDoesNotChangeTheResult(frameLength: Int, hop: Int) throws {
        let sources = SeparateTestSupport.threeSources(seconds: 0.6)
        let mix = SeparateTestSupport.pannedMix(sources, degrees: [20, 45, 70])
        for mask in MaskKind.allCases {
            let options = SeparationOptions(mask: mask, stft: STFTConfig(frameLength: frameLength, hop: hop))
            let small = try separateStereo(mix, options: options, blockFrames: 3)
            let large = try separateStereo(mix, options: options, blockFrames: 100_000)
            #expect(small.analysis.fit == large.analysis.fit)
            #expect(small.analysis.histogram == large.analysis.histogram)
            #expect(small.clusters == large.clusters)
            #expect(small.clusters.allSatisfy { $0.frameCount == mix.frameCount })
        }
    }

    /// Binary masks partition the active bins and soft masks (posteriors) sum to 1 on them, so the clusters
    /// sum to the iSTFT of the bins that have a direction, i.e. to the mix up to the −80 dB silence floor.
    @Test(arguments: MaskKind.allCases)
    func clustersSumToTheMix(mask: MaskKind) throws {
        let mix = SeparateTestSupport.pannedMix(SeparateTestSupport.threeSources(seconds: 0.5), degrees: [10, 50, 85])
        let result = try separateStereo(mix, options: SeparationOptions(method: .gmm, componentCount: 4, mask: mask),
                                        blockFrames: 7)
        for c in 0..<2 {
            var sum = [Double](repeating: 0, count: mix.frameCount)
            for cluster in result.clusters { for i in sum.indices { sum[i] += cluster.channels[c][i] } }
            let error = zip(sum, mix.channels[c]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            let energy = mix.channels[c].map { $0 * $0 }.reduce(0, +)
            #expect(10 * log10(energy / error) > 70)
        }
    }

    /// Fitting on the 0.005° histogram gives the fit on the raw bins with the same settings: same means to
    /// 0.01°, same weights to 1e-4 (the histogram keeps each cell's weighted mean θ).
    @Test(arguments: [ClusteringMethod.gmm, .tmm, .kmeans])
    func histogramFitMatchesTheFitOnEveryBin(method: ClusteringMethod) throws {
        let mix = SeparateTestSupport.pannedMix(SeparateTestSupport.threeSources(seconds: 0.5), degrees: [15, 40, 75])
        let options = SeparationOptions(method: method, componentCount: 3)
        let analysis = try analyseDirections(mix, options: options)
        let stft = try STFT(options.stft)
        let feature = try directionFeature(stft.forward(mix), weighting: .power)
        #expect(analysis.histogram.activeBinCount == feature.activeBins.count)
        let exact = try makeClusterer(method, options: options.fitSettings.clusteringOptions, restarts: options.em.restarts)
            .fit(feature.activeTheta(), weights: feature.activeWeights())
        for k in 0..<3 {
            #expect(abs(analysis.fit.means[k] - exact.means[k]) * 180 / Double.pi < 0.01)
            #expect(abs(analysis.fit.mixtureWeights[k] - exact.mixtureWeights[k]) < 1e-4)
        }
        // The robust fits put each cluster at its source (the Gaussian is pulled ~1° by the leakage between sources).
        for (k, phi) in [15.0, 40, 75].enumerated() where method != .gmm {
            #expect(abs(analysis.fit.means[k] * 180 / Double.pi - phi) < 0.5)
        }
    }

    @Test func histogramDensityIntegratesToOne() throws {
        let mix = SeparateTestSupport.pannedMix(SeparateTestSupport.threeSources(seconds: 0.4), degrees: [20, 45, 70])
        let analysis = try analyseDirections(mix, options: SeparationOptions(componentCount: 3, weighting: .none))
        for bins in [180, 90, 18_000] {
            let h = analysis.histogram.density(binCount: bins)
            let integral: Double = h.reduce(0, +) * 90 / Double(bins)
            #expect(abs(integral - 1) < 1e-12)
        }
        // Unweighted: the cell weights count the active bins.
        #expect(analysis.histogram.totalWeight == Double(analysis.histogram.activeBinCount))
        let (theta, weights) = analysis.histogram.fittingData()
        #expect(theta == theta.sorted() && theta.allSatisfy { $0 >= 0 && $0 <= Double.pi / 2 })
        #expect(weights.allSatisfy { $0 > 0 })
    }

    @Test func summaryRecordsTheFitAndNamesTheFiles() throws {
        let mix = SeparateTestSupport.pannedMix(SeparateTestSupport.threeSources(seconds: 0.4), degrees: [20, 45, 70])
        let options = SeparationOptions(method: .ggmm, componentCount: 4, targetDirectionDeg: 68)
        let analysis = try analyseDirections(mix, options: options)
        let summary = SeparationSummary(analysis: analysis, input: "mix.wav")
        #expect(summary.clusters.map(\.index) == [1, 2, 3, 4])
        #expect(summary.shapeKind == "beta" && summary.shapes?.count == 4 && summary.scaleKind == "alpha")
        #expect(summary.target?.cluster == 4 && summary.target?.file == "target.wav")
        #expect(abs(summary.meansDeg[3] - 70) < 0.5)
        #expect(summary.clusters[3].file == clusterFileName(index: 3, meanRadians: analysis.fit.means[3]))
        #expect(summary.logLikelihoodTrace.count == summary.iterations + 1 || summary.logLikelihoodTrace.count == summary.iterations)
        let data = try summary.jsonData()
        #expect(try JSONDecoder().decode(SeparationSummary.self, from: data) == summary)
        #expect(try summary.jsonData() == data)
        #expect(clusterFileName(index: 1, meanRadians: 31.5 * Double.pi / 180) == "cluster-2-at-31.5deg.wav")
    }

    /// Any sample rate: at 8 kHz and 48 kHz the clusters come back at the input's rate and length, centred on
    /// the sources; progress reports every stage in order, each ending at 1.
    @Test(arguments: [8_000, 48_000])
    func anySampleRateWorksAndProgressIsReported(sampleRate: Int) throws {
        let folder = try AudioTestSupport.scratchFolder("separate-rate")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sources = SeparateTestSupport.threeSources(sampleRate: sampleRate, seconds: 0.5)
        let mix = SeparateTestSupport.pannedMix(sources, degrees: [20, 45, 70], sampleRate: sampleRate)
        try writeWAV(mix, to: folder + "/mix.wav", format: .pcm24)
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var events: [(SeparationStage, Double)] = []
        }
        let log = Log()
        let report = try separateStereoFile(input: folder + "/mix.wav", outputFolder: folder + "/out",
                                            options: SeparationOptions(componentCount: 3)) { stage, fraction in
            log.lock.lock(); log.events.append((stage, fraction)); log.lock.unlock()
        }
        for (k, phi) in [20.0, 45, 70].enumerated() {
            #expect(abs(report.summary.meansDeg[k] - phi) < 0.5)
            let cluster = try readWAV(folder + "/out/" + report.clusterFiles[k])
            #expect(cluster.sampleRate == sampleRate && cluster.frameCount == mix.frameCount)
        }
        let stages = log.events.map(\.0)
        #expect(stages == stages.sorted { $0.rawValue < $1.rawValue })
        for stage in SeparationStage.allCases {
            #expect(log.events.last { $0.0 == stage }?.1 == 1, "\(stage) did not finish")
        }
        #expect(log.events.allSatisfy { (0...1).contains($0.1) })
    }
}
