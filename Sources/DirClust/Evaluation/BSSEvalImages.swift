/// BSS Eval v3 for multichannel source images, as `mir_eval.separation.bss_eval_images`. Each channel
/// of the estimated image ŝ is projected onto the delayed copies (0…511) of every channel of the true
/// image s_j (P_j) and of every reference image (P_all), giving
///
///     ŝ = s_j + e_spat + e_interf + e_artif,   e_spat = P_j ŝ − s_j,
///     e_interf = P_all ŝ − P_j ŝ,   e_artif = ŝ − P_all ŝ,
///
///     SDR = 10 log₁₀ ‖s_j‖² / ‖e_spat + e_interf + e_artif‖²
///     ISR = 10 log₁₀ ‖s_j‖² / ‖e_spat‖²
///     SIR = 10 log₁₀ ‖s_j + e_spat‖² / ‖e_interf‖²
///     SAR = 10 log₁₀ ‖s_j + e_spat + e_interf‖² / ‖e_artif‖²
///
/// with energies summed over channels. Since s_j lies in the subspace of P_j, ⟨P_j ŝ, s_j⟩ = ⟨ŝ, s_j⟩ and
/// ‖e_spat‖² = ‖P_j ŝ‖² − 2⟨ŝ, s_j⟩ + ‖s_j‖²; likewise ‖ŝ − s_j‖² = ‖ŝ‖² − 2⟨ŝ, s_j⟩ + ‖s_j‖².
public struct ImagesScores: Sendable, Equatable {
    /// Per reference image j: the scores of the estimate matched to it.
    public var sdr, isr, sir, sar: [Double]
    /// permutation[j] = index of the estimate matched to reference j (identity without the search).
    public var permutation: [Int]
}

/// `mir_eval.separation.bss_eval_images`: references/estimates are [source][channel][sample], equal
/// count, channel count and length. With `computePermutation`, estimates are matched to references by
/// the ordering with the highest mean SIR (mir_eval's criterion); scores are listed per reference.
public func bssEvalImages(references: [[[Double]]], estimates: [[[Double]]], computePermutation: Bool = true) throws -> ImagesScores {
    try BSSEvalValidation.checkSet(references, kind: "reference", shape: nil)
    try BSSEvalValidation.checkSet(estimates, kind: "estimate", shape: (references[0].count, references[0][0].count))
    guard estimates.count == references.count else {
        throw DirClustError("bss_eval: \(estimates.count) estimates for \(references.count) references; bss_eval_images needs one estimate per reference (use ImagesScorer to score estimates against a chosen target)")
    }
    let scorer = try ImagesScorer(validatedReferences: references)
    let n = references.count
    if !computePermutation {
        var scores = ImagesScores(sdr: [], isr: [], sir: [], sar: [], permutation: Array(0..<n))
        for j in 0..<n {
            let s = scorer.scores(of: scorer.energies(of: estimates[j]), target: j)
            scores.sdr.append(s.sdr); scores.isr.append(s.isr); scores.sir.append(s.sir); scores.sar.append(s.sar)
        }
        return scores
    }
    var all = [[(sdr: Double, isr: Double, sir: Double, sar: Double)]]()
    for estimate in estimates {
        let energies = scorer.energies(of: estimate)
        all.append((0..<n).map { scorer.scores(of: energies, target: $0) })
    }
    let permutation = try bestPermutationByMeanSIR(all.map { $0.map(\.sir) })
    return ImagesScores(sdr: (0..<n).map { all[permutation[$0]][$0].sdr },
                        isr: (0..<n).map { all[permutation[$0]][$0].isr },
                        sir: (0..<n).map { all[permutation[$0]][$0].sir },
                        sar: (0..<n).map { all[permutation[$0]][$0].sar },
                        permutation: permutation)
}

/// Scores multichannel estimates against one scene's reference images, each against a chosen target;
/// the references are correlated and their Gram matrices factored once (see `SourcesScorer`).
/// Numbers are those of `bssEvalImages` with `computePermutation: false` for the same pair.
public final class ImagesScorer: Sendable {
    let projection: ReferenceProjection
    public let channelCount: Int
    public var referenceCount: Int { projection.sources.count }
    public var length: Int { projection.length }

    /// - Parameter references: [source][channel][sample], equal shapes, finite, non-silent.
    public convenience init(references: [[[Double]]]) throws {
        try BSSEvalValidation.checkSet(references, kind: "reference", shape: nil)
        try self.init(validatedReferences: references)
    }

    init(validatedReferences references: [[[Double]]]) throws {
        let c = references[0].count
        channelCount = c
        // Signal index of channel k of source j: j c + k.
        projection = try ReferenceProjection(signals: references.flatMap { $0 },
                                             sources: references.indices.map { j in (0..<c).map { j * c + $0 } },
                                             describe: { "reference \($0 + 1)" })
    }

    /// SDR/ISR/SIR/SAR (dB) of `estimate` ([channel][sample]) taking reference image `target` (0-based).
    public func score(estimate: [[Double]], target: Int) throws -> (sdr: Double, isr: Double, sir: Double, sar: Double) {
        guard (0..<referenceCount).contains(target) else {
            throw DirClustError("bss_eval: target \(target) is out of range; expected 0…\(referenceCount - 1) (one of the \(referenceCount) references)")
        }
        try BSSEvalValidation.checkSignal(estimate, name: "estimate")
        guard estimate.count == channelCount, estimate[0].count == length else {
            throw DirClustError("bss_eval: estimate has \(estimate.count) channels × \(estimate[0].count) samples but the references have \(channelCount) × \(length); expected equal shapes")
        }
        return scores(of: energies(of: estimate), target: target)
    }

    func energies(of estimate: [[Double]]) -> [ProjectionEnergies] {
        estimate.map { channel in channel.withUnsafeBufferPointer { projection.energies(of: $0) } }
    }

    func scores(of channels: [ProjectionEnergies], target j: Int) -> (sdr: Double, isr: Double, sir: Double, sar: Double) {
        var energy = 0.0, onTarget = 0.0, onAll = 0.0, inner = 0.0, targetEnergy = 0.0
        for (k, e) in channels.enumerated() {
            energy += e.energy
            onTarget += e.projectedOnSource[j]
            onAll += e.projectedOnAll
            inner += e.innerProducts[j * channelCount + k]
            targetEnergy += projection.signalEnergies[j * channelCount + k]
        }
        return (sdr: safeDecibels(targetEnergy, energy - 2 * inner + targetEnergy),
                isr: safeDecibels(targetEnergy, onTarget - 2 * inner + targetEnergy),
                sir: safeDecibels(onTarget, onAll - onTarget),
                sar: safeDecibels(onAll, energy - onAll))
    }
}
