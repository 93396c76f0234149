/// BSS Eval v3 for mono sources (Vincent, Gribonval & Févotte 2006), as `mir_eval.separation
/// .bss_eval_sources`: the estimate ŝ is decomposed with a 512-tap time-invariant distortion filter,
///
///     ŝ = s_target + e_interf + e_artif,   s_target = P_j ŝ,   e_interf = P_all ŝ − P_j ŝ,
///     e_artif = ŝ − P_all ŝ,
///
/// where P_j projects onto the delayed copies s_j(· − τ), τ = 0…511, of the true source and P_all onto
/// those of every reference (ŝ zero-padded by 511 samples, as mir_eval does). Then
///
///     SDR = 10 log₁₀ ‖s_target‖² / ‖e_interf + e_artif‖²
///     SIR = 10 log₁₀ ‖s_target‖² / ‖e_interf‖²
///     SAR = 10 log₁₀ ‖s_target + e_interf‖² / ‖e_artif‖²
///
/// There is no regularisation of the Gram matrix (mir_eval solves it exactly); ±∞ dB arises only when
/// an energy vanishes, as in mir_eval.
public struct SourcesScores: Sendable, Equatable {
    /// Per reference j: the scores of the estimate matched to it.
    public var sdr, sir, sar: [Double]
    /// permutation[j] = index of the estimate matched to reference j (identity without the search).
    public var permutation: [Int]
}

/// `mir_eval.separation.bss_eval_sources`: references/estimates are [source][sample], mono, equal
/// count and length. With `computePermutation`, the estimates are matched to the references by the
/// ordering with the highest mean SIR (mir_eval's criterion); scores are listed per reference.
public func bssEvalSources(references: [[Double]], estimates: [[Double]], computePermutation: Bool = true) throws -> SourcesScores {
    try BSSEvalValidation.checkSet(references.map { [$0] }, kind: "reference", shape: nil)
    try BSSEvalValidation.checkSet(estimates.map { [$0] }, kind: "estimate", shape: (1, references[0].count))
    guard estimates.count == references.count else {
        throw DirClustError("bss_eval: \(estimates.count) estimates for \(references.count) references; bss_eval_sources needs one estimate per reference (use SourcesScorer to score estimates against a chosen target)")
    }
    let scorer = try SourcesScorer(validatedReferences: references)
    let n = references.count
    if !computePermutation {
        var scores = SourcesScores(sdr: [], sir: [], sar: [], permutation: Array(0..<n))
        for j in 0..<n {
            let s = scorer.scores(of: scorer.energies(of: estimates[j]), target: j)
            scores.sdr.append(s.sdr); scores.sir.append(s.sir); scores.sar.append(s.sar)
        }
        return scores
    }
    // Every (estimate, reference) pair: the projections of one estimate serve every target.
    var all = [[(sdr: Double, sir: Double, sar: Double)]]()
    for estimate in estimates {
        let energies = scorer.energies(of: estimate)
        all.append((0..<n).map { scorer.scores(of: energies, target: $0) })
    }
    let permutation = try bestPermutationByMeanSIR(all.map { $0.map(\.sir) })
    return SourcesScores(sdr: (0..<n).map { all[permutation[$0]][$0].sdr },
                         sir: (0..<n).map { all[permutation[$0]][$0].sir },
                         sar: (0..<n).map { all[permutation[$0]][$0].sar },
                         permutation: permutation)
}

/// Scores any number of mono estimates against one scene's references, each against a chosen target.
///
/// The references' block spectra and the factored inverses of their Gram matrices (all references, and
/// each reference alone) are computed once in `init`; each `score` then costs only the estimate's
/// cross-correlations (FFT) and two quadratic forms. Numbers are those of `bssEvalSources` with
/// `computePermutation: false` for the same (target, estimate) pair. Safe to share across threads.
public final class SourcesScorer: Sendable {
    let projection: ReferenceProjection
    public var referenceCount: Int { projection.sources.count }
    public var length: Int { projection.length }

    /// - Parameter references: [source][sample], mono, equal length, finite, non-silent.
    public init(references: [[Double]]) throws {
        try BSSEvalValidation.checkSet(references.map { [$0] }, kind: "reference", shape: nil)
        projection = try ReferenceProjection(signals: references, sources: references.indices.map { [$0] },
                                             describe: { "reference \($0 + 1)" })
    }

    init(validatedReferences references: [[Double]]) throws {
        projection = try ReferenceProjection(signals: references, sources: references.indices.map { [$0] },
                                             describe: { "reference \($0 + 1)" })
    }

    /// SDR/SIR/SAR (dB) of `estimate` taking reference `target` (0-based) as the true source.
    public func score(estimate: [Double], target: Int) throws -> (sdr: Double, sir: Double, sar: Double) {
        guard (0..<referenceCount).contains(target) else {
            throw DirClustError("bss_eval: target \(target) is out of range; expected 0…\(referenceCount - 1) (one of the \(referenceCount) references)")
        }
        try checkEstimate(estimate)
        return scores(of: energies(of: estimate), target: target)
    }

    /// SDR/SIR/SAR of `estimate` against every reference as target (one correlation pass).
    public func scoreAgainstAll(estimate: [Double]) throws -> [(sdr: Double, sir: Double, sar: Double)] {
        try checkEstimate(estimate)
        let energies = energies(of: estimate)
        return (0..<referenceCount).map { scores(of: energies, target: $0) }
    }

    private func checkEstimate(_ estimate: [Double]) throws {
        try BSSEvalValidation.checkSignal([estimate], name: "estimate")
        guard estimate.count == length else {
            throw DirClustError("bss_eval: estimate has \(estimate.count) samples but the references have \(length); expected equal lengths")
        }
    }

    func energies(of estimate: [Double]) -> ProjectionEnergies {
        estimate.withUnsafeBufferPointer { projection.energies(of: $0) }
    }

    /// The criteria from the projection energies: ‖s_target‖² = ‖P_j ŝ‖²,
    /// ‖e_interf‖² = ‖P_all ŝ‖² − ‖P_j ŝ‖², ‖e_interf + e_artif‖² = ‖ŝ‖² − ‖P_j ŝ‖², ‖e_artif‖² = ‖ŝ‖² − ‖P_all ŝ‖².
    func scores(of e: ProjectionEnergies, target j: Int) -> (sdr: Double, sir: Double, sar: Double) {
        let target = e.projectedOnSource[j]
        return (sdr: safeDecibels(target, e.energy - target),
                sir: safeDecibels(target, e.projectedOnAll - target),
                sar: safeDecibels(e.projectedOnAll, e.energy - e.projectedOnAll))
    }
}
