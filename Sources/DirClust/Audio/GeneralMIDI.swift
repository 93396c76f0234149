import Foundation

/// General MIDI program names and the instruments dirclust assigns to the chorale voices.
public enum GeneralMIDI {
    /// The 128 GM Level 1 melodic program names; index = 0-based program number.
    public static let programNames: [String] = [
        "Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano",
        "Electric Piano 1", "Electric Piano 2", "Harpsichord", "Clavinet",
        "Celesta", "Glockenspiel", "Music Box", "Vibraphone", "Marimba", "Xylophone", "Tubular Bells", "Dulcimer",
        "Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ", "Reed Organ", "Accordion", "Harmonica", "Tango Accordion",
        "Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Electric Guitar (jazz)", "Electric Guitar (clean)",
        "Electric Guitar (muted)", "Overdriven Guitar", "Distortion Guitar", "Guitar Harmonics",
        "Acoustic Bass", "Electric Bass (finger)", "Electric Bass (pick)", "Fretless Bass",
        "Slap Bass 1", "Slap Bass 2", "Synth Bass 1", "Synth Bass 2",
        "Violin", "Viola", "Cello", "Contrabass", "Tremolo Strings", "Pizzicato Strings", "Orchestral Harp", "Timpani",
        "String Ensemble 1", "String Ensemble 2", "Synth Strings 1", "Synth Strings 2",
        "Choir Aahs", "Voice Oohs", "Synth Voice", "Orchestra Hit",
        "Trumpet", "Trombone", "Tuba", "Muted Trumpet", "French Horn", "Brass Section", "Synth Brass 1", "Synth Brass 2",
        "Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax", "Oboe", "English Horn", "Bassoon", "Clarinet",
        "Piccolo", "Flute", "Recorder", "Pan Flute", "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina",
        "Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)",
        "Lead 5 (charang)", "Lead 6 (voice)", "Lead 7 (fifths)", "Lead 8 (bass + lead)",
        "Pad 1 (new age)", "Pad 2 (warm)", "Pad 3 (polysynth)", "Pad 4 (choir)",
        "Pad 5 (bowed)", "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)",
        "FX 1 (rain)", "FX 2 (soundtrack)", "FX 3 (crystal)", "FX 4 (atmosphere)",
        "FX 5 (brightness)", "FX 6 (goblins)", "FX 7 (echoes)", "FX 8 (sci-fi)",
        "Sitar", "Banjo", "Shamisen", "Koto", "Kalimba", "Bagpipe", "Fiddle", "Shanai",
        "Tinkle Bell", "Agogo", "Steel Drums", "Woodblock", "Taiko Drum", "Melodic Tom", "Synth Drum", "Reverse Cymbal",
        "Guitar Fret Noise", "Breath Noise", "Seashore", "Bird Tweet", "Telephone Ring", "Helicopter", "Applause", "Gunshot",
    ]

    /// Short names accepted besides the full GM names.
    public static let aliases: [String: Int] = ["piano": 0, "organ": 19, "guitar": 24, "bass": 32, "strings": 48, "sax": 65]

    /// The 0-based program of an instrument given by GM name ("Flute", "acoustic grand piano"), alias
    /// ("piano") or number ("73"); case, spaces and punctuation are ignored.
    /// - Throws: `DirClustError` naming the instrument when it is unknown or the number is outside 0…127.
    public static func program(named name: String) throws -> Int {
        func key(_ s: String) -> String { String(s.lowercased().filter { $0.isLetter || $0.isNumber }) }
        let wanted = key(name)
        if let number = Int(name.trimmingCharacters(in: .whitespaces)) {
            guard (0...127).contains(number) else {
                throw DirClustError("instrument '\(name)': GM program \(number) is outside 0…127.")
            }
            return number
        }
        if let index = programNames.firstIndex(where: { key($0) == wanted }) { return index }
        if let index = aliases[wanted] { return index }
        throw DirClustError("instrument '\(name)' is unknown; expected a General MIDI program name (e.g. 'Flute', 'Trombone', 'Clarinet', 'piano') or a number 0…127.")
    }
}

/// The four voices of the committed chorales: their track in `experiments/midi/*.mid` and the paper's
/// instruments (flute, piano, trombone, clarinet) as default GM programs.
public enum ChoraleVoice: String, CaseIterable, Codable, Sendable {
    case soprano, alto, tenor, bass

    /// Track index in the exported files (track 0 is the conductor: tempo and time signature only).
    public var track: Int {
        switch self {
        case .soprano: 1
        case .alto: 2
        case .tenor: 3
        case .bass: 4
        }
    }

    /// Default GM program (0-based): flute 73, piano 0, trombone 57, clarinet 71.
    public var defaultProgram: Int {
        switch self {
        case .soprano: 73
        case .alto: 0
        case .tenor: 57
        case .bass: 71
        }
    }
}
