import CFluidSynth
import Foundation

/// Renders one part (track) of a MIDI file solo and dry with libfluidsynth, as mono audio.
///
/// - The part's notes and controllers are played on a single synth channel whose instrument is GM
///   program `program` (bank 0) of `soundFont`; the file's own program changes, bank selects, pan and
///   effect sends are ignored, so the instrument is set here and the part sits in the centre.
/// - Dry: reverb and chorus are off. A fresh synthesizer renders every call (a reused synth shifts onsets),
///   and events are scheduled by sample position, t_n = round(seconds(tick) · sampleRate), through the
///   file's tempo map, so the same arguments give the same samples on every run.
/// - Mono: y[n] = (L[n] + R[n]) / 2 of the synth's stereo output, at its default gain (0.2; peaks are
///   typically ≈ 0.05). Loudness is normalised in the scene, not here.
/// - Excerpt: samples [round(offset · sampleRate), round(offset · sampleRate) + round(seconds · sampleRate)).
///   Everything before the excerpt is rendered too (notes sounding into it start on time); past the end
///   of the part the output is the notes' release tail, then zeros.
/// - Throws: `DirClustError` for a missing, truncated or corrupt MIDI file, a track that does not exist
///   or has no notes, a program outside 0…127, a sample rate outside 8000…96000 Hz, a negative offset, a
///   non-positive length, or any libfluidsynth failure (each return code is checked).
public func renderMIDIPart(midiPath: String, track: Int, program: Int, soundFont: SoundFont, sampleRate: Int, offset: Double, seconds: Double) throws -> [Double] {
    guard (0...127).contains(program) else {
        throw DirClustError("GM program \(program) for '\(midiPath)' track \(track) is invalid; expected 0…127 (0-based General MIDI program number).")
    }
    guard (8000...96000).contains(sampleRate) else {
        throw DirClustError("sample rate \(sampleRate) Hz for rendering '\(midiPath)' is outside libfluidsynth's range; expected 8000…96000 Hz.")
    }
    guard offset.isFinite, offset >= 0 else {
        throw DirClustError("excerpt offset \(offset) s for '\(midiPath)' is invalid; expected a finite offset ≥ 0.")
    }
    guard seconds.isFinite, seconds > 0 else {
        throw DirClustError("excerpt length \(seconds) s for '\(midiPath)' is invalid; expected a finite length > 0.")
    }
    let file = try StandardMIDIFile(path: midiPath)
    guard file.tracks.indices.contains(track) else {
        throw DirClustError("MIDI file '\(midiPath)' has no track \(track); it has tracks 0…\(file.tracks.count - 1).")
    }
    let events = file.tracks[track]
    guard events.contains(where: { if case .channel(let s, _, let v) = $0.kind { s & 0xF0 == 0x90 && v > 0 } else { false } }) else {
        throw DirClustError("MIDI file '\(midiPath)' track \(track) has no notes; choose a track that plays (see midiParts(of:)).")
    }

    let start = Int((offset * Double(sampleRate)).rounded())
    let length = Int((seconds * Double(sampleRate)).rounded())
    guard length > 0 else {
        throw DirClustError("excerpt length \(seconds) s for '\(midiPath)' is shorter than one sample at \(sampleRate) Hz.")
    }
    let total = start + length
    let timing = file.tempoMap()

    let synth = try SoundFontCache.shared.makeSynthesizer(soundFont: soundFont, sampleRate: sampleRate)
    try synth.selectProgram(program)
    var left = [Float](repeating: 0, count: total)
    var right = [Float](repeating: 0, count: total)
    var rendered = 0
    for event in events {
        guard case .channel(let status, let data1, let data2) = event.kind else { continue }
        let at = Int((timing.seconds(atTick: event.tick) * Double(sampleRate)).rounded())
        if at >= total { break }
        if at > rendered {
            try synth.write(frames: at - rendered, from: rendered, left: &left, right: &right)
            rendered = at
        }
        try synth.play(status: status, data1: data1, data2: data2)
    }
    if total > rendered {
        try synth.write(frames: total - rendered, from: rendered, left: &left, right: &right)
    }
    return (start..<total).map { 0.5 * (Double(left[$0]) + Double(right[$0])) }
}

/// One libfluidsynth synthesizer with its settings, owning both C objects (created through
/// `SoundFontCache`, deleted under its lock). Rendering uses MIDI channel 0.
private final class FluidSynthesizer {
    private let settings: OpaquePointer
    private let synth: OpaquePointer
    private let soundFontID: Int32
    private let soundFontPath: String

