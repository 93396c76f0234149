import Foundation

/// One part of a MIDI file: a track, as `midiParts(of:)` reports it.
///
/// Times are in seconds from the start of the file, through the file's tempo map (tempo events of every
/// track; 120 quarter notes per minute until the first one).
public struct MIDIPart: Sendable, Hashable, Codable {
    /// Track index in the file (0 = first track; in dirclust's chorales track 0 is the conductor).
    public let track: Int
    /// The track's name meta event, or "" if it has none.
    public let name: String
    /// Number of note-on events with non-zero velocity.
    public let noteCount: Int
    /// MIDI channels (0–15) the track's channel events use.
    public let channels: [Int]
    /// Onset of the first note (0 when the track has no notes).
    public let startSeconds: Double
    /// Release of the last note (0 when the track has no notes).
    public let endSeconds: Double
    /// Lowest and highest MIDI note number played (nil when the track has no notes).
    public let lowestNote: Int?
    public let highestNote: Int?
}

/// Lists the tracks of a Standard MIDI File with their names, note counts and time spans.
/// - Throws: `DirClustError` naming the file when it is missing, not a Standard MIDI File, truncated or
///   uses SMPTE time division.
public func midiParts(of path: String) throws -> [MIDIPart] {
    let file = try StandardMIDIFile(path: path)
    let timing = file.tempoMap()
    return file.tracks.enumerated().map { index, events in
        var name: String?
        var channels = Set<Int>()
        var noteCount = 0
        var first: Int?, last = 0
        var lowest: Int?, highest: Int?
        for event in events {
            switch event.kind {
            case .meta(0x03, let data) where name == nil:
                name = String(decoding: data, as: UTF8.self)
            case .channel(let status, let key, let velocity):
                channels.insert(Int(status & 0x0F))
                let type = status & 0xF0
                if type == 0x90, velocity > 0 {
                    noteCount += 1
                    first = min(first ?? event.tick, event.tick)
                    lowest = min(lowest ?? Int(key), Int(key))
                    highest = max(highest ?? Int(key), Int(key))
                } else if type == 0x80 || (type == 0x90 && velocity == 0) {
                    last = max(last, event.tick)
                }
            default:
                break
            }
        }
        return MIDIPart(
            track: index, name: name ?? "", noteCount: noteCount, channels: channels.sorted(),
            startSeconds: first.map(timing.seconds) ?? 0,
            endSeconds: noteCount > 0 ? timing.seconds(atTick: last) : 0,
            lowestNote: lowest, highestNote: highest)
    }
}

/// A parsed Standard MIDI File (format 0, 1 or 2, metrical time division): every track's events with
/// absolute tick times, in file order.
struct StandardMIDIFile: Sendable {
    struct Event: Sendable {
        enum Kind: Sendable {
            /// A channel voice message: status byte (type | channel) and up to two data bytes (0 if absent).
            case channel(status: UInt8, data1: UInt8, data2: UInt8)
            /// A meta event (type, payload); 0x51 is tempo, 0x03 the track name.
            case meta(type: UInt8, data: [UInt8])
            /// A system-exclusive message (ignored by the renderer).
            case sysex
        }
        var tick: Int
        var kind: Kind
    }

    let path: String
    let format: Int
    let ticksPerQuarter: Int
    let tracks: [[Event]]

    init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DirClustError("MIDI file '\(path)' does not exist; expected a Standard MIDI File (.mid).")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DirClustError("MIDI file '\(path)' could not be read; expected a readable Standard MIDI File.")
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    init(bytes: [UInt8], path: String) throws {
        self.path = path
        var reader = ByteReader(bytes: bytes, path: path)
        guard bytes.count >= 14, Array(bytes[0..<4]) == Array("MThd".utf8) else {
            throw DirClustError("MIDI file '\(path)' is not a Standard MIDI File (no 'MThd' header); expected a .mid file.")
        }
        reader.offset = 4
        let headerLength = Int(try reader.uint32())
        guard headerLength >= 6 else {
            throw DirClustError("MIDI file '\(path)' has a \(headerLength)-byte header; expected at least 6 bytes.")
        }
        format = Int(try reader.uint16())
        let trackCount = Int(try reader.uint16())
        let division = Int(try reader.uint16())
        guard division & 0x8000 == 0, division > 0 else {
            throw DirClustError("MIDI file '\(path)' uses SMPTE time division; expected ticks per quarter note.")
        }
        ticksPerQuarter = division
        reader.offset = 8 + headerLength

        var tracks: [[Event]] = []
        while tracks.count < trackCount {
            guard reader.remaining >= 8 else {
                throw DirClustError("MIDI file '\(path)' is truncated: its header announces \(trackCount) tracks but only \(tracks.count) are present.")
            }
            let chunkType = try reader.bytes(4)
            let length = Int(try reader.uint32())
            guard reader.remaining >= length else {
                throw DirClustError("MIDI file '\(path)' is truncated: track chunk \(tracks.count) announces \(length) bytes but \(reader.remaining) remain.")
            }
            let body = Array(bytes[reader.offset..<(reader.offset + length)])
            reader.offset += length
            if chunkType == Array("MTrk".utf8) {
                tracks.append(try Self.parseTrack(body, index: tracks.count, path: path))
            }  // other chunk types are skipped, as the SMF specification asks
        }
        self.tracks = tracks
    }

