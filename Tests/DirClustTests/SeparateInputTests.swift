import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments
@testable import DirClustCLI

/// Bad input to `dirclust separate`: one clear error, a non-zero exit code, and no output at all.
@Suite struct SeparateInputTests {
    /// Runs `dirclust separate <arguments> --out <folder>/out --quiet` in a fresh folder prepared by
    /// `prepare`; expects it to fail and leave nothing but what `prepare` made. Returns the message.
    func failure(_ arguments: [String], prepare: (String) throws -> Void = { _ in }) async throws -> String {
        let folder = try AudioTestSupport.scratchFolder("separate-bad")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try prepare(folder)
        let before = SeparateTestSupport.contents(folder)
        let args = ["separate"] + arguments.map { $0.replacingOccurrences(of: "@", with: folder + "/") }
            + ["--out", folder + "/out", "--quiet"]
        do {
            try await SeparateTestSupport.runCLI(args)
        } catch {
            #expect(DirClustCommand.exitCode(for: error) != .success)
            #expect(SeparateTestSupport.contents(folder) == before, "partial output left behind")
            return DirClustCommand.message(for: error)
        }
        Issue.record("dirclust \(args.joined(separator: " ")) succeeded; expected an error")
        return ""
    }

    static func write(_ audio: AudioBuffer, _ path: String) throws { try writeWAV(audio, to: path) }

    @Test func monoFileExplainsThatStereoIsNeeded() async throws {
        let message = try await failure(["@mono.wav"]) {
            try Self.write(AudioBuffer(sampleRate: 16_000, channels: [AudioTestSupport.noise(8000, seed: 1)]), $0 + "/mono.wav")
        }
        #expect(message.contains("mono.wav") && message.contains("is mono") && message.contains("stereo mix"))
        let surround = try await failure(["@three.wav"]) {
            let x = AudioTestSupport.noise(4000, seed: 3)
            try Self.write(AudioBuffer(sampleRate: 16_000, channels: [x, x, x]), $0 + "/three.wav")
        }
        #expect(surround.contains("three.wav") && surround.contains("has 3 channels") && surround.contains("stereo mix (2 channels)"))
    }

    @Test func garbledAndMissingFilesAreRejected() async throws {
        let garbled = try await failure(["@garbled.wav"]) {
            var rng = SeededRandom(seed: 4)
            let bytes = (0..<4000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            try Data(bytes).write(to: URL(fileURLWithPath: $0 + "/garbled.wav"))
        }
        #expect(garbled.contains("garbled.wav") && garbled.contains("could not be read"))
        let missing = try await failure(["@missing.wav"])
        #expect(missing.contains("missing.wav") && missing.contains("does not exist"))
    }

    @Test func emptyAndSilentFilesAreRejected() async throws {
        let empty = try await failure(["@empty.wav"]) {
            try Self.write(AudioBuffer(sampleRate: 16_000, channels: [[], []]), $0 + "/empty.wav")
        }
        #expect(empty.contains("empty.wav") && empty.contains("is empty"))
        let silent = try await failure(["@silent.wav"]) {
            let zeros = [Double](repeating: 0, count: 16_000)
            try Self.write(AudioBuffer(sampleRate: 16_000, channels: [zeros, zeros]), $0 + "/silent.wav")
        }
        #expect(silent.contains("silent.wav") && silent.contains("is silent"))
    }

    @Test func identicalChannelsCannotFillMoreThanOneCluster() async throws {
        let message = try await failure(["@dualmono.wav", "-K", "6"]) {
            let x = AudioTestSupport.noise(16_000, seed: 2)
            try Self.write(AudioBuffer(sampleRate: 16_000, channels: [x, x]), $0 + "/dualmono.wav")
        }
        #expect(message.contains("1 distinct direction") && message.contains("45°") && message.contains("-K"))
    }

    @Test func invalidOptionsAreRejectedBeforeAnyWork() async throws {
        let mix = { (folder: String) in
            let s = SeparateTestSupport.threeSources(seconds: 0.3)
            try Self.write(SeparateTestSupport.pannedMix(s, degrees: [20, 45, 70]), folder + "/mix.wav")
        }
        let k0 = try await failure(["@mix.wav", "-K", "0"], prepare: mix)
        #expect(k0.contains("K (number of clusters) is 0"))
        let method = try await failure(["@mix.wav", "--method", "spectral"], prepare: mix)
        #expect(method.contains("unknown method 'spectral'") && method.contains("kmeans, gmm, cauchy, tmm, ggmm"))
        for bad in ["--target-direction=95", "--target-direction=-5", "--target-direction=nan"] {
            let target = try await failure(["@mix.wav", bad], prepare: mix)
            #expect(target.contains("target direction") && target.contains("0 … 90"))
        }
        let mask = try await failure(["@mix.wav", "--mask", "wiener"], prepare: mix)
        #expect(mask.contains("unknown mask 'wiener'"))
        let hop = try await failure(["@mix.wav", "--frame-length", "256", "--hop", "512"], prepare: mix)
        #expect(hop.contains("stft.hop is 512"))
    }

    @Test func aForeignOutputFolderIsLeftAlone() async throws {
        let message = try await failure(["@mix.wav"]) { folder in
            let s = SeparateTestSupport.threeSources(seconds: 0.3)
            try Self.write(SeparateTestSupport.pannedMix(s, degrees: [20, 45, 70]), folder + "/mix.wav")
            try FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: false)
            try Data("keep me".utf8).write(to: URL(fileURLWithPath: folder + "/out/notes.txt"))
        }
        #expect(message.contains("notes.txt") && message.contains("did not write"))
    }

