import CSndfile
import Foundation

/// Sample encodings `writeWAV` can produce. Reading accepts any WAV encoding libsndfile decodes.
public enum WAVSampleFormat: String, Sendable, Codable, CaseIterable {
    case pcm16, pcm24, pcm32, float32

    /// Bits per sample of a PCM encoding (nil for float).
    var pcmBits: Int? {
        switch self {
        case .pcm16: 16
        case .pcm24: 24
        case .pcm32: 32
        case .float32: nil
        }
    }

    var sndfileSubtype: Int32 {
        switch self {
        case .pcm16: Int32(SF_FORMAT_PCM_16)
        case .pcm24: Int32(SF_FORMAT_PCM_24)
        case .pcm32: Int32(SF_FORMAT_PCM_32)
        case .float32: Int32(SF_FORMAT_FLOAT)
        }
    }
}

/// The container `writeWAV` writes: RIFF/WAVE, or lossless FLAC (16- or 24-bit PCM only; about 60 % of the
/// WAV size for music), which every browser's `<audio>` plays.
public enum AudioContainer: String, Sendable, Codable, CaseIterable {
    case wav, flac

    var sndfileMajor: Int32 { self == .wav ? Int32(SF_FORMAT_WAV) : Int32(SF_FORMAT_FLAC) }
}

/// Reads a WAV file (any sample rate, any channel count, any encoding libsndfile decodes; FLAC too) into one
/// `[Double]` per channel.
///
/// PCM samples are scaled to [−1, 1): an integer q of b bits reads as x = q / 2^(b−1). Float samples are
/// returned as stored.
/// - Parameters:
///   - channels: if given, the file must have exactly this many channels (e.g. 2 where stereo is needed).
///   - sampleRate: if given, the file must have exactly this sample rate.
/// - Throws: `DirClustError` naming the file when it is missing, not a WAV file, unreadable, or has the
///   wrong channel count or sample rate.
public func readWAV(_ path: String, channels expectedChannels: Int? = nil, sampleRate expectedRate: Int? = nil) throws -> AudioBuffer {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw DirClustError("WAV file '\(path)' does not exist; expected a readable .wav file.")
    }
    guard !isDirectory.boolValue else {
        throw DirClustError("WAV file '\(path)' is a directory; expected a readable .wav file.")
    }
    var info = SF_INFO()
    guard let file = sf_open(path, Int32(SFM_READ), &info) else {
        let reason = String(cString: sf_strerror(nil))
        throw DirClustError("WAV file '\(path)' could not be read (libsndfile: \(reason)); expected a valid WAV file.")
    }
    defer { sf_close(file) }

    let major = Int(info.format) & Int(SF_FORMAT_TYPEMASK)
    guard [SF_FORMAT_WAV, SF_FORMAT_WAVEX, SF_FORMAT_RF64, SF_FORMAT_FLAC].map({ Int($0) }).contains(major) else {
        throw DirClustError("file '\(path)' is not a WAV file (libsndfile major format 0x\(String(major, radix: 16))); expected RIFF/WAVE (or FLAC) audio.")
    }
    let channelCount = Int(info.channels)
    let frames = Int(info.frames)
    guard channelCount >= 1, info.samplerate > 0, frames >= 0 else {
        throw DirClustError("WAV file '\(path)' has an invalid header (\(channelCount) channels, \(info.samplerate) Hz).")
    }
    if let expectedChannels, expectedChannels != channelCount {
        throw DirClustError("WAV file '\(path)' has \(channelCount) channel(s); expected \(expectedChannels).")
    }
    if let expectedRate, expectedRate != Int(info.samplerate) {
        throw DirClustError("WAV file '\(path)' has sample rate \(info.samplerate) Hz; expected \(expectedRate) Hz.")
    }

    if let (declared, present) = truncatedDataChunk(file), declared > present {
        throw DirClustError("WAV file '\(path)' is truncated: its data chunk declares \(declared) bytes but only \(present) are present.")
    }
    var interleaved = [Double](repeating: 0, count: frames * channelCount)
    let read = interleaved.withUnsafeMutableBufferPointer { sf_readf_double(file, $0.baseAddress, sf_count_t(frames)) }
    guard Int(read) == frames else {
        throw DirClustError("WAV file '\(path)' is truncated: read \(read) of \(frames) frames.")
    }
    var channels = [[Double]](repeating: [], count: channelCount)
    for c in 0..<channelCount {
        channels[c] = [Double](unsafeUninitializedCapacity: frames) { out, count in
            interleaved.withUnsafeBufferPointer { src in
                for n in 0..<frames { out[n] = src[n * channelCount + c] }
            }
            count = frames
        }
    }
    return AudioBuffer(sampleRate: Int(info.samplerate), channels: channels)
}

