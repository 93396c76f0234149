import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments
@testable import DirClustCLI

/// The command line's one progress reporter: it alone decides whether progress is shown (not with
/// --quiet, not when stderr is not a terminal) and renders both kinds of events.
@Suite struct ProgressReporterTests {
    final class Written: @unchecked Sendable {
        private let lock = NSLock()
        private var stored = ""
        var text: String { lock.lock(); defer { lock.unlock() }; return stored }
        func append(_ s: String) { lock.lock(); stored += s; lock.unlock() }
    }

    func reporter(quiet: Bool, isTerminal: Bool) -> (ProgressReporter, Written) {
        let written = Written()
        return (ProgressReporter(quiet: quiet, isTerminal: isTerminal, write: { written.append($0) }), written)
    }

    static let scene = SceneProgress(sceneID: "bwv66.6_fan_30_overK", done: 6, total: 24, seconds: 4.25,
                                     best: .init(method: "tmm", sdr: 7.314))

    @Test(arguments: [(true, true), (true, false), (false, false)])
    func silentWithQuietOrWithoutATerminal(quiet: Bool, isTerminal: Bool) {
        let (r, written) = reporter(quiet: quiet, isTerminal: isTerminal)
        #expect(r.runHandler == nil && r.separationHandler == nil)
        r.report(.sceneFinished(Self.scene))
        r.report(.fitting, 0.5)
        r.finish()
        #expect(written.text.isEmpty)
    }

    /// One line per run event, in the text the README describes.
    @Test func rendersRunEventsOneLineEach() throws {
        let (r, written) = reporter(quiet: false, isTerminal: true)
        let handler = try #require(r.runHandler)
        handler(.started(scenes: 24, resumed: 5, jobs: 2, shard: try Shard(index: 2, count: 3)))
        handler(.sceneFinished(Self.scene))
        handler(.sceneFinished(SceneProgress(sceneID: "rendered", done: 1, total: 2, seconds: 0.04)))
        handler(.done(wallSeconds: 12.34, finished: true))
        handler(.done(wallSeconds: 3, finished: false))
        #expect(written.text == """
            dirclust: 24 scenes (shard 2/3), 5 already recorded, 2 jobs
            [6/24] bwv66.6_fan_30_overK  4.2 s  best tmm 7.31 dB
            [1/2] rendered  0.0 s\u{20}\u{20}
            dirclust: done in 12.3 s
            dirclust: stopped early (scene limit) in 3.0 s

            """)
    }

    /// The stage line of `separate`: redrawn in place when the whole percentage changes, a new line per stage.
    @Test func redrawsTheSeparationStageLine() throws {
        let (r, written) = reporter(quiet: false, isTerminal: true)
        let handler = try #require(r.separationHandler)
        handler(.reading, 0)
        handler(.reading, 0.004)
        handler(.reading, 1)
        handler(.directions, 0.427)
        r.finish()
        let pad = { (label: String) in String(repeating: " ", count: 28 - label.count) }
        let reading = "[1/6] reading the mix " + pad("reading the mix")
        #expect(written.text == "\r\(reading)0%\r\(reading)100%\n\r[3/6] measuring directions \(pad("measuring directions"))42%\n")
    }
}
