import ArgumentParser
import DirClust
import DirClustExperiments
import Foundation

/// `dirclust compare` (hidden; used by `make test`): the CI regression of SDR against a baseline.
struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a trials.csv with a baseline; fail if any trial's SDR moved by more than the tolerance.",
        shouldDisplay: false)

    @Option(help: "Baseline trials.csv (committed, e.g. results/ci/trials.csv).")
    var baseline: String
    @Option(help: "Candidate trials.csv.")
    var candidate: String
    @Option(help: "Largest accepted SDR change in dB (a finite number ≥ 0).")
    var tolerance = 0.05

    func validate() throws {
        do { try RegressionReport.validate(tolerance: tolerance) } catch let e as DirClustError { throw ValidationError(e.message) }
    }

    func run() async throws {
        let report = try RegressionReport(baseline: try TrialTable.read(path: baseline).records,
                                      candidate: try TrialTable.read(path: candidate).records, tolerance: tolerance)
        if report.passed {
            print(report.text, terminator: "")
        } else {
            FileHandle.standardError.write(Data(report.text.utf8))
            throw ExitCode.failure
        }
    }
}
