import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// Strict config decoding: each bad config gives one DirClustError naming the key path and what is allowed.
@Suite struct ConfigTests {
    func decode(_ json: String, overrides: [String] = []) throws -> ExperimentConfig {
        try ExperimentConfig.decode(Data(json.utf8), source: "test.json", overrides: overrides)
    }

    func message(_ json: String, overrides: [String] = []) -> String {
        do { _ = try decode(json, overrides: overrides); return "no error" } catch let e as DirClustError { return e.message } catch { return "other error: \(error)" }
    }

    @Test func defaultsAreTheDocumentedOnes() throws {
        let c = try decode(#"{"pieces": ["bwv1"]}"#)
        #expect(c.sampleRate == 16_000)
        #expect(c.excerpt == .init(offset: 0, seconds: 10))
        #expect(c.K == [6])
        #expect(c.methods == [.kmeans, .gmm, .cauchy, .tmm, .ggmm])
        #expect(c.weighting == [.power] && c.selection == [.nearest] && c.mask == [.binary] && c.metric == .sources)
        #expect(c.layouts == [.centreTarget] && c.angles == [15, 45])
        #expect(c.conditions.map(\.name) == ["overK", "noise"] && c.conditions[1].snrDb == [0] && c.conditions[0].snrDb == [])
        #expect(c.instruments == [73, 0, 57, 71] && c.target == 0)
        #expect(c.em.restarts == EMSettings.defaultRestarts && EMSettings.defaultRestarts == 4)
        #expect(c.em.coarseCellDeg == EMSettings.defaultCoarseCellDeg && EMSettings.defaultCoarseCellDeg == 0.05)
    }

    /// A saved config without `em.coarseCellDeg` (made before the coarse phase) reads as 0, so it resumes and
    /// reproduces as it was run; 0 is not written, any other width is.
    @Test func coarseCellWidthIsWrittenOnlyWhenNotZero() throws {
        let old = try JSONDecoder().decode(EMSettings.self, from: Data(#"{"maxIterations": 200, "tolerance": 1e-6}"#.utf8))
        #expect(old.coarseCellDeg == 0 && old.restarts == 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let off = String(decoding: try encoder.encode(EMSettings(restarts: 1, coarseCellDeg: 0)), as: UTF8.self)
        #expect(!off.contains("coarseCellDeg"), "\(off)")
        let on = try encoder.encode(EMSettings())
        #expect(try JSONDecoder().decode(EMSettings.self, from: on) == EMSettings())
        #expect(try decode(#"{"pieces": ["a"], "em": {"coarseCellDeg": 0.02}}"#).em.coarseCellDeg == 0.02)
        let m = message(#"{"pieces": ["a"], "em": {"coarseCellDeg": -1}}"#)
        #expect(m.contains("em.coarseCellDeg"), "\(m)")
    }

    /// Every committed config loads (run from the package root, as `make test` does); the paper config is the
    /// statistics design of issue 15 and the sweeps use the default EM (R = 4 starts, coarse to fine).
    @Test func committedConfigsLoad() throws {
        let root = FileManager.default.currentDirectoryPath
        guard FileManager.default.fileExists(atPath: root + "/configs/paper.json") else { return }
        let folders = ["configs", "configs/sweeps", "configs/tuning"]
        var loaded = 0
        for folder in folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder).sorted() where name.hasSuffix(".json") {
                _ = try ExperimentConfig.load(path: "\(root)/\(folder)/\(name)")
                loaded += 1
            }
        }
        #expect(loaded >= 10)
        let paper = try ExperimentConfig.load(path: root + "/configs/paper.json")
        #expect(paper.pieces.count >= 24 && paper.seeds.count >= 3)
        #expect(Set(paper.conditions.filter(\.noise).map(\.snrReference)) == [.allSources, .target])
        for sweep in ["angle", "k", "snr", "weighting"] {
            #expect(try ExperimentConfig.load(path: "\(root)/configs/sweeps/\(sweep).json").em == EMSettings(), "\(sweep)")
        }
    }

    @Test func unknownKeyNamesItsPathAndTheAllowedKeys() {
        let m = message(#"{"pieces": ["a"], "excerpt": {"secs": 2}}"#)
        #expect(m.contains("unknown key 'excerpt.secs'") && m.contains("offset, seconds"), "\(m)")
        let top = message(#"{"pieces": ["a"], "methdos": ["tmm"]}"#)
        #expect(top.contains("unknown key 'methdos'") && top.contains("methods"), "\(top)")
    }

    @Test func zeroClustersIsOutOfRange() {
        let m = message(#"{"pieces": ["a"], "K": [6, 0]}"#)
        #expect(m.contains("K[1] = 0 is out of range") && m.contains("1…64"), "\(m)")
    }

    @Test func textSNRIsATypeError() {
        let m = message(#"{"pieces": ["a"], "conditions": [{"name": "noise", "noise": true, "snrDb": "x"}]}"#)
        #expect(m.contains("conditions[0].snrDb[0] = \"x\" is invalid") && m.contains("expected a number"), "\(m)")
        let viaSet = message(#"{"pieces": ["a"]}"#, overrides: ["conditions.1.snrDb=x"])
        #expect(viaSet.contains("conditions[1].snrDb[0] = \"x\""), "\(viaSet)")
    }

    @Test func unknownMethodListsTheMethods() {
        let m = message(#"{"pieces": ["a"], "methods": ["kmeans", "dbscan"]}"#)
        #expect(m.contains("methods[1] = \"dbscan\" is not allowed") && m.contains("kmeans, gmm, cauchy, tmm, ggmm"), "\(m)")
    }

    @Test func missingPiecesAndOtherShapes() {
        #expect(message(#"{"K": 6}"#).contains("missing key 'pieces'"))
        #expect(message(#"{"pieces": []}"#).contains("pieces = [] is invalid; expected a non-empty list"))
        #expect(message(#"{"pieces": ["a"], "target": 4}"#).contains("target = 4 is out of range; expected an integer in 0…3"))
        #expect(message(#"{"pieces": ["a"], "K": 2.5}"#).contains("K[0] = 2.5 is invalid; expected an integer"))
        #expect(message(#"{"pieces": ["a"], "angles": [15, 15]}"#).contains("angles lists 15 twice"))
        #expect(message(#"{"pieces": ["a"], "stft": {"frameLength": 512, "hop": 1024}}"#).contains("stft.hop = 1024 is out of range; expected an integer in 1…256"))
        #expect(message("[1]").contains("must be an object"))
        #expect(message("{").contains("is not valid JSON"))
    }

    @Test func overridesSetDottedPathsAndSweepLists() throws {
        let c = try decode(#"{"pieces": ["a", "b"], "excerpt": {"seconds": 10}}"#,
                           overrides: ["excerpt.seconds=2", "K=[2,4]", "methods=tmm", "conditions.1.snrDb=[-5,5]", "em.maxIterations=7"])
        #expect(c.excerpt.seconds == 2 && c.K == [2, 4] && c.methods == [.tmm] && c.em.maxIterations == 7)
        #expect(c.conditions[1].snrDb == [-5, 5])
        #expect(message(#"{"pieces": ["a"]}"#, overrides: ["excerpt.bogus=1"]).contains("unknown key 'excerpt.bogus'"))
        #expect(throws: DirClustError.self) { try JSONValue.object([:]).setting("a..b", to: .null) }
    }

    @Test func hashIgnoresOutputButNotScience() throws {
        let a = try decode(#"{"pieces": ["a"]}"#)
        var b = a; b.output = "elsewhere"
        var c = a; c.K = [5]
        #expect(a.hash == b.hash && a.hash != c.hash && a.hash.count == 64)
        // Round trip: the canonical JSON decodes to the same config.
        let back = try ExperimentConfig.decode(a.canonicalJSON(), source: "x")
        #expect(back == a)
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(sha256Hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(sha256Hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(sha256Hex(Data(String(repeating: "a", count: 1000).utf8)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
