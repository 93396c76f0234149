import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// Issue 17, played as a user would: the built `dirclust` run as real processes on real files (tiny
/// inputs: a 1 s excerpt of one chorale with the TimGM6mb SoundFont, short synthetic stereo WAVs). Each
/// test is one of the faults the issue lists (its number in the name), and fails on the old behaviour.
@Suite(.serialized) struct CLIReliabilityTests {
    typealias CLI = CLIProcess

    /// A scratch folder with the tiny config in it.
    func workspace(_ tag: String, extra: [String: String] = [:]) throws -> (folder: String, config: String) {
        let folder = try AudioTestSupport.scratchFolder("cli-\(tag)")
        return (folder, try CLI.tinyConfig(in: folder, extra: ["report": "{\"demoPieces\": 0}"].merging(extra) { $1 }))
    }

    /// A short stereo WAV of three panned tones.
    func mix(_ path: String, seconds: Double = 0.5) throws {
        let s = SeparateTestSupport.threeSources(seconds: seconds)
        try writeWAV(SeparateTestSupport.pannedMix(s, degrees: [20, 45, 70]), to: path)
    }

    func expectRefused(_ r: CLI.Result, _ needles: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!r.succeeded, "exit 0; stdout: \(r.stdout)", sourceLocation: sourceLocation)
        for n in needles {
            #expect(r.stderr.contains(n), "stderr lacks '\(n)': \(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    // MARK: silent wrong results

    @Test func item1HopAboveHalfTheFrameIsRefused() throws {
        let (folder, config) = try workspace("hop")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try mix("\(folder)/good.wav")
        for hop in ["1025", "1536", "2048"] {
            let r = try CLI.run(["separate", "\(folder)/good.wav", "--hop", hop, "--out", "\(folder)/sep"])
            expectRefused(r, ["stft.hop is \(hop)", "1024"])
        }
        #expect(!CLI.exists("\(folder)/sep"))
        let run = try CLI.run(["run", "--config", config, "--set", "stft.hop=1536", "--out", "\(folder)/run"])
        expectRefused(run, ["stft.hop = 1536 is out of range", "1…1024"])
        #expect(!CLI.exists("\(folder)/run"))
        // The limit itself is accepted.
        #expect(try CLI.run(["separate", "\(folder)/good.wav", "--hop", "1024", "-K", "3", "--out", "\(folder)/sep", "--quiet"]).succeeded)
    }

    @Test func item2CompareRefusesAToleranceThatDisablesTheGate() throws {
        let (folder, config) = try workspace("compare")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Without --quiet but with stderr in a file (not a terminal): no progress lines either.
        let run = try CLI.run(["run", "--config", config, "--out", "\(folder)/run"])
        #expect(run.succeeded && !run.stderr.contains("[1/") && !run.stderr.contains("already recorded"), "\(run.stderr)")
        let baseline = "\(folder)/run/trials.csv"
        // A candidate whose first trial moved by +100 dB.
        var lines = try String(contentsOfFile: baseline, encoding: .utf8).split(separator: "\n").map(String.init)
        var cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let sdr = TrialKey.columnNames.count
        cells[sdr] = TrialTable.fixed(Double(cells[sdr])! + 100)
        lines[1] = cells.joined(separator: ",")
        try (lines.joined(separator: "\n") + "\n").write(toFile: "\(folder)/moved.csv", atomically: true, encoding: .utf8)
        for tolerance in ["nan", "inf", "-0.05", "-inf"] {
            let r = try CLI.run(["compare", "--baseline", baseline, "--candidate", "\(folder)/moved.csv", "--tolerance=\(tolerance)"])
            expectRefused(r, ["--tolerance", "finite"])
        }
        let moved = try CLI.run(["compare", "--baseline", baseline, "--candidate", "\(folder)/moved.csv", "--tolerance", "0.05"])
        expectRefused(moved, ["1 of 8 trials moved"])
        #expect(try CLI.run(["compare", "--baseline", baseline, "--candidate", baseline, "--tolerance", "0"]).succeeded)
    }

    @Test func item3ResumeRefusesTwoDifferentRowsOfOneTrial() throws {
        let (folder, config) = try workspace("resume")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = "\(folder)/run"
        #expect(try CLI.run(["run", "--config", config, "--out", out, "--quiet"]).succeeded)
        let csv = "\(out)/trials.csv"
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        let row = String(text.split(separator: "\n")[1])
        var cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[TrialKey.columnNames.count] = "99.0000"
        // The same row twice is harmless (an identical re-append); a different result for it is not.
        try (text + row + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["run", "--config", config, "--out", out, "--quiet"]).succeeded)
        try (text + cells.joined(separator: ",") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--config", config, "--out", out, "--quiet"])
        expectRefused(r, ["trials.csv", "two rows with different results", cells[0]])
    }

    @Test func item4AnExcerptPastTheEndOfThePieceIsRefusedBeforeAnythingIsWritten() throws {
        let (folder, config) = try workspace("excerpt")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = "\(folder)/run"
        let offset = try CLI.run(["run", "--config", config, "--set", "excerpt.offset=25", "--out", out])
        expectRefused(offset, ["excerpt.offset", "bwv66.6", "lasts"])
        let seconds = try CLI.run(["run", "--config", config, "--set", "excerpt.offset=20", "--set", "excerpt.seconds=10", "--out", out])
        expectRefused(seconds, ["excerpt.seconds", "bwv66.6", "lasts"])
        #expect(!CLI.exists(out))
        let render = try CLI.run(["render", "--config", config, "--set", "excerpt.offset=25", "--out", out])
        expectRefused(render, ["excerpt.offset"])
        #expect(!CLI.exists(out))
    }

    @Test func item5DuplicateKeysTrailingCommasAndSyntaxErrorsInAConfig() throws {
        let (folder, _) = try workspace("json")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases = [
            ("{\n  \"pieces\": [\"bwv66.6\"],\n  \"K\": [6],\n  \"K\": [8]\n}\n", ["line 4, column 3", "'K' appears twice"]),
            ("{\n  \"pieces\": [\"bwv66.6\"],\n  \"K\": [6],\n}\n", ["line 4, column 1", "trailing comma"]),
            ("{\n  \"pieces\": [\"bwv66.6\"]\n  \"K\": [6]\n}\n", ["line 3, column 3", "expected ',' or '}'"]),
        ]
        for (text, needles) in cases {
            let path = "\(folder)/bad.json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try CLI.run(["run", "--config", path, "--out", "\(folder)/run"])
            expectRefused(r, [path] + needles)
        }
        #expect(!CLI.exists("\(folder)/run"))
    }

    // MARK: lost or destroyed data

    /// Two processes into one folder: the second is refused naming the first's PID while the first runs;
    /// the first finishes with every trial; the lock is gone afterwards and a rerun resumes everything.
    @Test func item6ASecondRunIntoTheSameFolderIsRefusedNamingTheHolder() throws {
        let (folder, config) = try workspace("lock", extra: ["angles": "[10, 20, 30, 40]", "excerpt": "{\"offset\": 0, \"seconds\": 3}",
                                                            "methods": "[\"kmeans\", \"gmm\", \"cauchy\", \"tmm\", \"ggmm\"]"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = "\(folder)/run"
        let lockFile = "\(out)/\(OutputFolderLock.fileName)"
        let first = try CLI.start(["run", "--config", config, "--out", out, "--shard", "1/2", "--jobs", "1"], logs: folder)
        #expect(CLI.wait(seconds: 60) { (try? String(contentsOfFile: lockFile, encoding: .utf8))?.isEmpty == false })
        let second = try CLI.run(["run", "--config", config, "--out", out, "--shard", "2/2"])
        let firstStillRunning = first.isRunning
        first.waitUntilExit()
        #expect(firstStillRunning, "the first run ended before the second started; make the config longer")
        expectRefused(second, ["in use by another dirclust process", "PID \(first.processIdentifier)"])
        #expect(CLI.result(of: first, logs: folder).succeeded)
        #expect(!CLI.exists(lockFile))
        let shard1 = try TrialTable.read(path: "\(out)/trials.csv").records
        #expect(shard1.count == 2 * 5 + 2 * 2)  // 2 scenes × (5 methods + mixture + ibm)
        let again = try CLI.run(["run", "--config", config, "--out", out, "--shard", "1/2", "--quiet"])
        #expect(again.succeeded && again.stdout.contains("0 scenes run, 2 resumed"), "\(again.stdout) \(again.stderr)")
    }

    /// `merge` reads shard folders whatever their locks, and locks its own --out.
    @Test func item6And8MergeReadsLockedShardsAndNeverWritesIntoAnInput() throws {
        let (folder, config) = try workspace("merge")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for i in 1...2 {
            #expect(try CLI.run(["run", "--config", config, "--out", "\(folder)/sh\(i)", "--shard", "\(i)/2", "--quiet"]).succeeded)
        }
        let before = CLI.bytes("\(folder)/sh1/trials.csv")
        for out in ["sh1", "sh1/", "./sh1", "sh2/../sh1"] {
            let r = try CLI.run(["merge", "sh1", "sh2", "--out", out], in: folder)
            expectRefused(r, ["--out", "sh1", "is one of the shards"])
        }
        #expect(CLI.bytes("\(folder)/sh1/trials.csv") == before)
        let held = try OutputFolderLock(folder: "\(folder)/sh1", command: "test")
        defer { held.release() }
        #expect(try CLI.run(["merge", "sh1", "sh2", "--out", "merged"], in: folder).succeeded)
        #expect(try TrialTable.read(path: "\(folder)/merged/trials.csv").records.count == 8)
        let mergedLock = try OutputFolderLock(folder: "\(folder)/merged", command: "test")
        let busy = try CLI.run(["merge", "sh1", "sh2", "--out", "merged"], in: folder)
        expectRefused(busy, ["in use by another dirclust process", "PID \(getpid())"])
        mergedLock.release()
    }

    @Test func item7SeparateRefusesAnOutputFolderHoldingItsInput() throws {
        let folder = try AudioTestSupport.scratchFolder("cli-self")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try mix("\(folder)/mix.wav")
        #expect(try CLI.run(["separate", "mix.wav", "--out", "sep", "-K", "3", "--target-direction", "45", "--quiet"], in: folder).succeeded)
        let input = "\(folder)/sep/target.wav"
        let before = CLI.bytes(input)
        for out in ["sep", "sep/", "./sep", "\(folder)/sep", "."] {
            let r = try CLI.run(["separate", "sep/target.wav", "--out", out, "-K", "3"], in: folder)
            expectRefused(r, ["--out", "holds the input"])
        }
        #expect(CLI.bytes(input) == before)
    }

    // MARK: debris and misleading messages

    /// SIGTERM and SIGINT remove the staging folder; after kill -9 the next run removes the stale one.
    @Test func item9InterruptedSeparateLeavesNoPartialFolder() throws {
        let folder = try AudioTestSupport.scratchFolder("cli-kill")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try mix("\(folder)/long.wav", seconds: 40)
        func partials() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".out.partial-") }
        }
        for signal in [SIGTERM, SIGINT, SIGKILL] {
            let p = try CLI.start(["separate", "long.wav", "--out", "out", "--quiet"], in: folder, logs: folder)
            #expect(CLI.wait(seconds: 60) { !partials().isEmpty }, "no staging folder appeared")
            kill(p.processIdentifier, signal)
            p.waitUntilExit()
            #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == signal, "signal \(signal): \(CLI.result(of: p, logs: folder))")
            if signal == SIGKILL {
                #expect(partials().count == 1)  // nothing can clean up after kill -9 …
            } else {
                #expect(partials().isEmpty, "signal \(signal) left \(partials())")
            }
        }
        // … so the next separate removes the staging folders of processes that no longer exist.
        #expect(try CLI.run(["separate", "long.wav", "--out", "out", "-K", "3", "--quiet"], in: folder).succeeded)
        #expect(partials().isEmpty)
    }

