/// The assignment of estimates to references that maximises the mean SIR, searched as mir_eval does:
/// every permutation π of 0…n−1 in lexicographic order (`itertools.permutations`), score
/// mean_j SIR[π(j)][j] (estimate π(j) against reference j), first maximum wins (`np.argmax`, for which a
/// NaN counts as the maximum).
///
/// - Parameter sir: `sir[estimate][reference]`, n × n.
/// - Returns: π with π[j] = the estimate matched to reference j.
func bestPermutationByMeanSIR(_ sir: [[Double]]) throws -> [Int] {
    let n = sir.count
    guard n <= maximumPermutationSources else {
        throw DirClustError("bss_eval: permutation search over \(n) sources would try \(n)! orderings; at most \(maximumPermutationSources) sources are supported with permutation (pass computePermutation: false / --no-permutation)")
    }
    var permutation = Array(0..<n)
    var best = permutation
    var bestMean = -Double.infinity
    var first = true
    while true {
        var sum = 0.0
        for j in 0..<n { sum += sir[permutation[j]][j] }
        let mean = sum / Double(n)
        if first || (!bestMean.isNaN && (mean > bestMean || mean.isNaN)) {
            bestMean = mean
            best = permutation
            first = false
        }
        guard nextLexicographicPermutation(&permutation) else { break }
    }
    return best
}

/// Largest n for the exhaustive search (10! = 3.6 M orderings).
let maximumPermutationSources = 10

/// Advances to the next permutation in lexicographic order; false after the last one.
private func nextLexicographicPermutation(_ a: inout [Int]) -> Bool {
    guard a.count > 1 else { return false }
    var i = a.count - 2
    while i >= 0 && a[i] >= a[i + 1] { i -= 1 }
    if i < 0 { return false }
    var j = a.count - 1
    while a[j] <= a[i] { j -= 1 }
    a.swapAt(i, j)
    a[(i + 1)...].reverse()
    return true
}
