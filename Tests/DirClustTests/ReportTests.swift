import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments
@testable import DirClustCLI

/// `report.html` of a real run: the CI config through `dirclust run` (its first piece, 1.5 s excerpts, the
/// small TimGM6mb SoundFont, both stages so the after-NMF players appear), then the page parsed and
/// checked against the files on disk and `trials.csv`; partial runs are refused by name.
@Suite(.serialized) struct ReportTests {
    static let root = ExperimentRunnerIntegrationTests.root

    /// One CI run shared by the tests of this suite.
    static let ciRun = Task { () throws -> String in
        let dir = temporaryDirectory("report") + "/ci"
        try await runExperiment(
            configPath: root + "/configs/ci.json",
            overrides: [#"pieces=["bwv66.6"]"#, "excerpt.seconds=1.5", "midiDirectory=\(root)/experiments/midi",
                        "soundFont=/usr/share/sounds/sf2/TimGM6mb.sf2", #"stages=["clustering","hybrid"]"#,
                        "hybrid.trainingMIDI=\(root)/experiments/midi/training/scales.mid",
                        "hybrid.iterations=20", "hybrid.trainingIterations=20", "report.demoSeconds=0.5"],
            out: dir, jobs: 2, shard: nil, fresh: true, quiet: true)
        return dir
    }