    /// A second run replaces the first run's folder as a whole (no stale cluster files are kept).
    @Test func anEarlierResultIsReplaced() async throws {
        let folder = try AudioTestSupport.scratchFolder("separate-rerun")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = SeparateTestSupport.threeSources(seconds: 0.5)
        try Self.write(SeparateTestSupport.pannedMix(s, degrees: [20, 45, 70]), folder + "/mix.wav")
        try await SeparateTestSupport.runCLI(["separate", folder + "/mix.wav", "--out", folder + "/out", "-K", "5", "--quiet"])
        #expect(SeparateTestSupport.contents(folder + "/out").filter { $0.hasPrefix("cluster-") }.count == 5)
        try await SeparateTestSupport.runCLI(["separate", folder + "/mix.wav", "--out", folder + "/out", "-K", "3",
                                              "--method", "kmeans", "--quiet"])
        #expect(SeparateTestSupport.contents(folder + "/out").filter { $0.hasPrefix("cluster-") }.count == 3)
        #expect(SeparateTestSupport.contents(folder) == ["mix.wav", "out"])
    }

    /// Without --out the outputs go to `<input name>-separated` in the current folder.
    @Test func defaultOutputFolderIsNamedAfterTheInput() throws {
        let command = try #require(try DirClustCommand.parseAsRoot(["separate", "/some/where/my song.wav"]) as? Separate)
        #expect(command.outputFolder == "my song-separated")
        let options = try command.separationOptions()
        // Without -K the sources are counted, with the counted-mode defaults (Cauchy, soft masks).
        var expected = SeparationOptions.default
        expected.sources = .counted
        expected.method = SourceSettings.default.method
        expected.mask = .soft
        #expect(options == expected)
        let custom = try #require(try DirClustCommand.parseAsRoot(
            ["separate", "x.wav", "--method", "ggmm", "-K", "4", "--weighting", "none", "--mask", "soft",
             "--target-direction", "30", "--seed", "7", "--frame-length", "1024", "--hop", "256"]) as? Separate)
        #expect(try custom.separationOptions() == SeparationOptions(
            method: .ggmm, componentCount: 4, weighting: .none, mask: .soft, targetDirectionDeg: 30, seed: 7,
            stft: STFTConfig(frameLength: 1024, hop: 256)))
    }
}
