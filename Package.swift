// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dirclust",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DirClust", targets: ["DirClust"]),
        .executable(name: "dirclust", targets: ["dirclust"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // System-library shims: a module map and a header, nothing else.
        .systemLibrary(name: "CSndfile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CFluidSynth", providers: [.apt(["libfluidsynth-dev"])]),

        // The library: audio I/O, scenes, STFT, clusterers, separation, BSS Eval, experiments.
        .target(
            name: "DirClust",
            dependencies: [
                "CSndfile", "CFFTW", "CFluidSynth",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        // The command-line interface as a library, so tests can call its entry points.
        .target(
            name: "DirClustCLI",
            dependencies: ["DirClust", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "dirclust", dependencies: ["DirClustCLI"]),
        .executableTarget(name: "dirclust-bench", dependencies: ["DirClust"]),
        .testTarget(
            name: "DirClustTests",
            dependencies: ["DirClust", "DirClustCLI"],
            resources: [.copy("Resources")]
        ),
    ]
)
