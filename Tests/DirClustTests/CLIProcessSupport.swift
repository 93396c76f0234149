import Foundation
@testable import DirClust
@testable import DirClustExperiments

/// The built `dirclust` executable run as a user runs it: a real process with arguments, a working folder,
/// real files, and its exit status, stdout and stderr (captured through files, so no pipe can fill up).
enum CLIProcess {
    struct Result {
        var status: Int32
        /// True when the process ended by a signal (`status` is then the signal number).
        var signalled: Bool
        var stdout: String
        var stderr: String
        var succeeded: Bool { !signalled && status == 0 }
    }

    /// The package root (the folder holding Package.swift), found from this source file.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// `dirclust` next to the test bundle (SwiftPM builds both into one folder), else in the folder that
    /// `swift build --show-bin-path` names for this configuration.
    static let binary: String = {
        let fm = FileManager.default
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
                          URL(fileURLWithPath: Bundle.main.bundlePath).deletingLastPathComponent().path,
                          Bundle.main.bundlePath]
        for configuration in ["release", "debug"] { candidates.append("\(packageRoot)/.build/\(configuration)") }
        for folder in candidates where fm.isExecutableFile(atPath: "\(folder)/dirclust") { return "\(folder)/dirclust" }
        let shown = try? CLIProcess.run(executable: "/usr/bin/env", ["swift", "build", "-c", "release", "--show-bin-path"], in: packageRoot)
        let folder = shown?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return "\(folder)/dirclust"
    }()

    /// Starts `dirclust arguments` in `folder` without waiting; stdout and stderr go to files in `logs`.
    static func start(_ arguments: [String], in folder: String = packageRoot, logs: String) throws -> Process {
        try launch(executable: binary, arguments, in: folder, logs: logs)
    }

    /// Runs `dirclust arguments` in `folder` to the end.
    static func run(_ arguments: [String], in folder: String = packageRoot) throws -> Result {
        try run(executable: binary, arguments, in: folder)
    }

    static func run(executable: String, _ arguments: [String], in folder: String) throws -> Result {
        let logs = try AudioTestSupport.scratchFolder("logs")
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let p = try launch(executable: executable, arguments, in: folder, logs: logs)
        p.waitUntilExit()
        return result(of: p, logs: logs)
    }

    /// The outcome of a finished process started by `start`.
    static func result(of p: Process, logs: String) -> Result {
        let read = { (name: String) in (try? String(contentsOfFile: "\(logs)/\(name)", encoding: .utf8)) ?? "" }
        return Result(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
                      stdout: read("stdout"), stderr: read("stderr"))
    }

    private static func launch(executable: String, _ arguments: [String], in folder: String, logs: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        FileManager.default.createFile(atPath: "\(logs)/stdout", contents: nil)
        FileManager.default.createFile(atPath: "\(logs)/stderr", contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: "\(logs)/stdout")
        p.standardError = FileHandle(forWritingAtPath: "\(logs)/stderr")
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Waits (polling every 10 ms, at most `seconds`) until `condition` holds; returns whether it did.
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// A tiny experiment config (one piece, a 1 s excerpt, the TimGM6mb SoundFont, k-means only), written
    /// to `folder/name`; `extra` adds or replaces top-level keys (JSON text, e.g. `"angles": [15, 45]`).
    @discardableResult
    static func tinyConfig(in folder: String, name: String = "tiny.json", extra: [String: String] = [:]) throws -> String {
        var fields: [String: String] = [
            "name": "\"tiny\"", "pieces": "[\"bwv66.6\"]", "midiDirectory": "\"\(packageRoot)/experiments/midi\"",
            "soundFont": "\"/usr/share/sounds/sf2/TimGM6mb.sf2\"", "excerpt": "{\"offset\": 0, \"seconds\": 1}",
            "layouts": "[\"centreTarget\"]", "angles": "[15, 45]", "conditions": "[{\"name\": \"overK\", \"noise\": false}]",
            "K": "[6]", "methods": "[\"kmeans\", \"gmm\"]", "stages": "[\"clustering\"]",
        ]
        for (k, v) in extra { fields[k] = v }
        let text = "{\n" + fields.keys.sorted().map { "  \"\($0)\": \(fields[$0]!)" }.joined(separator: ",\n") + "\n}\n"
        let path = "\(folder)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }
}
