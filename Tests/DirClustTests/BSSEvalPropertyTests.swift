import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments
@testable import DirClustCLI

/// Structure, validation and CLI of BSS Eval (parity with mir_eval is in BSSEvalGoldenTests).
@Suite struct BSSEvalPropertyTests {
    /// Seeded test scene: `n` coloured sources and estimates = target + 0.3 × next source + noise.
    static func scene(sources n: Int, length: Int, seed: UInt64) -> (references: [[Double]], estimates: [[Double]]) {
        var rng = SeededRandom(seed: seed)
        let refs = (0..<n).map { j -> [Double] in
            var prev = 0.0
            return (0..<length).map { _ in prev = 0.3 * Double(j) * prev + rng.gaussian(); return prev }
        }
        let ests = (0..<n).map { j in (0..<length).map { refs[j][$0] + 0.3 * refs[(j + 1) % n][$0] + 0.1 * rng.gaussian() } }
        return (refs, ests)
    }

    /// The block Levinson quadratic form equals xᵀ T⁻¹ x from a dense Cholesky solve of the same matrix.
    @Test func blockLevinsonQuadraticFormMatchesDenseSolve() throws {
        let m = 3, p = 12
        var rng = SeededRandom(seed: 7)
        // T = Gram matrix of delayed copies of m random signals (symmetric positive definite).
        let n = 60
        let signals = (0..<m).map { _ in (0..<n).map { _ in rng.gaussian() } }
        func corr(_ i: Int, _ j: Int, _ k: Int) -> Double {  // Σ_t s_i[t + k] s_j[t]
            var s = 0.0
            for t in 0..<n where t + k >= 0 && t + k < n { s += signals[i][t + k] * signals[j][t] }
            return s
        }
        var blocks = [Double](repeating: 0, count: p * m * m)
        for k in 0..<p { for i in 0..<m { for j in 0..<m { blocks[(k * m + i) * m + j] = corr(i, j, k) } } }
        let inverse = try BlockToeplitzInverse(blocks: blocks, blockSize: m, order: p)
        // Dense T (delay-major): T[(a,i),(b,j)] = R(b − a)_ij, R(−k) = R(k)ᵀ.
        let size = m * p
        var t = [Double](repeating: 0, count: size * size)
        for a in 0..<p { for b in 0..<p { for i in 0..<m { for j in 0..<m {
            t[(a * m + i) * size + b * m + j] = b >= a ? blocks[((b - a) * m + i) * m + j] : blocks[((a - b) * m + j) * m + i]
        } } } }
        let x = (0..<size).map { _ in rng.gaussian() }
        // Dense Cholesky T = L Lᵀ, then xᵀ T⁻¹ x = ‖L⁻¹ x‖².
        var l = [Double](repeating: 0, count: size * size)
        for j in 0..<size {
            var d = t[j * size + j]
            for k in 0..<j { d -= l[j * size + k] * l[j * size + k] }
            l[j * size + j] = d.squareRoot()
            for i in (j + 1)..<size {
                var s = t[i * size + j]
                for k in 0..<j { s -= l[i * size + k] * l[j * size + k] }
                l[i * size + j] = s / l[j * size + j]
            }
        }
        var z = [Double](repeating: 0, count: size)
        for i in 0..<size {
            var s = x[i]
            for k in 0..<i { s -= l[i * size + k] * z[k] }
            z[i] = s / l[i * size + i]
        }
        let dense = z.reduce(0) { $0 + $1 * $1 }
        let levinson = x.withUnsafeBufferPointer { inverse.quadraticForm($0.baseAddress!) }
        #expect(abs(levinson - dense) / dense < 1e-10, "\(levinson) vs \(dense)")
    }

    /// The permutation search undoes a shuffle of the estimates and reports the shuffled scores.
    @Test func permutationSearchUndoesAShuffle() throws {
        let (refs, ests) = Self.scene(sources: 3, length: 4000, seed: 3)
        let straight = try bssEvalSources(references: refs, estimates: ests, computePermutation: false)
        let shuffle = [2, 0, 1]  // estimate k of the shuffled list is ests[shuffle[k]]
        let found = try bssEvalSources(references: refs, estimates: shuffle.map { ests[$0] })
        // Reference j's estimate sits at position k with shuffle[k] == j.
        #expect(found.permutation == [1, 2, 0])
        #expect(found.sdr == straight.sdr && found.sir == straight.sir && found.sar == straight.sar)
        #expect(straight.sdr.allSatisfy { $0 > 5 && $0 < 15 })
    }

