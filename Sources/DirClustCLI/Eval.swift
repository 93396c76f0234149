import ArgumentParser
import DirClust
import DirClustExperiments
import Foundation

/// `dirclust eval`: BSS Eval v3 (mir_eval's definitions) of estimate WAVs against reference WAVs.
///
/// - n estimates for n references: `bss_eval_sources` (mono files) or `bss_eval_images` (`--images`,
///   multichannel files), estimates matched to references by the best mean SIR unless `--no-permutation`.
/// - `--target K`: every estimate is scored against reference K (1-based) with all references as
///   interferers — any number of estimates, which mir_eval's API cannot do.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score estimates against references with BSS Eval v3 (SDR/SIR/SAR/ISR).",
        discussion: """
        Numbers match mir_eval.separation (512-tap distortion filter). Indices are 1-based. \
        Example: dirclust eval --reference vocals.wav drums.wav --estimate est1.wav est2.wav
        """)

    @Option(name: .customLong("reference"), parsing: .upToNextOption, help: "Reference WAV files (true sources or images).")
    var references: [String] = []

    @Option(name: .customLong("estimate"), parsing: .upToNextOption, help: "Estimated WAV files.")
    var estimates: [String] = []

    @Option(help: "Score every estimate against this reference (1-based) instead of one estimate per reference.")
    var target: Int?

    @Flag(help: "Multichannel images (bss_eval_images: SDR/ISR/SIR/SAR); otherwise files must be mono.")
    var images = false

    @Flag(name: .customLong("no-permutation"), help: "Match estimate i to reference i instead of searching the best ordering.")
    var noPermutation = false

    @Flag(help: "Print CSV instead of an aligned table.")
    var csv = false

    func validate() throws {
        guard !references.isEmpty else { throw ValidationError("eval: give at least one --reference WAV") }
        guard !estimates.isEmpty else { throw ValidationError("eval: give at least one --estimate WAV") }
        if let target, !(1...references.count).contains(target) {
            throw ValidationError("eval: --target \(target) is out of range; expected 1…\(references.count) (one of the --reference files)")
        }
        if target == nil && estimates.count != references.count {
            throw ValidationError("eval: \(estimates.count) estimates for \(references.count) references; give one estimate per reference, or --target K to score every estimate against reference K")
        }
    }

    func run() async throws {
        print(try report(), terminator: "")
    }

    /// The table (or CSV) this command prints.
    func report() throws -> String {
        let refs = try references.map(load)
        let ests = try estimates.map(load)
        let first = refs[0]
        for (path, audio) in zip(references + estimates, refs + ests) {
            guard audio.sampleRate == first.sampleRate else {
                throw DirClustError("eval: \(path) has sample rate \(audio.sampleRate) Hz but \(references[0]) has \(first.sampleRate) Hz; expected one rate")
            }
            guard audio.frameCount == first.frameCount else {
                throw DirClustError("eval: \(path) has \(audio.frameCount) samples but \(references[0]) has \(first.frameCount); expected equal lengths")
            }
            guard audio.channelCount == first.channelCount else {
                throw DirClustError("eval: \(path) has \(audio.channelCount) channels but \(references[0]) has \(first.channelCount); expected equal channel counts")
            }
        }

        var rows: [(estimate: String, reference: String, values: [Double])] = []
        let columns = images ? ["SDR", "ISR", "SIR", "SAR"] : ["SDR", "SIR", "SAR"]
        if let target {
            if images {
                let scorer = try ImagesScorer(references: refs.map(\.channels))
                for (i, e) in ests.enumerated() {
                    let s = try scorer.score(estimate: e.channels, target: target - 1)
                    rows.append((estimates[i], references[target - 1], [s.sdr, s.isr, s.sir, s.sar]))
                }
            } else {
                let scorer = try SourcesScorer(references: refs.map { $0.channels[0] })
                for (i, e) in ests.enumerated() {
                    let s = try scorer.score(estimate: e.channels[0], target: target - 1)
                    rows.append((estimates[i], references[target - 1], [s.sdr, s.sir, s.sar]))
                }
            }
        } else if images {
            let s = try bssEvalImages(references: refs.map(\.channels), estimates: ests.map(\.channels),
                                      computePermutation: !noPermutation)
            for j in refs.indices {
                rows.append((estimates[s.permutation[j]], references[j], [s.sdr[j], s.isr[j], s.sir[j], s.sar[j]]))
            }
        } else {
            let s = try bssEvalSources(references: refs.map { $0.channels[0] }, estimates: ests.map { $0.channels[0] },
                                       computePermutation: !noPermutation)
            for j in refs.indices {
                rows.append((estimates[s.permutation[j]], references[j], [s.sdr[j], s.sir[j], s.sar[j]]))
            }
        }

        let header = ["estimate", "reference"] + columns
        let body = rows.map { [$0.estimate, $0.reference] + $0.values.map { String(format: "%.3f", $0) } }
        if csv {
            return ([header.map { $0.lowercased() }] + body).map { $0.map(csvField).joined(separator: ",") }
                .joined(separator: "\n") + "\n"
        }
        let widths = header.indices.map { c in ([header] + body).map { $0[c].count }.max()! }
        return ([header] + body).map { row in
            row.enumerated().map { c, text in
                let pad = String(repeating: " ", count: widths[c] - text.count)
                return c < 2 ? text + pad : pad + text  // names left, numbers right
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// Reads one WAV and checks it (finite, non-silent; mono unless --images), naming the file on error.
    private func load(_ path: String) throws -> AudioBuffer {
        let audio = try readWAV(path)
        if !images && audio.channelCount != 1 {
            throw DirClustError("eval: \(path) has \(audio.channelCount) channels; bss_eval_sources needs mono files (pass --images to score multichannel images)")
        }
        try BSSEvalValidation.checkSignal(audio.channels, name: path)
        return audio
    }

    private func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