    init(soundFont: SoundFont, sampleRate: Int) throws {
        _ = fluidLoggingSilenced
        guard let settings = new_fluid_settings() else {
            throw DirClustError("libfluidsynth could not create its settings.")
        }
        func set(_ key: String, _ value: Int32) throws {
            guard fluid_settings_setint(settings, key, value) == FLUID_OK else {
                delete_fluid_settings(settings)
                throw DirClustError("libfluidsynth rejected setting '\(key)' = \(value).")
            }
        }
        try set("synth.reverb.active", 0)
        try set("synth.chorus.active", 0)
        try set("synth.cpu-cores", 1)
        try set("synth.lock-memory", 0)
        guard fluid_settings_setnum(settings, "synth.sample-rate", Double(sampleRate)) == FLUID_OK else {
            delete_fluid_settings(settings)
            throw DirClustError("libfluidsynth rejected sample rate \(sampleRate) Hz.")
        }
        guard let synth = new_fluid_synth(settings) else {
            delete_fluid_settings(settings)
            throw DirClustError("libfluidsynth could not create a synthesizer at \(sampleRate) Hz.")
        }
        let id = fluid_synth_sfload(synth, soundFont.path, 1)
        guard id != FLUID_FAILED else {
            delete_fluid_synth(synth)
            delete_fluid_settings(settings)
            throw DirClustError("SoundFont '\(soundFont.path)' could not be loaded by libfluidsynth; expected a valid .sf2 file.")
        }
        self.settings = settings
        self.synth = synth
        self.soundFontID = id
        self.soundFontPath = soundFont.path
    }

    deinit {
        SoundFontCache.shared.lock.withLock {
            delete_fluid_synth(synth)
            delete_fluid_settings(settings)
        }
    }

    /// Puts GM program `program` (bank 0) of the loaded SoundFont on channel 0.
    func selectProgram(_ program: Int) throws {
        guard fluid_synth_program_select(synth, 0, soundFontID, 0, Int32(program)) == FLUID_OK else {
            throw DirClustError("SoundFont '\(soundFontPath)' has no preset for GM program \(program) (bank 0).")
        }
    }

    /// Sends one channel message (remapped to channel 0). Program changes, bank selects (CC 0, 32), pan
    /// (CC 10) and effect sends (CC 91, 93) are dropped. A note-off for a voice that has already died
    /// returns FLUID_FAILED in libfluidsynth and is not an error.
    func play(status: UInt8, data1: UInt8, data2: UInt8) throws {
        let a = Int32(data1), b = Int32(data2)
        let result: Int32
        switch status & 0xF0 {
        case 0x80:
            _ = fluid_synth_noteoff(synth, 0, a); return
        case 0x90 where b == 0:
            _ = fluid_synth_noteoff(synth, 0, a); return
        case 0x90:
            result = fluid_synth_noteon(synth, 0, a, b)
        case 0xA0:
            result = fluid_synth_key_pressure(synth, 0, a, b)
        case 0xB0:
            if [0, 32, 10, 91, 93].contains(a) { return }
            result = fluid_synth_cc(synth, 0, a, b)
        case 0xD0:
            result = fluid_synth_channel_pressure(synth, 0, a)
        case 0xE0:
            result = fluid_synth_pitch_bend(synth, 0, a | b << 7)
        default:  // 0xC0 program change: the program is set by the caller
            return
        }
        guard result == FLUID_OK else {
            throw DirClustError("libfluidsynth rejected MIDI message 0x\(String(status, radix: 16)) \(data1) \(data2).")
        }
    }

    /// Renders `frames` stereo frames into left/right starting at index `from`.
    func write(frames: Int, from: Int, left: inout [Float], right: inout [Float]) throws {
        let result = left.withUnsafeMutableBufferPointer { l in
            right.withUnsafeMutableBufferPointer { r in
                fluid_synth_write_float(synth, Int32(frames), l.baseAddress, Int32(from), 1, r.baseAddress, Int32(from), 1)
            }
        }
        guard result == FLUID_OK else {
            throw DirClustError("libfluidsynth failed to render \(frames) frames.")
        }
    }
}

/// Creates and destroys synthesizers under one lock, and keeps one idle synthesizer per SoundFont alive
/// for the life of the process. libfluidsynth shares the sample data of a SoundFont between
/// synthesizers that have it loaded, so every fresh synthesizer after the first loads it from memory
/// instead of re-reading the file (FluidR3 is 148 MB). The idle synths never render, so rendering stays
/// a function of its arguments alone. Rendering itself runs outside the lock, in parallel.
private final class SoundFontCache: @unchecked Sendable {
    static let shared = SoundFontCache()
    let lock = NSLock()
    private var keepers: [String: FluidSynthesizer] = [:]

    func makeSynthesizer(soundFont: SoundFont, sampleRate: Int) throws -> FluidSynthesizer {
        try lock.withLock {
            if keepers[soundFont.path] == nil {
                keepers[soundFont.path] = try FluidSynthesizer(soundFont: soundFont, sampleRate: 44100)
            }
            return try FluidSynthesizer(soundFont: soundFont, sampleRate: sampleRate)
        }
    }
}

/// libfluidsynth prints warnings to stderr (e.g. about missing audio drivers); dirclust reports its own
/// errors, so all levels below FLUID_PANIC are silenced once per process.
private let fluidLoggingSilenced: Void = {
    for level in [FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG] {
        _ = fluid_set_log_function(Int32(level.rawValue), nil, nil)
    }
}()
