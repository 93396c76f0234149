import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

@Suite struct AudioWAVTests {
    @Test(arguments: [8000, 44100], [1, 2])
    func float32RoundTripIsBitExact(sampleRate: Int, channelCount: Int) throws {
        let folder = try AudioTestSupport.scratchFolder("wav")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Values representable in Float32 (including some beyond ±1, which float files keep).
        let channels = (0..<channelCount).map { c in
            AudioTestSupport.noise(3001, seed: UInt64(10 + c), scale: 0.7).map { Double(Float($0)) }
        }
        let audio = AudioBuffer(sampleRate: sampleRate, channels: channels)
        let path = folder + "/x.wav"
        try writeWAV(audio, to: path)
        let back = try readWAV(path)
        #expect(back.sampleRate == sampleRate)
        #expect(back.channelCount == channelCount)
        #expect(back.frameCount == 3001)
        #expect(back == audio)
        #expect(channels.joined().contains { abs($0) > 1 })
    }

    @Test(arguments: [WAVSampleFormat.pcm16, .pcm24, .pcm32])
    func pcmRoundTripIsWithinHalfAStep(format: WAVSampleFormat) throws {
        let folder = try AudioTestSupport.scratchFolder("wav")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bits = format.pcmBits!
        let step = 1 / Double(1 << (bits - 1))
        var left = AudioTestSupport.noise(4000, seed: 3, scale: 0.25).map { min(max($0, -1), 1 - step) }
        left += [-1, 0, 1 - step, 0.5]
        let right = left.map { -0.5 * $0 }
        let audio = AudioBuffer(sampleRate: 44100, channels: [left, right])
        let path = folder + "/x.wav"
        try writeWAV(audio, to: path, format: format)
        let back = try readWAV(path, channels: 2, sampleRate: 44100)
        var worst = 0.0
        for c in 0..<2 {
            for n in 0..<audio.frameCount {
                worst = max(worst, abs(back.channels[c][n] - audio.channels[c][n]))
                // Every value read back lies on the quantisation grid.
                let q = back.channels[c][n] / step
                #expect(q == q.rounded())
            }
        }
        #expect(worst <= step / 2 * (1 + 1e-12))
        #expect(worst > 0)
        // Exactly representable values survive unchanged; +1 clips to the largest code.
        #expect(back.channels[0][4000] == -1)
        #expect(back.channels[0][4003] == 0.5)
        let clipped = AudioBuffer(sampleRate: 8000, channels: [[1.0, 2.0, -3.0]])
        try writeWAV(clipped, to: path, format: format)
        #expect(try readWAV(path).channels[0] == [1 - step, 1 - step, -1])
    }

    @Test func writingTheSameAudioTwiceGivesTheSameBytes() throws {
        let folder = try AudioTestSupport.scratchFolder("wav")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let audio = AudioBuffer(sampleRate: 16000, channels: [AudioTestSupport.noise(5000, seed: 1), AudioTestSupport.noise(5000, seed: 2)])
        for format in WAVSampleFormat.allCases {
            try writeWAV(audio, to: folder + "/a-\(format).wav", format: format)
        }
        Thread.sleep(forTimeInterval: 1.05)  // a timestamp in a header would now differ
        for format in WAVSampleFormat.allCases {
            try writeWAV(audio, to: folder + "/b-\(format).wav", format: format)
            let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/a-\(format).wav"))
            let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/b-\(format).wav"))
            #expect(a == b, "\(format)")
            // Header (RIFF, fmt; for float also fact and a zero PAD chunk) and the samples, no PEAK chunk.
            let bytesPerSample = format.pcmBits.map { $0 / 8 } ?? 4
            #expect(a.count - 5000 * 2 * bytesPerSample <= 96, "\(format): \(a.count) bytes")
            #expect(a.range(of: Data("PEAK".utf8)) == nil)
        }
        // No temporary files are left beside the outputs.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 2 * WAVSampleFormat.allCases.count)
    }

    @Test func missingFileIsAClearError() {
        let error = #expect(throws: DirClustError.self) { try readWAV("/nonexistent/none.wav") }
        #expect(error?.message.contains("/nonexistent/none.wav") == true)
        #expect(error?.message.contains("does not exist") == true)
    }

