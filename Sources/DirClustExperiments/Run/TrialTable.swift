import DirClust
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One row of `trials.csv`: a trial's identity and what was measured.
public struct TrialRecord: Sendable, Equatable {
    public var key: TrialKey
    public var sdr: Double
    public var sir: Double
    public var sar: Double
    /// Image-to-spatial distortion ratio (metric `images` only).
    public var isr: Double?
    /// EM (or Lloyd) iterations, final weighted log-likelihood and convergence of the fit (clusterers only).
    public var iterations: Int?
    public var loglik: Double?
    public var converged: Bool?
    /// Mean direction (degrees) of the cluster(s) taken as the target.
    public var targetDeg: Double?
    /// Wall time of the clusterer's fit (the only column that differs between identical runs).
    public var fitSeconds: Double?
    /// Starts the fit was chosen from (`Restarts`) and max − min of their final log-likelihoods (clusterers
    /// only). A `trials.csv` written before these columns existed reads as 1 start, spread 0.
    public var restarts: Int?
    public var loglikSpread: Double?

    public init(key: TrialKey, sdr: Double, sir: Double, sar: Double, isr: Double? = nil, iterations: Int? = nil,
                loglik: Double? = nil, converged: Bool? = nil, targetDeg: Double? = nil, fitSeconds: Double? = nil,
                restarts: Int? = nil, loglikSpread: Double? = nil) {
        self.key = key; self.sdr = sdr; self.sir = sir; self.sar = sar; self.isr = isr
        self.iterations = iterations; self.loglik = loglik; self.converged = converged
        self.targetDeg = targetDeg; self.fitSeconds = fitSeconds
        self.restarts = restarts; self.loglikSpread = loglikSpread
    }
}

/// `trials.csv`: the header, fixed-precision formatting (4 decimals, so diffs are stable), parsing, the
/// crash-safe appender used while a run is in progress and the sorted final form.
public enum TrialTable {
    public static let measureColumns = ["sdr", "sir", "sar", "isr", "iterations", "loglik", "converged",
                                        "target_deg", "fit_seconds", "restarts", "loglik_spread"]
    public static let columns = TrialKey.columnNames + measureColumns
    public static let header = columns.joined(separator: ",")
    /// The header before `restarts` and `loglik_spread` (read as one start, spread 0; rewritten on resume).
    static let headerWithoutRestarts = columns.dropLast(2).joined(separator: ",")
    public static let fileName = "trials.csv"

    /// Fixed-precision number. ±∞ is written `inf` / `-inf` (BSS Eval's SAR of an estimate with no
    /// artefact, e.g. the noiseless mixture, is +∞, as in mir_eval); NaN never reaches the CSV.
    static func fixed(_ x: Double) -> String {
        precondition(!x.isNaN, "trials.csv: NaN reached the table")
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        let s = String(format: "%.4f", x)
        return s == "-0.0000" ? "0.0000" : s
    }

    /// r as `trials.csv` records it and reading it back gives (scores rounded to 4 decimals, ±∞ kept): what
    /// every summary is computed from, so a fresh, a resumed and a merged run write identical bytes.
    static func recorded(_ r: TrialRecord) -> TrialRecord {
        (try? parse(Substring(line(r)), lineNumber: 0, source: "trials.csv")) ?? r
    }

    public static func line(_ r: TrialRecord) -> String {
        let measures: [String] = [fixed(r.sdr), fixed(r.sir), fixed(r.sar), r.isr.map(fixed) ?? "",
                        r.iterations.map(String.init) ?? "", r.loglik.map(fixed) ?? "",
                        r.converged.map { $0 ? "true" : "false" } ?? "", r.targetDeg.map(fixed) ?? "",
                        r.fitSeconds.map(fixed) ?? "", r.restarts.map(String.init) ?? "", r.loglikSpread.map(fixed) ?? ""]
        return (r.key.columns + measures).joined(separator: ",")
    }

    /// The whole table, rows sorted by trial key.
    public static func text(_ records: [TrialRecord]) -> String {
        ([header] + records.sorted { $0.key < $1.key }.map(line)).joined(separator: "\n") + "\n"
    }

    /// A row of the current table, or with `legacy` one without the last two columns (a clusterer row then
    /// reads as restarts = 1, spread 0).
    static func parse(_ line: Substring, lineNumber: Int, source: String, legacy: Bool = false) throws -> TrialRecord {
        var c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let expected = columns.count - (legacy ? 2 : 0)
        func bad(_ what: String) -> DirClustError {
            DirClustError("\(source) line \(lineNumber): \(what); expected \(expected) comma-separated cells as in the header")
        }
        guard c.count == expected else { throw bad("\(c.count) cells") }
        if legacy { c += c[TrialKey.columnNames.count + 4].isEmpty ? ["", ""] : ["1", "0"] }
        let n = TrialKey.columnNames.count
        func number(_ i: Int) throws -> Double {
            guard let v = Double(c[n + i]), !v.isNaN, i != 0 || v.isFinite else {
                throw DirClustError("\(source) line \(lineNumber): \(measureColumns[i]) = '\(c[n + i])' is not a number; expected a decimal number\(i == 0 ? "" : ", inf or -inf")")
            }
            return v
        }
        func optional(_ i: Int) throws -> Double? { c[n + i].isEmpty ? nil : try number(i) }
        return TrialRecord(key: TrialKey(columns: Array(c[0..<n])), sdr: try number(0), sir: try number(1),
                           sar: try number(2), isr: try optional(3), iterations: try optional(4).map { Int($0) },
                           loglik: try optional(5), converged: c[n + 6].isEmpty ? nil : c[n + 6] == "true",
                           targetDeg: try optional(7), fitSeconds: try optional(8),
                           restarts: try optional(9).map { Int($0) }, loglikSpread: try optional(10))
    }

