import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

@Suite struct SceneTests {
    static let names = ["soprano", "alto", "tenor", "bass"]
    /// Four different non-silent "dry sources" (Gaussian noise at different levels), 1 s at 16 kHz.
    static let dry = (0..<4).map { AudioTestSupport.noise(16000, seed: UInt64(40 + $0), scale: 0.01 * Double($0 + 1)) }

    @Test func layoutsResolveToTheDocumentedAngles() throws {
        #expect(try Layout.centreTarget(theta: 15).anglesDeg(sourceCount: 4, targetIndex: 0) == [45, 45, 30, 60])
        #expect(try Layout.centreTarget(theta: 45).anglesDeg(sourceCount: 4, targetIndex: 2) == [45, 0, 45, 90])
        #expect(try Layout.fan(theta: 45).anglesDeg(sourceCount: 4, targetIndex: 0) == [30, 0, 60, 90])
        #expect(try Layout.fan(theta: 15).anglesDeg(sourceCount: 4, targetIndex: 3) == [30, 50, 60, 40])
        #expect(try Layout.fan(theta: 30).anglesDeg(sourceCount: 3, targetIndex: 1) == [15, 45, 75])
        #expect(try Layout.explicit(anglesDeg: [10, 20]).anglesDeg(sourceCount: 2, targetIndex: 1) == [10, 20])
        for (layout, count, target, fragment) in [
            (Layout.centreTarget(theta: 15), 3, 0, "exactly 4 sources"), (.centreTarget(theta: 50), 4, 0, "outside [0°, 45°]"),
            (.fan(theta: -1), 4, 0, "outside [0°, 45°]"), (.fan(theta: 10), 4, 4, "target index 4"),
            (.explicit(anglesDeg: [10, 95]), 2, 0, "outside [0°, 90°]"), (.explicit(anglesDeg: [10]), 2, 0, "1 angles for 2"),
        ] {
            let error = #expect(throws: DirClustError.self) { try layout.anglesDeg(sourceCount: count, targetIndex: target) }
            #expect(error?.message.contains(fragment) == true, "\(layout): \(error?.message ?? "")")
        }
    }

    @Test(arguments: [0.0, 10, 30, 45, 72.5, 90])
    func pannedSingleSourceHasTheExactGains(angle: Double) throws {
        let x = Self.dry[0]
        let spec = SceneSpec(anglesDeg: [angle], sourceRMS: nil)
        let scene = try makeScene(dry: [x], names: ["s"], spec: spec, sampleRate: 16000)
        let phi = angle * .pi / 180
        #expect(scene.gains[0] == PanGains(left: cos(phi), right: sin(phi)))
        #expect(scene.images[0].channels[0] == x.map { cos(phi) * $0 })
        #expect(scene.images[0].channels[1] == x.map { sin(phi) * $0 })
        #expect(scene.mixture == scene.images[0])
        #expect(scene.noise == nil && scene.measuredSNRDB == nil)
        // Direction of every sample pair = φ, and the image keeps the dry power (constant power).
        for n in stride(from: 0, to: x.count, by: 97) where x[n] != 0 {
            let l = scene.images[0].channels[0][n], r = scene.images[0].channels[1][n]
            #expect(abs(atan2(abs(r), abs(l)) - phi) < 1e-12)
            #expect(abs(l * l + r * r - x[n] * x[n]) <= 1e-15 * x[n] * x[n] + 1e-300)
        }
        #expect(abs(scene.gains[0].directionDeg - angle) < 1e-12)
        // Linear law: g_L = 1 − φ/(π/2), g_R = φ/(π/2).
        let linear = PanGains(angleDeg: angle, law: .linear)
        #expect(abs(linear.left - (1 - angle / 90)) < 1e-15 && abs(linear.right - angle / 90) < 1e-15)
    }

    @Test func sourcesAreNormalisedToTheRequestedRMSAndMixed() throws {
        let spec = try SceneSpec(sources: Self.names.map { SceneSource(name: $0) }, layout: .centreTarget(theta: 15), sourceRMS: 0.05)
        let scene = try makeScene(dry: Self.dry, names: Self.names, spec: spec, sampleRate: 16000)
        #expect(scene.anglesDeg == [45, 45, 30, 60])
        for i in 0..<4 {
            #expect(abs(AudioTestSupport.rms(scene.dry[i]) - 0.05) < 1e-12)
            #expect(abs(scene.normalisationGains[i] * AudioTestSupport.rms(Self.dry[i]) - 0.05) < 1e-12)
            // Constant power: the image's energy per sample equals the dry RMS².
            let e = energy(scene.images[i].channels) / 16000
            #expect(abs(e - 0.0025) < 1e-12)
        }
        for c in 0..<2 {
            for n in stride(from: 0, to: 16000, by: 113) {
                let sum = scene.images.reduce(0) { $0 + $1.channels[c][n] }
                #expect(scene.mixture.channels[c][n] == sum)
            }
        }
        #expect(scene.target == scene.images[0])
    }

