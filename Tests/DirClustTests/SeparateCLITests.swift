import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments
@testable import DirClustCLI

/// `dirclust separate` end to end, through the CLI entry point.
@Suite struct SeparateCLITests {
    /// Three harmonic sources panned at 20°, 45°, 70° (constant power), their mix written to `folder`/mix.wav;
    /// `out` is `folder`/out.
    static func threeSourceMix(in folder: String) throws
        -> (sources: [[Double]], directions: [Double], mix: AudioBuffer, input: String, out: String) {
        let sources = SeparateTestSupport.threeSources()
        let directions = [20.0, 45.0, 70.0]
        let mix = SeparateTestSupport.pannedMix(sources, degrees: directions)
        let input = folder + "/mix.wav"
        try writeWAV(mix, to: input)
        return (sources, directions, mix, input, folder + "/out")
    }

    /// The must-show: three harmonic sources panned at 20°, 45°, 70° with constant power; `separate -K 6`
    /// (raw clusters: tMM, K = 6, power weighting, binary mask) puts each source in one cluster: its best
    /// cluster's SDR beats the mixture's SDR for that source by more than 10 dB.
    @Test func threePannedSourcesAreSeparatedThroughTheCLI() async throws {
        let folder = try AudioTestSupport.scratchFolder("separate")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (sources, directions, mix, input, out) = try Self.threeSourceMix(in: folder)

        try await SeparateTestSupport.runCLI(["separate", input, "--out", out, "-K", "6", "--target-direction", "44", "--quiet"])

        let summary = try JSONDecoder().decode(SeparationSummary.self,
                                               from: Data(contentsOf: URL(fileURLWithPath: out + "/clusters.json")))
        #expect(summary.method == .tmm && summary.componentCount == 6)
        #expect(summary.meansDeg == summary.meansDeg.sorted())
        let files = summary.clusters.compactMap(\.file)
        #expect(files.count == 6)
        #expect(SeparateTestSupport.contents(out) == (files + ["clusters.json", "directions.svg", "target.wav"]).sorted())

        let scorer = try SourcesScorer(references: sources)
        let mixSDR = try scorer.scoreAgainstAll(estimate: SeparateTestSupport.downmix(mix)).map(\.sdr)
        var best = [Double](repeating: -.infinity, count: 3)
        var bestCluster = [Int](repeating: -1, count: 3)
        var clusterSum = [Double](repeating: 0, count: mix.frameCount)
        for (k, file) in files.enumerated() {
            let cluster = try readWAV(out + "/" + file, channels: 2, sampleRate: 16_000)
            #expect(cluster.frameCount == mix.frameCount)
            let mono = SeparateTestSupport.downmix(cluster)
            for i in mono.indices { clusterSum[i] += mono[i] }
            guard let scores = try? scorer.scoreAgainstAll(estimate: mono) else { continue }  // a silent cluster
            for i in 0..<3 where scores[i].sdr > best[i] { best[i] = scores[i].sdr; bestCluster[i] = k }
        }
        print("separate must-show: mixture SDR \(mixSDR), best-cluster SDR \(best), clusters \(bestCluster), means \(summary.meansDeg)")
        for i in 0..<3 {
            #expect(best[i] > mixSDR[i] + 10, "source \(i + 1) at \(directions[i])°")
            // Its cluster sits at its direction.
            #expect(abs(summary.meansDeg[bestCluster[i]] - directions[i]) < 1)
        }
        #expect(Set(bestCluster).count == 3)

        // The target is the cluster nearest 44°, i.e. the centre source's cluster, sample for sample.
        #expect(summary.target?.cluster == bestCluster[1] + 1)
        let target = try readWAV(out + "/target.wav")
        #expect(target == (try readWAV(out + "/" + files[bestCluster[1]])))

        // Binary masks partition the active bins, so the clusters add up to the mix (to float32 precision).
        let mixMono = SeparateTestSupport.downmix(mix)
        let residual = zip(clusterSum, mixMono).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        let energy = mixMono.map { $0 * $0 }.reduce(0, +)
        #expect(10 * log10(energy / residual) > 60)
    }

    /// The default counts the sources: three sources at 20°, 45°, 70° give a source file at each (named by
    /// direction, within 1° of the truth) plus residual.wav and sources.json; the file nearest each source
    /// beats the mixture's SDR for it by more than 10 dB. These stationary harmonic tones share partials
    /// (3 × 196 Hz ≈ 2 × 293.7 Hz), whose overlap makes a fourth, weak peak at 36.8° (6.5 % of the largest
    /// prominence, above the 5 % threshold): the test asks for at least the three. `--sources 2` forces two.
    @Test func theDefaultCountsAndGroupsTheSources() async throws {
        let folder = try AudioTestSupport.scratchFolder("separate-sources")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (sources, directions, mix, input, out) = try Self.threeSourceMix(in: folder)

        try await SeparateTestSupport.runCLI(["separate", input, "--out", out, "--quiet"])

        let summary = try JSONDecoder().decode(SourcesSummary.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/sources.json")))
        #expect(summary.count >= 3 && summary.countMode == "counted")
        let files = summary.sources.map(\.file)
        #expect(SeparateTestSupport.contents(out) == (files + ["clusters.json", "directions.svg", "residual.wav", "sources.json"]).sorted())
        let scorer = try SourcesScorer(references: sources)
        let mixSDR = try scorer.scoreAgainstAll(estimate: SeparateTestSupport.downmix(mix)).map(\.sdr)
        for (i, truth) in directions.enumerated() {
            let nearest = summary.sources.min { abs($0.directionDeg - truth) < abs($1.directionDeg - truth) }!
            #expect(abs(nearest.directionDeg - truth) < 1)
            let estimate = SeparateTestSupport.downmix(try readWAV(out + "/" + nearest.file, channels: 2, sampleRate: 16_000))
            let sdr = try scorer.score(estimate: estimate, target: i).sdr
            #expect(sdr > mixSDR[i] + 10, "source \(i + 1) at \(directions[i])°: \(sdr) dB")
        }

        try await SeparateTestSupport.runCLI(["separate", input, "--out", out, "--sources", "2", "--quiet"])
        let two = try JSONDecoder().decode(SourcesSummary.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/sources.json")))
        #expect(two.count == 2 && two.countMode == "fixed")
    }
}
