import CVectorMath
import Foundation
import Testing
@testable import DirClust

/// The vectorised exp, log and log1p (`VectorMath`) against the platform's libm (Foundation) on dense grids
/// over their whole domains, in units in the last place, and the IEEE special values exactly.
@Suite struct ClusteringVectorMathTests {
    /// Steps between two doubles on the ordered line of doubles (0 when equal, also for NaN vs NaN).
    static func ulps(_ a: Double, _ b: Double) -> UInt64 {
        if a == b || (a.isNaN && b.isNaN) { return 0 }
        if a.isNaN || b.isNaN { return .max }
        func key(_ x: Double) -> Int64 {
            x.sign == .minus ? -Int64(bitPattern: (-x).bitPattern) : Int64(bitPattern: x.bitPattern)
        }
        return key(a) > key(b) ? UInt64(key(a) - key(b)) : UInt64(key(b) - key(a))
    }

    typealias BufferFunction = (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void
    static func vexp(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) { VectorMath.exp(x, into: y, count: n) }
    static func vlog(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) { VectorMath.log(x, into: y, count: n) }
    static func vlog1p(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) { VectorMath.log1p(x, into: y, count: n) }

    static func apply(_ f: BufferFunction, _ xs: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { f(xp.baseAddress!, $0.baseAddress!, xs.count) } }
        return out
    }

    /// The largest ulp distance of the vector function from `reference` over `xs`, and where it occurs.
    static func worst(_ xs: [Double], _ vector: BufferFunction, _ reference: (Double) -> Double) -> (UInt64, Double) {
        var worst: UInt64 = 0, at = Double.nan
        for (x, y) in zip(xs, apply(vector, xs)) where ulps(y, reference(x)) > worst { worst = ulps(y, reference(x)); at = x }
        return (worst, at)
    }

    /// A deterministic dense sample: `count` points uniform in [a, b] plus both ends.
    static func grid(_ a: Double, _ b: Double, _ count: Int) -> [Double] {
        var rng = SeededRandom(seed: 14)
        return [a, b] + (0..<count).map { _ in a + (b - a) * rng.uniform() }
    }

    @Test func expIsWithinOneUlpEverywhere() {
        // Whole range incl. the subnormal results, the E-step's range [−37.5, 0] densely, and tiny |x|.
        let xs = Self.grid(-745.1, 709.78, 400_000) + Self.grid(-37.5, 0, 400_000) + Self.grid(-1e-6, 1e-6, 20_000)
            + (0..<2000).map { Double($0) * -0.5 * 0.6931471805599453 }  // near the reduction's breakpoints
        let (worst, at) = Self.worst(xs, Self.vexp, Foundation.exp)
        #expect(worst <= 1, "exp: \(worst) ulp at x = \(at)")
    }

    @Test func logIsWithinOneUlpEverywhere() {
        // x = e^u over the whole normal and subnormal range, and [0.5, 2] densely (where ln x crosses 0).
        let xs = Self.grid(-744, 709, 400_000).map { Foundation.exp($0) } + Self.grid(0.5, 2, 400_000)
            + Self.grid(0, 1e-300, 5000) + [Double.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude]
        let (worst, at) = Self.worst(xs, Self.vlog, Foundation.log)
        #expect(worst <= 1, "log: \(worst) ulp at x = \(at)")
    }

    @Test func log1pIsWithinOneUlpEverywhere() {
        let xs = Self.grid(-0.999, 4, 400_000) + Self.grid(-40, 700, 200_000).map { Foundation.exp($0) }
            + Self.grid(-1e-8, 1e-8, 20_000) + [Double.leastNonzeroMagnitude, 1e-300, .greatestFiniteMagnitude]
        let (worst, at) = Self.worst(xs, Self.vlog1p, Foundation.log1p)
        #expect(worst <= 1, "log1p: \(worst) ulp at x = \(at)")
    }