    /// Reads a `trials.csv` (also one written before the `restarts` and `loglik_spread` columns). A last line
    /// without its newline is the trace of an interrupted append and is ignored (`partialBytes` says how many
    /// bytes it had); any other malformed line is an error.
    public static func read(path: String) throws -> (records: [TrialRecord], partialBytes: Int) {
        try readTable(path: path).table
    }

    /// `read`, and whether the file has the older header (so an appender must rewrite it first).
    static func readTable(path: String) throws -> (table: (records: [TrialRecord], partialBytes: Int), legacy: Bool) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DirClustError("\(path) cannot be read; expected a trials.csv written by dirclust run")
        }
        return try readTable(data: data, source: path)
    }

    static func read(data: Data, source: String) throws -> (records: [TrialRecord], partialBytes: Int) {
        try readTable(data: data, source: source).table
    }

    static func readTable(data: Data, source: String) throws -> (table: (records: [TrialRecord], partialBytes: Int), legacy: Bool) {
        guard let text = String(data: data, encoding: .utf8) else { throw DirClustError("\(source) is not UTF-8 text") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let partial = lines.last ?? ""
        lines.removeLast()  // after the final newline: empty, or a partial row
        guard let first = lines.first else {
            if partial.isEmpty { return (([], 0), false) }
            throw DirClustError("\(source) has no complete header line; expected: \(header)")
        }
        let legacy = first == headerWithoutRestarts
        guard first == header || legacy else { throw headerMismatch(String(first), source: source) }
        var records: [TrialRecord] = []
        for (i, l) in lines.enumerated().dropFirst() where !l.isEmpty {
            records.append(try parse(l, lineNumber: i + 1, source: source, legacy: legacy))
        }
        return ((records, partial.utf8.count), legacy)
    }
}

extension TrialTable {
    /// Names the first column where `found` differs from the header (long headers used to be cut before it).
    static func headerMismatch(_ found: String, source: String) -> DirClustError {
        let cells = found.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let differing = zip(cells, columns).enumerated().first { $0.element.0 != $0.element.1 }
        let what: String
        if case let (i, (got, want))? = differing {
            what = "column \(i + 1) is '\(got.prefix(40))' where '\(want)' belongs"
        } else if cells.count < columns.count {
            what = "it stops after column \(cells.count) ('\(columns[cells.count - 1])'); '\(columns[cells.count])' and \(columns.count - cells.count - 1) more are missing"
        } else {
            what = "it has \(cells.count - columns.count) extra column(s) after '\(columns.last!)'"
        }
        return DirClustError("\(source) is not a dirclust trials.csv: in its header \(what); expected the header: \(header)")
    }

    /// Adds `records` to `byKey`. A trial recorded twice must have the same results (up to the fit time,
    /// `MergeRuns.sameMeasurement`); two different results of one trial throw `conflict(key)` rather than
    /// keeping one of them silently.
    static func index(_ records: [TrialRecord], into byKey: inout [TrialKey: TrialRecord],
                      conflict: (TrialKey) -> DirClustError) throws {
        for r in records {
            if let old = byKey[r.key], !MergeRuns.sameMeasurement(old, r) { throw conflict(r.key) }
            byKey[r.key] = r
        }
    }
}

/// Appends whole scenes to `trials.csv` while a run is in progress: each scene's rows go out in one
/// `write(2)` on an `O_APPEND` descriptor followed by `fsync`, so a killed run leaves complete rows plus
/// at most one partial last line, which the next run cuts off before appending.
actor TrialAppender {
    private let fd: Int32
    private let path: String

    init(path: String) throws {
        self.path = path
        let existing = FileManager.default.contents(atPath: path) ?? Data()
        var keep = existing.count
        if let lastNewline = existing.lastIndex(of: 0x0A) { keep = lastNewline + 1 } else { keep = 0 }
        fd = open(path, O_WRONLY | O_CREAT, 0o644)
        guard fd >= 0 else { throw DirClustError("\(path) cannot be opened for writing (\(String(cString: strerror(errno))))") }
        if keep < existing.count { _ = ftruncate(fd, off_t(keep)) }
        if keep == 0 {
            _ = ftruncate(fd, 0)
            try Self.write(fd, TrialTable.header + "\n", path)
        }
        _ = lseek(fd, 0, SEEK_END)
        _ = fcntl(fd, F_SETFL, O_APPEND | O_WRONLY)
    }

    func append(_ records: [TrialRecord]) throws {
        guard !records.isEmpty else { return }
        try Self.write(fd, records.map(TrialTable.line).joined(separator: "\n") + "\n", path)
        _ = fsync(fd)
    }

    func close() { _ = systemClose(fd) }

    private static func write(_ fd: Int32, _ text: String, _ path: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { systemWrite(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw DirClustError("\(path): write failed (\(String(cString: strerror(errno))))") }
            offset += n
        }
    }
}

/// Writes a file atomically: to a temporary name in the same directory, then `rename(2)` over the target.
public func writeAtomically(_ data: Data, to path: String) throws {
    let tmp = path + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: tmp, contents: data) else {
        throw DirClustError("\(tmp) cannot be written; check that its directory exists and is writable")
    }
    guard rename(tmp, path) == 0 else {
        unlink(tmp)
        throw DirClustError("\(path) cannot be replaced (\(String(cString: strerror(errno))))")
    }
}
