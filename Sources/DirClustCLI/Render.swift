import ArgumentParser
import DirClust
import DirClustExperiments

/// `dirclust render`: the scenes of a config as WAV files.
struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the scenes of a config to WAV files.",
        discussion: "Writes <out>/<scene_id>/ per scene: mixture.wav, source-<i>-<name>.wav (stereo images), noise.wav and scene.json.")

    @Option(help: "Experiment config (JSON).")
    var config: String
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config value by dotted key path (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @Option(help: "Output directory.")
    var out = "scenes"
    @Flag(help: "No progress lines on stderr (they are also off when stderr is not a terminal).")
    var quiet = false

    func run() async throws {
        let c = try ExperimentConfig.load(path: config, overrides: overrides)
        let dirs = try await renderScenes(config: c, outDir: out, progress: ProgressReporter(quiet: quiet).runHandler)
        print("dirclust: \(dirs.count) scenes in \(out)/")
    }
}