    private static func parseTrack(_ body: [UInt8], index: Int, path: String) throws -> [Event] {
        var reader = ByteReader(bytes: body, path: path)
        var events: [Event] = []
        var tick = 0
        var runningStatus: UInt8?
        func truncated() -> DirClustError {
            DirClustError("MIDI file '\(path)' is truncated or corrupt: track \(index) ends inside an event.")
        }
        while reader.remaining > 0 {
            guard let delta = try? reader.variableLength() else { throw truncated() }
            tick += delta
            guard var status = try? reader.byte() else { throw truncated() }
            var firstData: UInt8?
            if status < 0x80 {  // running status: this byte is the first data byte
                guard let running = runningStatus else {
                    throw DirClustError("MIDI file '\(path)' is corrupt: track \(index) uses running status before any status byte.")
                }
                firstData = status
                status = running
            }
            switch status {
            case 0xFF:
                guard let type = try? reader.byte(), let length = try? reader.variableLength(),
                      let data = try? reader.bytes(length) else { throw truncated() }
                events.append(Event(tick: tick, kind: .meta(type: type, data: data)))
                if type == 0x2F { return events }  // end of track
            case 0xF0, 0xF7:
                guard let length = try? reader.variableLength(), (try? reader.bytes(length)) != nil else { throw truncated() }
                events.append(Event(tick: tick, kind: .sysex))
            case 0x80...0xEF:
                runningStatus = status
                let dataCount = (status & 0xF0 == 0xC0 || status & 0xF0 == 0xD0) ? 1 : 2
                guard let d1 = firstData ?? (try? reader.byte()) else { throw truncated() }
                var d2: UInt8 = 0
                if dataCount == 2 { guard let b = try? reader.byte() else { throw truncated() }; d2 = b }
                guard d1 < 0x80, d2 < 0x80 else {
                    throw DirClustError("MIDI file '\(path)' is corrupt: track \(index) has a data byte ≥ 0x80 at tick \(tick).")
                }
                events.append(Event(tick: tick, kind: .channel(status: status, data1: d1, data2: d2)))
            default:
                throw DirClustError("MIDI file '\(path)' is corrupt: track \(index) has status byte 0x\(String(status, radix: 16)) at tick \(tick).")
            }
        }
        return events  // a track without an end-of-track event is tolerated
    }

    /// The tempo map of the whole file (tempo events from every track, format 1 style).
    func tempoMap() -> TempoMap {
        var changes: [(tick: Int, microsecondsPerQuarter: Int)] = []
        for track in tracks {
            for event in track {
                if case .meta(0x51, let data) = event.kind, data.count == 3 {
                    changes.append((event.tick, Int(data[0]) << 16 | Int(data[1]) << 8 | Int(data[2])))
                }
            }
        }
        changes.sort { $0.tick < $1.tick }  // stable: equal ticks keep file order, the last one wins
        return TempoMap(ticksPerQuarter: ticksPerQuarter, changes: changes)
    }
}

/// Ticks → seconds: t(tick) = Σ over tempo segments of Δticks · (µs per quarter) / (10⁶ · ticks per quarter).
struct TempoMap: Sendable {
    let ticksPerQuarter: Int
    /// (tick, µs per quarter) with a leading (0, 500 000) = 120 qpm default.
    private var segments: [(tick: Int, microsecondsPerQuarter: Int, startSeconds: Double)] = []

    init(ticksPerQuarter: Int, changes: [(tick: Int, microsecondsPerQuarter: Int)]) {
        self.ticksPerQuarter = ticksPerQuarter
        var tempo = 500_000, tick = 0, seconds = 0.0
        segments.append((0, tempo, 0))
        for change in changes {
            seconds += Double(change.tick - tick) * Double(tempo) / (1e6 * Double(ticksPerQuarter))
            tick = change.tick
            tempo = change.microsecondsPerQuarter
            if segments.last!.tick == tick { segments.removeLast() }
            segments.append((tick, tempo, seconds))
        }
    }

    func seconds(atTick tick: Int) -> Double {
        let segment = segments.last { $0.tick <= tick } ?? segments[0]
        return segment.startSeconds + Double(tick - segment.tick) * Double(segment.microsecondsPerQuarter) / (1e6 * Double(ticksPerQuarter))
    }
}

/// Big-endian reads with bounds checks over a byte array.
private struct ByteReader {
    let bytes: [UInt8]
    let path: String
    var offset = 0
    var remaining: Int { bytes.count - offset }

    struct OutOfBytes: Error {}

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw OutOfBytes() }
        defer { offset += 1 }
        return bytes[offset]
    }
    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, remaining >= count else { throw OutOfBytes() }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }
    mutating func uint16() throws -> UInt16 {
        let b = try bytes(2)
        return UInt16(b[0]) << 8 | UInt16(b[1])
    }
    mutating func uint32() throws -> UInt32 {
        let b = try bytes(4)
        return b.reduce(0) { $0 << 8 | UInt32($1) }
    }
    /// A variable-length quantity: 7 bits per byte, high bit set on all but the last (at most 4 bytes).
    mutating func variableLength() throws -> Int {
        var value = 0
        for _ in 0..<4 {
            let b = try byte()
            value = value << 7 | Int(b & 0x7F)
            if b & 0x80 == 0 { return value }
        }
        throw OutOfBytes()
    }
}
