import DirClust

/// `make bench`: throughput figures for the numeric kernels (release build), with ratios to the
/// Python reference implementations measured in the same run when they are installed.
/// Each area has its own file with one entry function.
@main
enum BenchMain {
    static func main() throws {
        print("dirclust bench \(DirClustInfo.version)")
        try benchSTFT()
        try benchClustering()
        try benchBSSEval()
        try benchNMF()
    }
}
