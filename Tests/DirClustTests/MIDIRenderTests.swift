import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// The committed MIDI material (checked against the generator's manifest.json) and the renderer.
@Suite struct MIDIRenderTests {
    struct Manifest: Decodable {
        struct Voice: Decodable { let track: Int; let voice: String; let notes: Int; let lowest: Int; let highest: Int }
        struct Piece: Decodable { let name: String; let file: String; let seconds: Double; let sha256: String; let voices: [Voice] }
        struct Training: Decodable { let file: String; let track: Int; let notes: Int; let lowest: Int; let highest: Int; let seconds: Double; let sha256: String }
        let pieces: [Piece]
        let training: Training
        let default_programs: [String: Int]
    }

    static let folder = AudioTestSupport.midiFolder
    static let manifest: Manifest = {
        let data = FileManager.default.contents(atPath: folder + "/manifest.json")!
        return try! JSONDecoder().decode(Manifest.self, from: data)
    }()
    /// TimGM6mb renders ~2× faster than FluidR3 here, so the bulk checks use it; FluidR3 gets its own test.
    static var testFont: SoundFont { get throws { try SoundFont(path: SoundFont.timGM6mb) } }

    @Test func committedChoralesHaveFourVoiceTracksAfterAConductor() throws {
        #expect(Self.manifest.pieces.count >= 6)
        #expect(Self.manifest.default_programs == ["soprano": 73, "alto": 0, "tenor": 57, "bass": 71])
        for piece in Self.manifest.pieces {
            let parts = try midiParts(of: Self.folder + "/" + piece.file)
            #expect(parts.map(\.name) == ["conductor", "soprano", "alto", "tenor", "bass"], "\(piece.name)")
            #expect(parts[0].noteCount == 0)
            for voice in piece.voices {
                let part = parts[voice.track]
                #expect(part.name == voice.voice)
                #expect(part.noteCount == voice.notes, "\(piece.name) \(voice.voice)")
                #expect(part.lowestNote == voice.lowest && part.highestNote == voice.highest)
                #expect(part.channels == [voice.track - 1])
                #expect(part.startSeconds == 0, "\(piece.name) \(voice.voice) enters late")
            }
            // The longest voice ends where the generator says the piece ends (90 qpm tempo map).
            #expect(abs(parts.map(\.endSeconds).max()! - piece.seconds) < 1e-3, "\(piece.name)")
            // The file is the one the generator wrote (SHA-256 from Python's hashlib).
            #expect(try sha256Hex(ofFile: Self.folder + "/" + piece.file) == piece.sha256)
        }
    }

    @Test func trainingScaleIsOneTrackSpanningAllVoices() throws {
        let training = Self.manifest.training
        let parts = try midiParts(of: Self.folder + "/" + training.file)
        #expect(parts.count == 2)
        let scale = parts[training.track]
        #expect(scale.noteCount == training.notes)
        #expect(scale.lowestNote == training.lowest && scale.highestNote == training.highest)
        #expect(training.highest - training.lowest >= 24)
        let voiceLow = Self.manifest.pieces.flatMap(\.voices).map(\.lowest).min()!
        let voiceHigh = Self.manifest.pieces.flatMap(\.voices).map(\.highest).max()!
        #expect(training.lowest <= voiceLow && training.highest >= voiceHigh)
        // 81 steps of one quarter (666 667 µs at "90 qpm"), the last note gated at 3/4 of its step.
        #expect(abs(scale.endSeconds - (Double(training.notes - 1) + 0.75) * 0.666667) < 1e-9)
    }

    @Test func everyCommittedChoralePartRendersNonSilentOverTheDefaultExcerpt() throws {
        let programs = [1: 73, 2: 0, 3: 57, 4: 71]
        for piece in Self.manifest.pieces {
            for voice in piece.voices {
                let part = Self.folder + "/" + piece.file
                let y = try renderMIDIPart(midiPath: part, track: voice.track, program: programs[voice.track]!,
                                           soundFont: try Self.testFont, sampleRate: 16000, offset: 0, seconds: 10)
                #expect(y.count == 160_000)
                // Audible with the paper's instrument: part RMS above −54 dBFS (measured −48…−40).
                let total = AudioTestSupport.rms(y)
                #expect(total > 2e-3, "\(piece.name) \(voice.voice): RMS \(total)")
                // Sounding throughout: with a sustaining instrument (church organ, GM 19; the piano's decay over a
                // 2 s note at 120 qpm alone falls 20 dB) every 1 s window lies within 20 dB of the part's RMS.
                let organ = try renderMIDIPart(midiPath: part, track: voice.track, program: 19, soundFont: try Self.testFont,
                                               sampleRate: 8000, offset: 0, seconds: 10)
                let organRMS = AudioTestSupport.rms(organ)
                let windows = (0..<10).map { AudioTestSupport.rms(Array(organ[($0 * 8000)..<(($0 + 1) * 8000)])) }
                #expect(windows.min()! > 0.1 * organRMS, "\(piece.name) \(voice.voice): window RMS \(windows)")
            }
        }
    }