    @Test(arguments: [(0.0, SNRReference.allSources), (-5, .allSources), (10, .target), (0, .target), (30, .allSources)])
    func noiseMeetsTheRequestedSNR(snr: Double, reference: SNRReference) throws {
        let spec = try SceneSpec(sources: Self.names.map { SceneSource(name: $0) }, layout: .fan(theta: 45), targetIndex: 1,
                                 snrDB: snr, snrReference: reference, noiseSeed: 7)
        let scene = try makeScene(dry: Self.dry, names: Self.names, spec: spec, sampleRate: 16000)
        let noise = try #require(scene.noise)
        // Independent measurement from the parts: reference energy over noise energy.
        var referenceEnergy = 0.0
        for c in 0..<2 {
            for n in 0..<16000 {
                let r = reference == .target ? scene.images[1].channels[c][n] : scene.images.reduce(0) { $0 + $1.channels[c][n] }
                referenceEnergy += r * r
            }
        }
        let noiseEnergy = noise.channels.joined().reduce(0) { $0 + $1 * $1 }
        let measured = 10 * log10(referenceEnergy / noiseEnergy)
        #expect(abs(measured - snr) < 0.01)
        #expect(abs(measured - snr) < 1e-9)
        #expect(abs(scene.measuredSNRDB! - snr) < 1e-9)
        for c in 0..<2 {
            for n in stride(from: 0, to: 16000, by: 101) {
                let sum = scene.images.reduce(0) { $0 + $1.channels[c][n] } + noise.channels[c][n]
                #expect(abs(scene.mixture.channels[c][n] - sum) < 1e-15)
            }
        }
    }

    @Test(arguments: [0.0, 0.5, 0.9, -0.3, 1])
    func noiseCoherenceIsAsRequested(rho: Double) throws {
        let noise = diffuseNoise(frames: 200_000, coherence: rho, seed: 3)
        let l = noise[0], r = noise[1]
        let lr = zip(l, r).reduce(0) { $0 + $1.0 * $1.1 }
        let measured = lr / (energy([l]) * energy([r])).squareRoot()
        // Standard error of a correlation estimate ≈ (1 − ρ²)/√N ≈ 0.0022 here.
        #expect(abs(measured - rho) < 0.01, "ρ = \(rho): measured \(measured)")
        #expect(abs(energy([l]) / 200_000 - 1) < 0.01)
        #expect(abs(energy([r]) / 200_000 - 1) < 0.01)
        // Same seed, same noise; another seed, other noise.
        #expect(diffuseNoise(frames: 1000, coherence: rho, seed: 3)[0] == Array(l[0..<1000]))
        #expect(diffuseNoise(frames: 1000, coherence: rho, seed: 4)[0] != Array(l[0..<1000]))
    }

    @Test func badScenesAreClearErrors() throws {
        let ok = SceneSpec(anglesDeg: [30, 60])
        let two = Array(Self.dry[0..<2])
        func message(_ dry: [[Double]] = two, _ names: [String] = ["a", "b"], _ spec: SceneSpec = ok) -> String {
            do { _ = try makeScene(dry: dry, names: names, spec: spec, sampleRate: 16000); return "no error" }
            catch let error as DirClustError { return error.message } catch { return "\(error)" }
        }
        #expect(message() == "no error")
        #expect(message([two[0], Array(two[1].prefix(100))]).contains("expected equal lengths"))
        #expect(message([two[0], [Double](repeating: 0, count: 16000)]).contains("'b' is silent"))
        #expect(message([two[0], two[1].enumerated().map { $0.offset == 5 ? .nan : $0.element }]).contains("sample 5 is nan"))
        #expect(message(two, ["a"]).contains("1 names for 2 sources"))
        #expect(message(two, ["a", "a"]).contains("repeat"))
        #expect(message(two, ["a", "b/c"]).contains("not usable in a file name"))
        #expect(message(two, ["a", "b"], SceneSpec(anglesDeg: [30, 100])).contains("outside [0°, 90°]"))
        #expect(message(two, ["a", "b"], SceneSpec(anglesDeg: [30])).contains("1 angles for 2 sources"))
        #expect(message(two, ["a", "b"], SceneSpec(anglesDeg: [30, 60], targetIndex: 2)).contains("targetIndex 2"))
        #expect(message(two, ["a", "b"], SceneSpec(anglesDeg: [30, 60], snrDB: 0, noiseCoherence: 1.5)).contains("noiseCoherence"))
        #expect(message(two, ["a", "b"], SceneSpec(anglesDeg: [30, 60], snrDB: .infinity)).contains("snrDB"))
        #expect(message(two, ["a", "b"], SceneSpec(anglesDeg: [30, 60], sourceRMS: 0)).contains("sourceRMS"))
        #expect(message(two, ["a", "b"], SceneSpec(sources: [SceneSource(name: "x"), SceneSource(name: "b")], anglesDeg: [30, 60])).contains("differ"))
    }

