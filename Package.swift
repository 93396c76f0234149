// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dirclust",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DirClust", targets: ["DirClust"]),
        .library(name: "DirClustExperiments", targets: ["DirClustExperiments"]),
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
        // Vectorised exp/log/log1p loops of the clusterers (plain C the compiler vectorises; AVX-512 and AVX2
        // clones on Linux x86_64 picked at load time).
        .target(name: "CVectorMath"),
        // The masked NMF's matrix products as register-blocked C kernels (each sum in a fixed order: the same
        // bits as the plain loops on every CPU; AVX-512 and AVX2 clones on Linux x86_64).
        .target(name: "CNMFKernels"),

        // The science, in pipeline order: Audio → Scene → Spectral → Features → Clustering → Masking → NMF
        // → Evaluation (+ Support). It knows nothing of experiments.
        .target(
            name: "DirClust",
            dependencies: [
                "CSndfile", "CFFTW", "CFluidSynth", "CVectorMath", "CNMFKernels",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        // The experiment machinery on top of the science: Config → Plan → Run → Analysis → Report, and the
        // output folder of `dirclust separate`.
        .target(name: "DirClustExperiments", dependencies: ["DirClust"]),
        // The command-line interface as a library, so tests can call its entry points.
        .target(
            name: "DirClustCLI",
            dependencies: ["DirClust", "DirClustExperiments",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "dirclust", dependencies: ["DirClustCLI"]),
        // Benchmarks; `posteriors` runs a config's scenes, so it reads configs through the experiments library.
        .executableTarget(name: "dirclust-bench", dependencies: ["DirClust", "DirClustExperiments"]),
        .testTarget(
            name: "DirClustTests",
            dependencies: ["DirClust", "DirClustExperiments", "DirClustCLI"],
            resources: [.copy("Resources")]
        ),
    ]
)
