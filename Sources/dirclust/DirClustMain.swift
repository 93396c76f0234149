import DirClustCLI

/// The `dirclust` executable: a thin shell over `DirClustCLI`.
@main
enum DirClustMain {
    static func main() async {
        await DirClustCommand.main()
    }
}
