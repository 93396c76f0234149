import DirClust
import DirClustExperiments
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place where progress reaches stderr. The libraries only emit typed events (`RunEvent` from
/// `run` and `render`, `SeparationStage` + fraction from `separate`); this reporter renders them: one line
/// per event for runs ("[3/12] <scene>  4.2 s  best tmm 7.31 dB"), one line per stage redrawn in place for
/// `separate` ("[3/6] measuring directions  42%"). It is silent with --quiet or when stderr is not a
/// terminal, and then hands the libraries no handler at all.
final class ProgressReporter: @unchecked Sendable {
    let enabled: Bool
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var stage: SeparationStage?
    private var percent = -1

    /// `isTerminal` and `write` default to stderr; tests pass their own.
    init(quiet: Bool, isTerminal: Bool = isatty(STDERR_FILENO) == 1,
         write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        enabled = !quiet && isTerminal
        self.write = write
    }

    /// The handler for `RunOptions.progress` and `renderScenes` (nil when silent).
    var runHandler: RunProgressHandler? {
        guard enabled else { return nil }
        return { [self] event in report(event) }
    }

    /// The handler for `separateStereoFile` (nil when silent).
    var separationHandler: SeparationProgressHandler? {
        guard enabled else { return nil }
        return { [self] stage, fraction in report(stage, fraction) }
    }

    /// One line per run event.
    func report(_ event: RunEvent) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        write(Self.line(event) + "\n")
    }

    /// The stage line of `separate`, redrawn when the whole percentage changes; a new stage starts a new line.
    func report(_ stage: SeparationStage, _ fraction: Double) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let p = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        if stage != self.stage {
            if self.stage != nil { write("\n") }
            self.stage = stage
            percent = -1
        }
        guard p != percent else { return }
        percent = p
        write("\r" + Self.line(stage, percent: p))
    }

    /// Ends an open stage line.
    func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if stage != nil { write("\n") }
        stage = nil
    }

    /// The text of a run event.
    static func line(_ event: RunEvent) -> String {
        switch event {
        case let .started(scenes, resumed, jobs, shard):
            let part = shard.map { " (shard \($0))" } ?? ""
            return "dirclust: \(scenes) scenes\(part), \(resumed) already recorded, \(jobs) jobs"
        case let .sceneFinished(s):
            let best = s.best.map { "best \($0.method) " + String(format: "%.2f dB", $0.sdr) } ?? ""
            return "[\(s.done)/\(s.total)] \(s.sceneID)  " + String(format: "%.1f s  ", s.seconds) + best
        case let .done(wall, finished):
            return "dirclust: \(finished ? "done" : "stopped early (scene limit)") in " + String(format: "%.1f s", wall)
        }
    }

    /// The text of a separation stage at `percent`.
    static func line(_ stage: SeparationStage, percent: Int) -> String {
        let number = stage.rawValue + 1, count = SeparationStage.allCases.count
        return "[\(number)/\(count)] \(stage.label) \(String(repeating: " ", count: max(0, 28 - stage.label.count)))\(percent)%"
    }
}