    @Test func specialValuesAreExact() {
        let inf = Double.infinity, nan = Double.nan
        let expCases: [(Double, Double)] = [(-inf, 0), (inf, inf), (nan, nan), (0, 1), (-0.0, 1), (710, inf),
                                            (709.79, inf), (-746, 0), (-745.2, 0), (-1000, 0), (1e300, inf)]
        let logCases: [(Double, Double)] = [(0, -inf), (-0.0, -inf), (-1, nan), (-inf, nan), (inf, inf), (nan, nan),
                                            (1, 0), (Double.leastNonzeroMagnitude, Foundation.log(Double.leastNonzeroMagnitude))]
        let log1pCases: [(Double, Double)] = [(-1, -inf), (-2, nan), (inf, inf), (nan, nan), (0, 0),
                                              (1e-300, 1e-300), (Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude)]
        for (function, cases) in [(Self.vexp, expCases), (Self.vlog, logCases), (Self.vlog1p, log1pCases)] as [(BufferFunction, [(Double, Double)])] {
            // Each value alone and in a buffer of 11 (every position of a vector group and the scalar tail).
            for (x, expected) in cases {
                for y in Self.apply(function, [x]) + Self.apply(function, [Double](repeating: x, count: 11)) {
                    #expect(Self.ulps(y, expected) == 0, "f(\(x)) = \(y), expected \(expected)")
                }
            }
        }
    }

    /// Results do not depend on the position in the buffer (vector body or scalar tail) or on the length.
    @Test func resultsDoNotDependOnPositionInTheBuffer() {
        let xs = Self.grid(-30, 0, 1001)
        let whole = Self.apply(Self.vexp, xs)
        for (i, x) in xs.enumerated() { #expect(whole[i] == Self.apply(Self.vexp, [x])[0]) }
    }

    /// The generalised Gaussian's own division-free ln and exp (`dirclust_gg_estep_density` at μ = 0, 1/α = 1 returns
    /// ℓ = ln a and t = a^β): ℓ within 2 ulp of max(|ln a|, 1) of libm's log (absolute accuracy: not correctly
    /// rounded where ln a is near 0), t within 2 + 3β max(|ln a|, 1) ulp of libm's pow (ℓ's absolute error becomes
    /// t's relative error times β), y = −t bit for bit as `dirclust_gg_log_density`, and a = 0 gives ℓ = −∞, t = 0.
    @Test func generalisedGaussianPowerIsAccurate() {
        let a = Self.grid(-700, 700, 200_000).map { Foundation.exp($0) } + Self.grid(0.5, 2, 200_000)
            + Self.grid(1 - 1e-6, 1 + 1e-6, 20_000) + Self.grid(0, 1e-300, 2000) + [0, .leastNonzeroMagnitude, 1]
        let n = a.count
        for β in [0.3, 0.77, 1.5, 3.7, 8] {
            var y = [Double](repeating: 0, count: n), ell = y, t = y, direct = y, check = 0.0
            dirclust_gg_estep_density(a, &y, &ell, &t, n, 0, 1, β, 0, &check)
            dirclust_gg_log_density(a, &direct, n, 0, 1, β, 0)
            var worstLog = 0.0, worstPower = 0.0, at = (0.0, 0.0)
            for i in 0..<n where a[i] > 0 {
                let lnA = Foundation.log(a[i]), scale = max(abs(lnA), 1)
                let logError = abs(ell[i] - lnA) / scale.ulp
                if logError > worstLog { worstLog = logError; at.0 = a[i] }
                guard β * abs(lnA) < 700 else { continue }
                let reference = Foundation.pow(a[i], β)
                let powerError = abs(t[i] - reference) / reference.ulp / (2 + 3 * β * scale)
                if powerError > worstPower { worstPower = powerError; at.1 = a[i] }
            }
            #expect(worstLog <= 2, "β = \(β): ln off by \(worstLog) ulp of max(|ln a|, 1) at a = \(at.0)")
            #expect(worstPower <= 1, "β = \(β): a^β off by \(worstPower) of its bound at a = \(at.1)")
            #expect(y.map(\.bitPattern) == t.map { (0 - $0).bitPattern })
            #expect(y.map(\.bitPattern) == direct.map(\.bitPattern))
            #expect(ell[n - 3] == -.infinity && t[n - 3] == 0)
            print("β = \(β): ln worst \(worstLog) ulp of max(|ln a|, 1); a^β worst \(worstPower) of its bound")
        }
    }
}
