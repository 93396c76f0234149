import DirClust

/// `make bench`: throughput figures for the numeric kernels (release build), with ratios to the
/// Python reference implementations measured in the same run when they are installed.
/// Each area has its own file with one entry function. `dirclust-bench counting ROOT` and
/// `dirclust-bench sources ROOT` measure source counting and grouping instead (see `CountingBench.swift`);
/// `dirclust-bench posteriors [CONFIG]` where the core evaluates posteriors (`PosteriorsBench.swift`).
@main
enum BenchMain {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "counting": return try benchCounting(Array(arguments.dropFirst()))
        case "sources": return try benchSources(Array(arguments.dropFirst()))
        case "posteriors": return try await benchPosteriors(Array(arguments.dropFirst()))
        case "clustering": return try benchClustering(Array(arguments.dropFirst()))
        case "nmf": return try benchNMF()
        default: break
        }
        print("dirclust bench \(DirClustInfo.version)")
        try benchSTFT()
        try benchClustering()
        try benchBSSEval()
        try benchNMF()
    }
}