    /// Shards say no report is written; a fresh run, a resumed run and merged shards write identical
    /// summary.csv, summary.md and figure.svg.
    @Test func item10SummariesAreIdenticalOnEveryPath() throws {
        let (folder, config) = try workspace("summary", extra: ["methods": "[\"kmeans\", \"gmm\", \"tmm\"]"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try CLI.run(["run", "--config", config, "--out", "fresh", "--quiet"], in: folder).succeeded)
        #expect(try CLI.run(["run", "--config", config, "--out", "resumed", "--scene-limit", "1", "--quiet"], in: folder).succeeded)
        #expect(try CLI.run(["run", "--config", config, "--out", "resumed", "--quiet"], in: folder).succeeded)
        for i in 1...2 {
            let shard = try CLI.run(["run", "--config", config, "--out", "sh\(i)", "--shard", "\(i)/2", "--quiet"], in: folder)
            #expect(shard.succeeded && !shard.stdout.contains("report.html") && shard.stdout.contains("merge"), "\(shard.stdout)")
        }
        #expect(try CLI.run(["merge", "sh1", "sh2", "--out", "merged"], in: folder).succeeded)
        for file in ["trials.csv", "summary.csv", "summary.md", "figure.svg"] {
            let fresh = CLI.bytes("\(folder)/fresh/\(file)")
            #expect(fresh != nil)
            if file == "trials.csv" { continue }  // fit_seconds differ between runs
            #expect(CLI.bytes("\(folder)/resumed/\(file)") == fresh, "resumed \(file)")
            #expect(CLI.bytes("\(folder)/merged/\(file)") == fresh, "merged \(file)")
        }
    }

    @Test func item11MessagesPointTheRightWay() throws {
        let (folder, config) = try workspace("messages")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try mix("\(folder)/mix.wav")
        try Data().write(to: URL(fileURLWithPath: "\(folder)/afile"))
        try FileManager.default.createDirectory(atPath: "\(folder)/adir", withIntermediateDirectories: true)

        let soundFontDirectory = try CLI.run(["run", "--config", config, "--set", "soundFont=\(folder)/adir", "--out", "\(folder)/r"])
        expectRefused(soundFontDirectory, ["\(folder)/adir", "is a folder"])
        #expect(!soundFontDirectory.stderr.contains("does not exist"))

        let separateUnderFile = try CLI.run(["separate", "mix.wav", "--out", "afile/out"], in: folder)
        expectRefused(separateUnderFile, ["afile", "is a file"])
        let runUnderFile = try CLI.run(["run", "--config", config, "--out", "afile/out"], in: folder)
        expectRefused(runUnderFile, ["afile", "is a file"])
        #expect(!runUnderFile.stderr.contains("NSCocoaErrorDomain"))

        let negativeK = try CLI.run(["separate", "mix.wav", "-K", "-3"], in: folder)
        expectRefused(negativeK, ["-3"])
        #expect(!negativeK.stderr.contains("Missing value"))

        let noPieces = "\(folder)/nopieces.json"
        try "{\"K\": [6]}".write(toFile: noPieces, atomically: true, encoding: .utf8)
        let pieces = try CLI.run(["run", "--config", noPieces])
        expectRefused(pieces, ["missing key 'pieces'"])
        #expect(!pieces.stderr.contains("bwv269"))
        let shipped = try FileManager.default.contentsOfDirectory(atPath: "\(CLI.packageRoot)/experiments/midi").filter { $0.hasSuffix(".mid") }
        #expect(shipped.contains { pieces.stderr.contains($0.replacingOccurrences(of: ".mid", with: "")) }, "\(pieces.stderr)")

        // trials.csv: a header differing late, and a cell that is not a number.
        let header = TrialTable.header
        let renamed = header.replacingOccurrences(of: "fit_seconds", with: "fit_secs")
        try (renamed + "\n").write(toFile: "\(folder)/h.csv", atomically: true, encoding: .utf8)
        let h = try CLI.run(["compare", "--baseline", "\(folder)/h.csv", "--candidate", "\(folder)/h.csv"])
        expectRefused(h, ["fit_secs", "fit_seconds"])
        #expect(try CLI.run(["run", "--config", config, "--out", "\(folder)/ok", "--quiet"]).succeeded)
        var lines = try String(contentsOfFile: "\(folder)/ok/trials.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        var cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[TrialKey.columnNames.count + 1] = "abc"
        lines[1] = cells.joined(separator: ",")
        try (lines.joined(separator: "\n") + "\n").write(toFile: "\(folder)/n.csv", atomically: true, encoding: .utf8)
        let n = try CLI.run(["compare", "--baseline", "\(folder)/n.csv", "--candidate", "\(folder)/n.csv"])
        expectRefused(n, ["line 2", "sir = 'abc' is not a number"])
        #expect(!n.stderr.contains("comma-separated cells"))

        // An output folder that cannot be written is refused before any work (and leaves nothing).
        let unwritable = try CLI.run(["separate", "mix.wav", "--out", "/sys/dirclust-test-out"], in: folder)
        expectRefused(unwritable, ["/sys", "cannot be created"])
        #expect(!unwritable.stderr.contains("iterations"))
    }

    @Test func item12SeparateCreatesMissingParentFolders() throws {
        let folder = try AudioTestSupport.scratchFolder("cli-mkdir")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try mix("\(folder)/mix.wav")
        let r = try CLI.run(["separate", "mix.wav", "--out", "a/b/c", "-K", "3", "--quiet"], in: folder)
        #expect(r.succeeded, "\(r.stderr)")
        #expect(CLI.exists("\(folder)/a/b/c/clusters.json"))
    }
}