    @Test func garbledFileIsAClearError() throws {
        let folder = try AudioTestSupport.scratchFolder("wav")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var rng = SeededRandom(seed: 99)
        let bytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let path = folder + "/garbled.wav"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DirClustError.self) { try readWAV(path) }
        #expect(error?.message.contains("garbled.wav") == true)
        #expect(error?.message.contains("could not be read") == true)
        // A valid header with its data cut off is garbled too: libsndfile would quietly return fewer frames.
        try writeWAV(AudioBuffer(sampleRate: 8000, channels: [AudioTestSupport.noise(1000, seed: 4)]), to: path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(200).write(to: URL(fileURLWithPath: path))
        let truncated = #expect(throws: DirClustError.self) { try readWAV(path) }
        #expect(truncated?.message.hasPrefix("WAV file '\(path)' is truncated: its data chunk declares 4000 bytes") == true)
    }

    @Test func wrongChannelCountIsAClearError() throws {
        let folder = try AudioTestSupport.scratchFolder("wav")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/mono.wav"
        try writeWAV(AudioBuffer(sampleRate: 8000, channels: [[0.1, 0.2]]), to: path)
        let error = #expect(throws: DirClustError.self) { try readWAV(path, channels: 2) }
        #expect(error?.message == "WAV file '\(path)' has 1 channel(s); expected 2.")
        #expect(throws: DirClustError.self) { try readWAV(path, sampleRate: 44100) }
    }

    @Test func badWritesAreClearErrorsAndLeaveNothing() throws {
        let folder = try AudioTestSupport.scratchFolder("wav")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: DirClustError.self) {
            try writeWAV(AudioBuffer(sampleRate: 8000, channels: [[0.1]]), to: folder + "/missing/x.wav")
        }
        let nan = #expect(throws: DirClustError.self) {
            try writeWAV(AudioBuffer(sampleRate: 8000, channels: [[0.1, .nan]]), to: folder + "/nan.wav")
        }
        #expect(nan?.message.contains("sample 1") == true)
        #expect(throws: DirClustError.self) {
            try writeWAV(AudioBuffer(sampleRate: 0, channels: [[0.1]]), to: folder + "/rate.wav")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    /// FLAC (the report's demo clips): lossless for 16-bit samples, byte-identical on rewrite, smaller than
    /// the WAV of the same samples; float samples are refused by name.
    @Test func flacIsLosslessDeterministicAndSmaller() throws {
        let folder = try AudioTestSupport.scratchFolder("flac")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let n = 16_000
        let tone = (0..<n).map { 0.4 * sin(2 * Double.pi * 440 * Double($0) / 16_000) * exp(-Double($0) / 8000) }
        let audio = AudioBuffer(sampleRate: 16_000, channels: [tone, tone.map { 0.5 * $0 }])
        try writeWAV(audio, to: folder + "/a.flac", format: .pcm16, container: .flac)
        try writeWAV(audio, to: folder + "/b.flac", format: .pcm16, container: .flac)
        try writeWAV(audio, to: folder + "/a.wav", format: .pcm16)
        let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.flac"))
        #expect(a.prefix(4) == Data("fLaC".utf8))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: folder + "/b.flac"))))
        let wavSize = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.wav")).count
        #expect(a.count < wavSize / 2, "flac \(a.count) bytes vs wav \(wavSize)")
        let back = try readWAV(folder + "/a.flac"), wav = try readWAV(folder + "/a.wav")
        #expect(back.sampleRate == 16_000 && back.channelCount == 2 && back.frameCount == n)
        #expect(back.channels == wav.channels)
        let error = #expect(throws: DirClustError.self) {
            try writeWAV(audio, to: folder + "/f.flac", format: .float32, container: .flac)
        }
        #expect(error?.message.contains("float32 FLAC") == true)
        #expect(!FileManager.default.fileExists(atPath: folder + "/f.flac"))
    }

    @Test func nonWAVAudioIsRejected() throws {
        let folder = try AudioTestSupport.scratchFolder("wav")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A Sun/NeXT .au file is valid audio but not WAV.
        var header = Data([0x2e, 0x73, 0x6e, 0x64, 0, 0, 0, 24, 0, 0, 0, 8, 0, 0, 0, 3, 0, 0, 0x1f, 0x40, 0, 0, 0, 1])
        header.append(Data(repeating: 0, count: 8))
        let path = folder + "/x.wav"
        try header.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DirClustError.self) { try readWAV(path) }
        #expect(error?.message.contains("not a WAV file") == true)
    }
}