/// libsndfile opens a WAV file whose data was cut off and quietly reports only the frames present; its
/// header log then contains `data : <declared> (should be <present>)`. Returns both sizes in that case.
/// Streamed files that declare 0 or 0xFFFFFFFF bytes (size unknown when written) are not truncated.
private func truncatedDataChunk(_ file: OpaquePointer) -> (declared: Int, present: Int)? {
    var log = [CChar](repeating: 0, count: 8192)
    sf_command(file, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
    let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    for line in text.split(separator: "\n") where line.hasPrefix("data") && line.contains("should be") {
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count == 2, numbers[0] != 0, numbers[0] != 0xFFFF_FFFF else { return nil }
        return (numbers[0], numbers[1])
    }
    return nil
}

/// Writes `audio` as a WAV file, atomically (a temporary file beside `path`, then a rename) and
/// deterministically (no PEAK chunk, so the same samples always give the same bytes).
///
/// - `float32`: each sample is stored as `Float(x)` (values outside [−1, 1] are kept).
/// - `pcmB`: each sample is quantised to q = clamp(round(x · 2^(B−1)), −2^(B−1), 2^(B−1) − 1), so that
///   `readWAV` returns q / 2^(B−1), within 2^−B of x for x ∈ [−1, 1 − 2^(1−B)].
/// - `container: .flac` writes lossless FLAC instead (pcm16 or pcm24; the same samples read back).
/// - Throws: `DirClustError` for an empty channel list, a non-positive sample rate, a non-finite sample,
///   a missing folder or any libsndfile failure; no file is left at `path` on error.
public func writeWAV(_ audio: AudioBuffer, to path: String, format: WAVSampleFormat = .float32,
                     container: AudioContainer = .wav) throws {
    let channelCount = audio.channelCount
    let frames = audio.frameCount
    guard channelCount >= 1 else {
        throw DirClustError("cannot write '\(path)': the audio has no channels; expected at least one.")
    }
    guard audio.sampleRate > 0 else {
        throw DirClustError("cannot write '\(path)': sample rate \(audio.sampleRate) Hz; expected a positive rate.")
    }
    for (c, channel) in audio.channels.enumerated() {
        if let n = channel.firstIndex(where: { !$0.isFinite }) {
            throw DirClustError("cannot write '\(path)': channel \(c) sample \(n) is \(channel[n]); expected finite samples.")
        }
    }
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw DirClustError("cannot write '\(path)': folder '\(folder)' does not exist.")
    }
    let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(temporaryCounter.next())"

    var info = SF_INFO()
    info.samplerate = Int32(audio.sampleRate)
    info.channels = Int32(channelCount)
    info.format = container.sndfileMajor | format.sndfileSubtype
    guard sf_format_check(&info) == SF_TRUE else {
        throw DirClustError("cannot write '\(path)': libsndfile rejects \(channelCount) channel(s) at \(audio.sampleRate) Hz as \(format.rawValue) \(container.rawValue.uppercased()).")
    }
    guard let file = sf_open(temporary, Int32(SFM_WRITE), &info) else {
        let reason = String(cString: sf_strerror(nil))
        throw DirClustError("cannot write '\(path)': libsndfile could not create the file (\(reason)).")
    }
    var closed = false
    defer {
        if !closed { sf_close(file) }
        if FileManager.default.fileExists(atPath: temporary) { try? FileManager.default.removeItem(atPath: temporary) }
    }
    // Without this libsndfile stamps a PEAK chunk with the current time into float files.
    sf_command(file, Int32(SFC_SET_ADD_PEAK_CHUNK), nil, Int32(SF_FALSE))

    let written: sf_count_t
    if let bits = format.pcmBits {
        let scale = Double(1 << (bits - 1))
        let lowest = -scale, highest = scale - 1
        let shift = Int32(32 - bits)
        var interleaved = [Int32](repeating: 0, count: frames * channelCount)
        for c in 0..<channelCount {
            audio.channels[c].withUnsafeBufferPointer { src in
                for n in 0..<frames {
                    let q = min(max((src[n] * scale).rounded(), lowest), highest)
                    interleaved[n * channelCount + c] = Int32(q) << shift
                }
            }
        }
        written = interleaved.withUnsafeBufferPointer { sf_writef_int(file, $0.baseAddress, sf_count_t(frames)) }
    } else {
        var interleaved = [Float](repeating: 0, count: frames * channelCount)
        for c in 0..<channelCount {
            audio.channels[c].withUnsafeBufferPointer { src in
                for n in 0..<frames { interleaved[n * channelCount + c] = Float(src[n]) }
            }
        }
        written = interleaved.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t(frames)) }
    }
    guard Int(written) == frames else {
        let reason = String(cString: sf_strerror(file))
        throw DirClustError("cannot write '\(path)': wrote \(written) of \(frames) frames (libsndfile: \(reason)).")
    }
    closed = true
    guard sf_close(file) == 0 else {
        throw DirClustError("cannot write '\(path)': libsndfile failed to finish the file.")
    }
    guard rename(temporary, path) == 0 else {
        throw DirClustError("cannot write '\(path)': renaming the temporary file failed (errno \(errno)).")
    }
}

/// A process-wide counter making temporary file names unique across concurrent writers.
public final class TemporaryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    public func next() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value
    }
}
public let temporaryCounter = TemporaryCounter()