    @Test func renderingTwiceGivesTheSameSamplesAndExcerptsAreSlices() throws {
        let path = Self.folder + "/bwv66.6.mid"
        let font = try SoundFont(path: SoundFont.defaultGM)
        let a = try renderMIDIPart(midiPath: path, track: 1, program: 73, soundFont: font, sampleRate: 44100, offset: 0, seconds: 3)
        let b = try renderMIDIPart(midiPath: path, track: 1, program: 73, soundFont: font, sampleRate: 44100, offset: 0, seconds: 3)
        #expect(a == b)
        #expect(a.count == 132_300)
        #expect(AudioTestSupport.rms(a) > 1e-3)
        // The excerpt [1.5 s, 3 s) is the same samples as the tail of a render from 0.
        let tail = try renderMIDIPart(midiPath: path, track: 1, program: 73, soundFont: font, sampleRate: 44100, offset: 1.5, seconds: 1.5)
        #expect(tail == Array(a[66150...]))
        // The program is set here: a trombone renders different samples from a flute.
        let trombone = try renderMIDIPart(midiPath: path, track: 1, program: 57, soundFont: font, sampleRate: 44100, offset: 0, seconds: 3)
        #expect(trombone != a)
        #expect(AudioTestSupport.rms(trombone) > 1e-3)
    }

    @Test func concurrentRendersEqualSequentialOnes() async throws {
        let path = Self.folder + "/bwv86.6.mid"
        let font = try Self.testFont
        func render(_ voice: ChoraleVoice) throws -> [Double] {
            try renderMIDIPart(midiPath: path, track: voice.track, program: voice.defaultProgram, soundFont: font, sampleRate: 16000, offset: 1, seconds: 2)
        }
        let sequential = try ChoraleVoice.allCases.map(render)
        let concurrent = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
            for round in 0..<2 {
                for (i, voice) in ChoraleVoice.allCases.enumerated() {
                    group.addTask { (4 * round + i, try render(voice)) }
                }
            }
            var results = [[Double]](repeating: [], count: 8)
            for try await (i, y) in group { results[i] = y }
            return results
        }
        for i in 0..<8 { #expect(concurrent[i] == sequential[i % 4], "render \(i)") }
    }

    @Test func firstOnsetIsAtTimeZeroAndScaleNotesStartOnTheirBeat() throws {
        // Scale note k starts at k · 2/3 s; between notes (gate 3/4 of a step) the piano's release decays.
        let y = try renderMIDIPart(midiPath: Self.folder + "/training/scales.mid", track: 1, program: 0,
                                   soundFont: try Self.testFont, sampleRate: 8000, offset: 0, seconds: 4)
        #expect(y[0..<64].contains { $0 != 0 })
        for k in 1..<6 {
            let onset = Int((Double(k) * 2 / 3 * 8000).rounded())
            let before = AudioTestSupport.rms(Array(y[(onset - 400)..<onset]))
            let after = AudioTestSupport.rms(Array(y[onset..<(onset + 400)]))
            #expect(after > 5 * before, "note \(k): rms \(before) → \(after)")
        }
    }