    @Test func writeSceneWritesEveryFileAndTheDescription() throws {
        let folder = try AudioTestSupport.scratchFolder("scene")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sources = Self.names.enumerated().map { SceneSource(name: $1, origin: "noise seed \(40 + $0)") }
        let spec = try SceneSpec(sources: sources, layout: .centreTarget(theta: 15), snrDB: 0, noiseCoherence: 0.2, noiseSeed: 11)
        let scene = try makeScene(dry: Self.dry, names: Self.names, spec: spec, sampleRate: 16000)
        let out = folder + "/scene-1"
        try writeScene(scene, to: out)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [
            "mixture.wav", "noise.wav", "scene.json", "source-0-soprano.wav", "source-1-alto.wav", "source-2-tenor.wav", "source-3-bass.wav",
        ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["scene-1"])
        func asFloat(_ b: AudioBuffer) -> AudioBuffer { AudioBuffer(sampleRate: b.sampleRate, channels: b.channels.map { $0.map { Double(Float($0)) } }) }
        #expect(try readWAV(out + "/mixture.wav", channels: 2) == asFloat(scene.mixture))
        #expect(try readWAV(out + "/source-2-tenor.wav", channels: 2) == asFloat(scene.images[2]))
        #expect(try readWAV(out + "/noise.wav", channels: 2) == asFloat(scene.noise!))

        let json = try Data(contentsOf: URL(fileURLWithPath: out + "/scene.json"))
        let description = try JSONDecoder().decode(SceneDescription.self, from: json)
        #expect(description == scene.sceneDescription(format: .float32))
        #expect(description.sources.map(\.angleDeg) == [45, 45, 30, 60])
        #expect(description.sources[2].gainLeft == cos(30 * Double.pi / 180))
        #expect(description.sources[1].origin == "noise seed 41")
        #expect(description.layout == .centreTarget(theta: 15))
        #expect(description.noise?.seed == 11 && description.noise?.coherence == 0.2)
        #expect(abs(description.noise!.measuredSNRDB) < 1e-9)

        // Writing again replaces the folder and gives the same bytes.
        try writeScene(scene, to: out)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/scene.json")) == json)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["scene-1"])

        // Without noise: no noise.wav and "noise" absent from scene.json.
        let quiet = try makeScene(dry: Self.dry, names: Self.names, spec: SceneSpec(sources: sources, layout: .fan(theta: 30)), sampleRate: 16000)
        try writeScene(quiet, to: folder + "/quiet")
        #expect(!FileManager.default.fileExists(atPath: folder + "/quiet/noise.wav"))
        #expect(try JSONDecoder().decode(SceneDescription.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/quiet/scene.json"))).noise == nil)
    }

    @Test func writeSceneLeavesNothingOnFailure() throws {
        let folder = try AudioTestSupport.scratchFolder("scene")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var scene = try makeScene(dry: Self.dry, names: Self.names, spec: SceneSpec(anglesDeg: [45, 45, 30, 60], snrDB: 0), sampleRate: 16000)
        // Corrupt the third image: mixture.wav and two images are written before the failure.
        scene.images[2].channels[1][500] = .nan
        let error = #expect(throws: DirClustError.self) { try writeScene(scene, to: folder + "/broken") }
        #expect(error?.message.contains("source-2-tenor.wav") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)

        // An existing scene folder survives a failed rewrite untouched.
        let good = try makeScene(dry: Self.dry, names: Self.names, spec: SceneSpec(anglesDeg: [45, 45, 30, 60]), sampleRate: 16000)
        try writeScene(good, to: folder + "/kept")
        let before = try Data(contentsOf: URL(fileURLWithPath: folder + "/kept/scene.json"))
        #expect(throws: DirClustError.self) { try writeScene(scene, to: folder + "/kept") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/kept/scene.json")) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["kept"])

        let missing = #expect(throws: DirClustError.self) { try writeScene(good, to: folder + "/no/such/scene") }
        #expect(missing?.message.contains("does not exist") == true)
    }

    @Test func choraleSceneEndToEndIsDeterministic() throws {
        // Four rendered voices → centre-target scene with noise, twice: identical samples.
        let font = try SoundFont(path: SoundFont.timGM6mb)
        let path = AudioTestSupport.midiFolder + "/bwv66.6.mid"
        func build() throws -> Scene {
            let dry = try ChoraleVoice.allCases.map {
                try renderMIDIPart(midiPath: path, track: $0.track, program: $0.defaultProgram, soundFont: font, sampleRate: 16000, offset: 0, seconds: 2)
            }
            let sources = ChoraleVoice.allCases.map { SceneSource(name: $0.rawValue, origin: "bwv66.6 track \($0.track)") }
            let spec = try SceneSpec(sources: sources, layout: .centreTarget(theta: 45), snrDB: 0, noiseSeed: 5)
            return try makeScene(dry: dry, names: sources.map(\.name), spec: spec, sampleRate: 16000)
        }
        let a = try build(), b = try build()
        #expect(a.mixture == b.mixture)
        #expect(a.images == b.images)
        #expect(a.anglesDeg == [45, 45, 0, 90])
        // The hard-left tenor has nothing in the right channel, the hard-right bass nothing in the left.
        #expect(a.images[2].channels[1].allSatisfy { abs($0) < 1e-17 })
        #expect(a.images[3].channels[0].allSatisfy { abs($0) < 1e-17 })
        #expect(abs(a.measuredSNRDB!) < 1e-9)
    }
}