    /// trials.csv as text cells: trial key (the 13 identity columns joined by commas) → column → cell.
    static func csvCells(_ path: String) throws -> [String: [String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = lines[0]
        var out: [String: [String: String]] = [:]
        for cells in lines.dropFirst() {
            out[cells.prefix(13).joined(separator: ",")] = Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
        return out
    }

    /// Every value of `attribute="…"` in the page, in order.
    static func attributes(_ name: String, in html: String) -> [String] {
        html.components(separatedBy: " \(name)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func ciReportLinksExistingFilesAndShowsTheCSVScores() async throws {
        let dir = try await Self.ciRun.value
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(!html.contains("<script"), "no script")
        // The clustering figure: the ci config's demo scene nearest θ = 15°, SNR 0 dB, with the recorded fits
        // of all five methods, each titled with the SDR trials.csv has for that trial.
        let example = try JSONDecoder().decode(ClusteringExample.self, from: Data(contentsOf: URL(fileURLWithPath:
            dir + "/demo/bwv66.6_centreTarget_15_noise_snr0/clustering.json")))
        #expect(example.fits.map(\.method) == ["kmeans", "gmm", "cauchy", "tmm", "ggmm"])
        let trialCells = try Self.csvCells(dir + "/trials.csv")
        for f in example.fits { #expect(trialCells[f.trial.joined(separator: ",")]?["sdr"] == TrialTable.fixed(f.sdr)) }
        #expect(try String(contentsOfFile: dir + "/clustering.svg", encoding: .utf8) == example.svg())
        #expect(html.contains("<section id=\"clustering\">") && html.contains("ggmm: SDR"))
        #expect(html.contains("<section id=\"pairs\">") && FileManager.default.fileExists(atPath: dir + "/pairs.csv"))

        // Every src/href is a relative link to a file that exists (or an anchor on the page).
        let links = Self.attributes("src", in: html) + Self.attributes("href", in: html)
        #expect(links.count > 60)
        for link in links.map(Self.unescape) where !link.hasPrefix("#") {
            #expect(!link.hasPrefix("/") && !link.contains("..") && !link.contains(":"), "\(link) is not a relative link inside the run")
            #expect(FileManager.default.fileExists(atPath: dir + "/" + link), "\(link) does not exist")
        }
        for anchor in links.filter({ $0.hasPrefix("#") }) {
            #expect(html.contains("id=\"\(anchor.dropFirst())\""), "\(anchor) has no target")
        }

        // Demo = the piece's 4 scenes (2 angles × 2 conditions); per scene mixture, reference, ibm and
        // 5 methods × 2 stages.
        let sources = Self.attributes("src", in: html)
        #expect(sources.count == 4 * 13)
        #expect(sources.allSatisfy { $0.hasPrefix("demo/bwv66.6_centreTarget_") && $0.hasSuffix(".flac") })
        #expect(sources.contains("demo/bwv66.6_centreTarget_45_noise_snr0/tmm-hybrid.flac"))
        #expect(html.components(separatedBy: "<audio controls preload=\"metadata\"").count - 1 == 52)

        // Every score shown is the trials.csv cell of its trial, character for character.
        let csv = try Self.csvCells(dir + "/trials.csv")
        let cells = html.components(separatedBy: "<td class=\"num\" data-trial=\"").dropFirst()
        var shown = 0
        for cell in cells {
            let trial = Self.unescape(String(cell.prefix { $0 != "\"" }))
            let metric = String(cell.components(separatedBy: "data-metric=\"")[1].prefix { $0 != "\"" })
            let value = String(cell.components(separatedBy: "\">")[1].prefix { $0 != "<" })
            #expect(csv[trial]?[metric] == value, "\(trial) \(metric): page \(value), csv \(csv[trial]?[metric] ?? "none")")
            if metric == "sdr" { shown += 1 }
        }
        #expect(shown == 4 * 12)

        // Next to each clip its own SDR (the 0.5 s played, `clip-scores.json`), apart from the trial's.
        let clipCells = html.components(separatedBy: "<td class=\"num clip\" data-clip=\"").dropFirst()
        #expect(clipCells.count == 4 * 12)
        var differs = 0
        for cell in clipCells {
            let id = String(cell.prefix { $0 != "\"" }).split(separator: "/").map(String.init)
            let value = String(cell.components(separatedBy: "\">")[1].prefix { $0 != "<" })
            let scores = try ClipScores.read(runDirectory: dir, sceneID: id[0])
            #expect(scores.seconds == 0.5)
            let sdr = try #require(scores.clips[id[1]]?.sdr, "\(id)")
            #expect(value == TrialTable.fixed(sdr))
            let trialSDR = cell.components(separatedBy: "data-metric=\"sdr\">")[1].prefix { $0 != "<" }
            if value != trialSDR { differs += 1 }
        }
        #expect(differs > 40, "a 0.5 s clip of a 1.5 s trial scores differently")
        #expect(html.contains("clip SDR") && html.contains("trial SDR"))

        // The clips: 16 kHz, the first 0.5 s, mixture in stereo and estimates as the scored mid signal.
        let mixture = try readWAV(dir + "/demo/bwv66.6_centreTarget_15_overK/mixture.flac")
        let estimate = try readWAV(dir + "/demo/bwv66.6_centreTarget_15_overK/kmeans-hybrid.flac")
        let reference = try readWAV(dir + "/demo/bwv66.6_centreTarget_15_overK/reference.flac")
        #expect(mixture.sampleRate == 16_000 && mixture.channelCount == 2 && mixture.frameCount == 8_000)
        #expect(estimate.channelCount == 1 && estimate.frameCount == 8_000 && reference.channelCount == 1)
        #expect(AudioTestSupport.rms(estimate.channels[0]) > 1e-3, "the estimate is not silent")

        // The summary tables and the figure are inline.
        #expect(html.contains("<table class=\"summary\">") && html.contains("<figure class=\"svg\"><svg"))
    }

    @Test func partialRunIsRefusedNamingWhatIsMissing() async throws {
        let source = try await Self.ciRun.value
        let dir = temporaryDirectory("report-partial") + "/run"
        try FileManager.default.copyItem(atPath: source, toPath: dir)
        try FileManager.default.removeItem(atPath: dir + "/report.html")
        let csvPath = dir + "/trials.csv"
        let full = try String(contentsOfFile: csvPath, encoding: .utf8)

        func refused(_ expected: [String]) {
            do {
                try writeReport(runDirectory: dir)
                Issue.record("a report was written for a partial run")
            } catch let e as DirClustError {
                for s in expected { #expect(e.message.contains(s), "\(e.message) lacks \(s)") }
            } catch { Issue.record("unexpected \(error)") }
            #expect(!FileManager.default.fileExists(atPath: dir + "/report.html"))
        }

        // Two rows lost (one in the demo, one not): both named.
        let lines = full.split(separator: "\n", omittingEmptySubsequences: false)
        let dropped = lines.filter {
            $0.hasPrefix("bwv66.6_centreTarget_45_overK,") && $0.contains(",tmm,hybrid,")
                || $0.hasPrefix("bwv66.6_centreTarget_15_noise_snr0,") && $0.contains(",gmm,clustering,")
        }
        #expect(dropped.count == 2)
        try lines.filter { !dropped.contains($0) }.joined(separator: "\n").write(toFile: csvPath, atomically: true, encoding: .utf8)
        refused(["2 of 48 planned trials", "bwv66.6_centreTarget_45_overK tmm/hybrid K=6 power nearest binary seed=1",
                 "bwv66.6_centreTarget_15_noise_snr0 gmm/clustering K=6"])

        // No trials.csv at all: every trial is missing.
        try FileManager.default.removeItem(atPath: csvPath)
        refused(["trials.csv is missing: all 48 of 48 planned trials", "bwv66.6_centreTarget_15_noise_snr0 mixture/baseline"])

        // All rows, but a demo clip deleted: the clip is named.
        try full.write(toFile: csvPath, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: dir + "/demo/bwv66.6_centreTarget_15_noise_snr0/ggmm-clustering.flac")
        refused(["1 of 52 demo clips are missing", "demo/bwv66.6_centreTarget_15_noise_snr0/ggmm-clustering.flac"])

        // Not a run at all.
        let empty = temporaryDirectory("report-empty")
        #expect(throws: DirClustError.self) { try writeReport(runDirectory: empty) }
        do { try writeReport(runDirectory: empty) } catch let e as DirClustError {
            #expect(e.message.contains("config.json is missing"))
        }
    }

    @Test func demoSelectionPlaysTheFirstSettingOfEachSweptField() throws {
        let c = try ExperimentConfig.decode(Data(#"""
            {"pieces": ["a", "b"], "K": [4, 6], "seeds": [3, 1], "mask": ["soft", "binary"], "stages": ["clustering", "hybrid"],
             "methods": ["gmm", "tmm"], "report": {"demoPieces": 1, "demoSeconds": 2}}
            """#.utf8), source: "demo.json")
        let demo = DemoSelection(config: c, settings: c.report)
        let scenes = ExperimentPlan(c).scenes
        #expect(scenes.filter(demo.includes).map(\.piece) == ["a", "a", "a", "a"])
        let scene = scenes.first { $0.piece == "a" }!
        let trials = demo.trials(of: scene)
        #expect(trials.count == 2 + 2 * 2)
        #expect(trials.filter { $0.stage != "baseline" }.allSatisfy { $0.K == "4" && $0.seed == "3" && $0.mask == "soft" })
        #expect(demo.clips(of: scene) == ["reference", "mixture", "gmm-clustering", "gmm-hybrid", "tmm-clustering", "tmm-hybrid", "ibm"])
        #expect(demo.trials(of: scenes.first { $0.piece == "b" }!).isEmpty)
        #expect(demoAudioPath(runDirectory: "out", sceneID: scene.id, clip: "tmm-hybrid", format: .flac) == "out/demo/\(scene.id)/tmm-hybrid.flac")
        #expect(demoAudioPath(runDirectory: "out", sceneID: scene.id, clip: "ibm", format: .wav) == "out/demo/\(scene.id)/ibm.wav")
    }

    @Test func reportSettingsAreCheckedAndOutsideTheConfigHash() throws {
        let plain = try ExperimentConfig.decode(Data(#"{"pieces": ["a", "b"]}"#.utf8), source: "c.json")
        let set = try ExperimentConfig.decode(Data(#"{"pieces": ["a", "b"], "report": {"demoPieces": 2}}"#.utf8), source: "c.json")
        #expect(plain.report == ReportSettings(demoPieces: 1, demoSeconds: 5, audioFormat: .flac) && set.report.demoPieces == 2)
        #expect(plain.hash == set.hash)
        for (override, expected) in [("report.demoPieces=3", "report.demoPieces"), ("report.demoSeconds=0.1", "report.demoSeconds"),
                                     ("report.pieces=1", "unknown key 'report.pieces'"),
                                     ("report.audioFormat=mp3", "expected one of wav, flac")] {
            #expect(throws: DirClustError.self) { try ExperimentConfig.decode(Data(#"{"pieces": ["a", "b"]}"#.utf8), source: "c.json", overrides: [override]) }
            do { _ = try ExperimentConfig.decode(Data(#"{"pieces": ["a", "b"]}"#.utf8), source: "c.json", overrides: [override]) } catch let e as DirClustError {
                #expect(e.message.contains(expected), "\(e.message)")
            }
        }
    }

    /// One typed document, two writers: `summary.md`'s Markdown and the report's HTML, nothing parsed back.
    @Test func documentWritesMarkdownAndHTMLFromTheSameBlocks() {
        let doc = Document([
            .heading(level: 1, [.text("title")]),
            .paragraph([[.text("Some "), .code("code"), .text(" & "), .strong("bold"), .text(" text")], [.text("wrapped.")]]),
            .heading(level: 2, [.text("Layout "), .code("x")]),
            .table(Document.Table(header: [[.text("method")], [.text("a <b>")]], numeric: [false, true],
                                  rows: [[[.text("tmm")], [.text("1.00 ± 0.10 (2)")]]])),
            .list([[.strong("reproduced"), .text(" — claim")], [.strong("not reproduced"), .text(" — other")]]),
        ])
        #expect(doc.markdown == """
            # title

            Some `code` & **bold** text
            wrapped.

            ## Layout `x`

            | method | a <b> |
            |---|---:|
            | tmm | 1.00 ± 0.10 (2) |

            - **reproduced** — claim
            - **not reproduced** — other

            """)
        #expect(doc.droppingTitle.html == """
            <p>Some <code>code</code> &amp; <strong>bold</strong> text wrapped.</p>
            <h3>Layout <code>x</code></h3>
            <table class="summary">
            <thead><tr><th>method</th><th class="num">a &lt;b&gt;</th></tr>
            </thead>
            <tbody>
            <tr><td>tmm</td><td class="num">1.00 ± 0.10 (2)</td></tr>
            </tbody>
            </table>
            <ul>
            <li><strong>reproduced</strong> — claim</li>
            <li><strong>not reproduced</strong> — other</li>
            </ul>

            """)
    }
}
