import CVectorMath

/// The clusterers' vectorised elementwise math: exp, log and log1p over buffers (the C target
/// `CVectorMath`: FreeBSD msun's kernels as branch-free loops the compiler vectorises, with AVX2 and AVX-512
/// clones on Linux x86_64 and FMA contraction off, so results are bit-identical on every CPU; ≤ 1 ulp, asserted by
/// `ClusteringVectorMathTests`), and fixed-order four-lane sums.
///
/// Swift's own `SIMD4<Double>` was tried first: its lane selects and integer bit operations compile to
/// per-lane loops on baseline x86_64, which made a vector exp no faster than libm's scalar one.
enum VectorMath {
    /// y = exp(x) elementwise (y may be x).
    static func exp(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        dirclust_exp(x, y, count)
    }

    /// y = ln x elementwise (y may be x).
    static func log(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        dirclust_log(x, y, count)
    }

    /// y = ln(1 + x) elementwise (y may be x).
    static func log1p(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        dirclust_log1p(x, y, count)
    }

    /// Σ_i term(i) with four accumulators (lane j sums the terms i ≡ j mod 4, then (l₀ + l₁) + (l₂ + l₃)):
    /// the same order on every machine, and four independent chains instead of one.
    @inline(__always)
    static func sum(count: Int, _ term: (Int) -> Double) -> Double {
        var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
        var i = 0
        while i + 4 <= count {
            a0 += term(i)
            a1 += term(i + 1)
            a2 += term(i + 2)
            a3 += term(i + 3)
            i += 4
        }
        if i < count { a0 += term(i) }
        if i + 1 < count { a1 += term(i + 1) }
        if i + 2 < count { a2 += term(i + 2) }
        return (a0 + a1) + (a2 + a3)
    }
}