    /// Scaling an estimate or a reference leaves every criterion unchanged (they are energy ratios of
    /// projections), and a perfect estimate has no interference or artefacts.
    @Test func scaleInvarianceAndPerfectEstimate() throws {
        let (refs, ests) = Self.scene(sources: 2, length: 3000, seed: 4)
        let base = try SourcesScorer(references: refs).score(estimate: ests[0], target: 0)
        let scaled = try SourcesScorer(references: [refs[0].map { 3 * $0 }, refs[1]])
            .score(estimate: ests[0].map { -0.5 * $0 }, target: 0)
        #expect(abs(base.sdr - scaled.sdr) < 1e-9 && abs(base.sir - scaled.sir) < 1e-9 && abs(base.sar - scaled.sar) < 1e-9)
        let perfect = try SourcesScorer(references: refs).score(estimate: refs[0], target: 0)
        #expect(perfect.sdr > 100 && perfect.sir > 100 && perfect.sar > 100)
    }

    @Test func invalidInputIsRejectedNamingTheSignal() throws {
        let (refs, ests) = Self.scene(sources: 2, length: 1200, seed: 5)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        var short = ests
        short[1].removeLast()
        #expect(message { _ = try bssEvalSources(references: refs, estimates: short) }.contains("estimate 2 has 1199 samples"))
        var silent = refs
        silent[0] = [Double](repeating: 0, count: 1200)
        #expect(message { _ = try bssEvalSources(references: silent, estimates: ests) }.contains("reference 1 is all zeros"))
        var nan = ests
        nan[0][10] = .nan
        #expect(message { _ = try bssEvalSources(references: refs, estimates: nan) }.contains("estimate 1 has a non-finite sample"))
        #expect(message { _ = try bssEvalSources(references: [[]], estimates: [[]]) }.contains("reference 1 is empty"))
        #expect(message { _ = try bssEvalSources(references: refs, estimates: [ests[0]]) }.contains("1 estimates for 2 references"))
        #expect(message { _ = try SourcesScorer(references: refs).score(estimate: ests[0], target: 2) }.contains("target 2 is out of range"))
        #expect(message { _ = try bssEvalImages(references: [[refs[0], refs[1]]], estimates: [[ests[0]]]) }
            .contains("estimate 1 has 1 channels but expected 2"))
    }

    @Test func evalCommandPrintsTheLibraryScoresAndNamesBadFiles() throws {
        let folder = try AudioTestSupport.scratchFolder("bss-eval-cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (refs, ests) = Self.scene(sources: 2, length: 4000, seed: 6)
        var paths: [String] = []
        for (name, signal) in [("r1", refs[0]), ("r2", refs[1]), ("e1", ests[1]), ("e2", ests[0])] {
            let path = folder + "/\(name).wav"
            try writeWAV(AudioBuffer(sampleRate: 8000, channels: [signal.map { 0.2 * $0 }]), to: path, format: .float32)
            paths.append(path)
        }
        let csv = try Eval.parse(["--reference", paths[0], paths[1], "--estimate", paths[2], paths[3], "--csv"]).report()
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines[0] == "estimate,reference,sdr,sir,sar")
        // The files were written in float32: score the same rounded signals through the library.
        let read = try paths.map { try readWAV($0).channels[0] }
        let expected = try bssEvalSources(references: [read[0], read[1]], estimates: [read[2], read[3]])
        #expect(expected.permutation == [1, 0])
        #expect(lines[1] == "\(paths[3]),\(paths[0]),\(String(format: "%.3f,%.3f,%.3f", expected.sdr[0], expected.sir[0], expected.sar[0]))")
        #expect(lines[2] == "\(paths[2]),\(paths[1]),\(String(format: "%.3f,%.3f,%.3f", expected.sdr[1], expected.sir[1], expected.sar[1]))")

        let table = try Eval.parse(["--reference", paths[0], paths[1], "--estimate", paths[3], "--target", "1"]).report()
        let one = try SourcesScorer(references: [read[0], read[1]]).score(estimate: read[3], target: 0)
        #expect(table.contains(String(format: "%.3f", one.sdr)) && table.split(separator: "\n").count == 2)

        let shortPath = folder + "/short.wav"
        try writeWAV(AudioBuffer(sampleRate: 8000, channels: [Array(ests[0].prefix(3000))]), to: shortPath)
        do {
            _ = try Eval.parse(["--reference", paths[0], paths[1], "--estimate", paths[2], shortPath]).report()
            Issue.record("a short estimate must be rejected")
        } catch {
            #expect("\(error)".contains("short.wav has 3000 samples"))
        }
    }
}