    @Test func badInputIsAClearError() throws {
        let scratch = try AudioTestSupport.scratchFolder("midi")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let good = Self.folder + "/bwv66.6.mid"
        func render(_ path: String = good, track: Int = 1, program: Int = 73, font: SoundFont? = nil, rate: Int = 16000) throws {
            _ = try renderMIDIPart(midiPath: path, track: track, program: program, soundFont: font ?? Self.testFont, sampleRate: rate, offset: 0, seconds: 0.1)
        }
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch let error as DirClustError { return error.message } catch { return "\(error)" }
        }
        #expect(message { try render(scratch + "/none.mid") }.contains("does not exist"))
        #expect(message { _ = try midiParts(of: scratch + "/none.mid") }.contains("none.mid"))

        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        for cut in [10, 30, bytes.count / 2, bytes.count - 3] {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: scratch + "/cut.mid"))
            let m = message { _ = try midiParts(of: scratch + "/cut.mid") }
            #expect(m.contains("cut.mid") && (m.contains("truncated") || m.contains("not a Standard MIDI File")), "cut at \(cut): \(m)")
            #expect(message { try render(scratch + "/cut.mid") } == m)
        }
        try Data("RIFF and not MIDI at all".utf8).write(to: URL(fileURLWithPath: scratch + "/text.mid"))
        #expect(message { try render(scratch + "/text.mid") }.contains("not a Standard MIDI File"))

        #expect(message { try render(program: 128) }.contains("GM program 128"))
        #expect(message { try render(program: -1) }.contains("expected 0…127"))
        #expect(message { try render(track: 5) } == "MIDI file '\(good)' has no track 5; it has tracks 0…4.")
        #expect(message { try render(track: 0) }.contains("track 0 has no notes"))
        #expect(message { try render(rate: 4000) }.contains("8000…96000"))
        #expect(message { _ = try renderMIDIPart(midiPath: good, track: 1, program: 0, soundFont: try Self.testFont, sampleRate: 8000, offset: -1, seconds: 1) }.contains("offset"))
        #expect(message { _ = try renderMIDIPart(midiPath: good, track: 1, program: 0, soundFont: try Self.testFont, sampleRate: 8000, offset: 0, seconds: .nan) }.contains("length"))

        #expect(message { _ = try SoundFont(path: scratch + "/missing.sf2") }.contains("does not exist"))
        try writeWAV(AudioBuffer(sampleRate: 8000, channels: [[0, 0.1]]), to: scratch + "/fake.sf2")
        #expect(message { _ = try SoundFont(path: scratch + "/fake.sf2") }.contains("not a SoundFont 2 file"))
        // A file with a valid RIFF sfbk header but garbage after it passes the header check and fails to load.
        try Data("RIFF\u{0}\u{0}\u{0}\u{0}sfbkLIST garbage".utf8).write(to: URL(fileURLWithPath: scratch + "/broken.sf2"))
        let broken = try SoundFont(path: scratch + "/broken.sf2")
        #expect(message { try render(font: broken) }.contains("could not be loaded"))
    }

    @Test func instrumentNamesResolveToGMPrograms() throws {
        #expect(GeneralMIDI.programNames.count == 128)
        #expect(Set(GeneralMIDI.programNames).count == 128)
        #expect(try ["Flute", "acoustic grand piano", "TROMBONE", "clarinet", "piano", "73", "Lead 8 (bass + lead)", "Gunshot"]
            .map(GeneralMIDI.program(named:)) == [73, 0, 57, 71, 0, 73, 87, 127])
        #expect(ChoraleVoice.allCases.map(\.defaultProgram) == [73, 0, 57, 71])
        #expect(ChoraleVoice.allCases.map(\.track) == [1, 2, 3, 4])
        for voice in ChoraleVoice.allCases {
            #expect(Self.manifest.default_programs[voice.rawValue] == voice.defaultProgram)
            #expect(Self.manifest.pieces[0].voices[voice.track - 1].voice == voice.rawValue)
        }
        let kazoo = #expect(throws: DirClustError.self) { try GeneralMIDI.program(named: "kazoo") }
        #expect(kazoo?.message.contains("'kazoo' is unknown") == true)
        #expect(throws: DirClustError.self) { try GeneralMIDI.program(named: "200") }
    }

    @Test func sha256MatchesKnownVectors() throws {
        var empty = SHA256Hasher()
        #expect(empty.finalHex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var abc = SHA256Hasher()
        abc.update(Array("abc".utf8))
        #expect(abc.finalHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // 1,000,000 × "a" fed in uneven pieces exercises the block buffering.
        var million = SHA256Hasher()
        let a = [UInt8](repeating: 0x61, count: 1_000_000)
        var start = 0, piece = 1
        while start < a.count { let end = min(a.count, start + piece); million.update(Array(a[start..<end])); start = end; piece = piece * 3 % 997 + 1 }
        #expect(million.finalHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(try SoundFont(path: SoundFont.timGM6mb).sha256().count == 64)
    }
}
