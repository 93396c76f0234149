import ArgumentParser
import DirClust
import DirClustExperiments

/// The root command. Each subcommand lives in its own file and delegates its work to the library.
public struct DirClustCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dirclust",
        abstract: "Directional clustering for stereo music source separation.",
        discussion: """
        Cluster the time-frequency bins of a stereo mix by their direction \
        θ = atan2(|X_R|, |X_L|) with k-means, GMM, Cauchy, Student-t (tMM) or generalised-Gaussian \
        (GGMM) mixtures, mask, and resynthesise one signal per direction.
        """,
        subcommands: [Render.self, Run.self, Reproduce.self, Merge.self, Separate.self, Eval.self, Compare.self]
    )
    public init() {}
}
