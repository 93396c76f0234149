import Foundation
import Testing
@testable import DirClust

/// Stem folders as scene sources.
@Suite struct StemsTests {
    @Test func readsMonoAndStereoStemsInFileNameOrderAndPads() throws {
        let folder = try AudioTestSupport.scratchFolder("stems")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let a = (0..<800).map { sin(Double($0) * 0.1) }
        try writeWAV(AudioBuffer(sampleRate: 8000, channels: [a]), to: folder + "/2-voice.wav")
        try writeWAV(AudioBuffer(sampleRate: 8000, channels: [a.map { 0.5 * $0 }, a.map { -0.1 * $0 }]), to: folder + "/1 drums.flac", format: .pcm24, container: .flac)
        try Data("licence".utf8).write(to: URL(fileURLWithPath: folder + "/SOURCES.txt"))
        let stems = try StemFolder(folder)
        #expect(stems.names == ["1drums", "2-voice"])
        let dry = try stems.read(sampleRate: 8000, offset: 0.05, seconds: 0.1)
        #expect(dry.count == 2 && dry.allSatisfy { $0.count == 800 })
        // 400 samples from 0.05 s, then zeros; the stereo stem folded to (L + R)/2 = 0.2 a.
        #expect(abs(dry[1][0] - a[400]) < 1e-6 && dry[1][500] == 0)
        #expect(abs(dry[0][10] - 0.2 * a[410]) < 1e-4)
        #expect(throws: DirClustError.self) { try stems.read(sampleRate: 16000, offset: 0, seconds: 0.1) }
        #expect(throws: DirClustError.self) { try StemFolder(folder + "/missing") }
    }
}
