import ArgumentParser
import Foundation
@testable import DirClust
@testable import DirClustExperiments
@testable import DirClustCLI

/// Panned test mixes and a way to run `dirclust separate` as a user would.
enum SeparateTestSupport {
    /// Three harmonic tones with different pitches, timbres and envelopes (so they are sparse and
    /// mostly disjoint in time-frequency), each `seconds` long at `sampleRate`.
    static func threeSources(sampleRate: Int = 16_000, seconds: Double = 1.5) -> [[Double]] {
        let n = Int(Double(sampleRate) * seconds)
        // (f0 Hz, harmonics, spectral tilt, onset s, tremolo Hz)
        let voices: [(Double, Int, Double, Double, Double)] = [
            (196.0, 10, 1.0, 0.0, 0.0), (293.7, 6, 0.6, 0.25, 3.0), (466.2, 5, 1.6, 0.1, 5.0),
        ]
        return voices.map { f0, harmonics, tilt, onset, tremolo in
            (0..<n).map { i in
                let t = Double(i) / Double(sampleRate)
                guard t >= onset else { return 0 }
                let attack = min(1, (t - onset) / 0.02)
                let release = min(1, (seconds - t) / 0.05)
                let am = 1 - 0.3 * (0.5 - 0.5 * cos(2 * Double.pi * tremolo * t))
                var x = 0.0
                for h in 1...harmonics {
                    x += pow(Double(h), -tilt) * sin(2 * Double.pi * f0 * Double(h) * t + 0.7 * Double(h))
                }
                return 0.2 * attack * release * am * x
            }
        }
    }

    /// Σ_i (cos φ_i s_i, sin φ_i s_i): constant-power panning, θ = φ_i for source i.
    static func pannedMix(_ sources: [[Double]], degrees: [Double], sampleRate: Int = 16_000) -> AudioBuffer {
        let n = sources[0].count
        var left = [Double](repeating: 0, count: n), right = left
        for (s, phi) in zip(sources, degrees) {
            let g = (cos(phi * Double.pi / 180), sin(phi * Double.pi / 180))
            for i in 0..<n { left[i] += g.0 * s[i]; right[i] += g.1 * s[i] }
        }
        return AudioBuffer(sampleRate: sampleRate, channels: [left, right])
    }

    /// (L + R) / 2.
    static func downmix(_ audio: AudioBuffer) -> [Double] {
        zip(audio.channels[0], audio.channels[1]).map { ($0 + $1) / 2 }
    }

    /// Parses `arguments` as `dirclust <arguments>` and runs the command, as the executable does.
    static func runCLI(_ arguments: [String]) async throws {
        var command = try DirClustCommand.parseAsRoot(arguments)
        if var async = command as? AsyncParsableCommand {
            try await async.run()
        } else {
            try command.run()
        }
    }

    /// The entries of a folder (empty if it does not exist).
    static func contents(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}
