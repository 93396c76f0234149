import CNMFKernels
import Testing
@testable import DirClust

/// The masked NMF's C kernels (CNMFKernels) against their definitions in the header written as plain loops in
/// the same summation order: equal bit for bit, on sizes with every edge (frames mod 4 = 3, bins mod 8 = 5,
/// components mod 4 = 1 or 3, observed bins mod 4 = any) and activity maps that skip tiles.
@Suite struct NMFKernelTests {
    static let F = 29, T = 11, K = 13
    static let chunks = (F + 7) / 8, groups = (T + 3) / 4

    static func values(_ n: Int, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        return (0..<n).map { _ in random.uniform() }
    }

    /// A tile map with about a third of the tiles off, and a frame-major T×F matrix that is 0 on them.
    static func activity(seed: UInt64) -> (active: [UInt8], r: [Double]) {
        var random = SeededRandom(seed: seed)
        let active = (0..<(groups * chunks)).map { _ in UInt8(random.uniform() < 0.35 ? 0 : 1) }
        var r = values(T * F, seed: seed + 1)
        for t in 0..<T { for f in 0..<F where active[(t / 4) * chunks + f / 8] == 0 { r[t * F + f] = 0 } }
        return (active, r)
    }

    /// Σ_j a(j) b(j) from 0 in groups of four, ((a₀b₀ + a₁b₁) + a₂b₂) + a₃b₃, then one term at a time.
    static func grouped(_ range: Range<Int>, _ term: (Int) -> Double) -> Double {
        var acc = 0.0, j = range.lowerBound
        while j + 4 <= range.upperBound { acc += ((term(j) + term(j + 1)) + term(j + 2)) + term(j + 3); j += 4 }
        while j < range.upperBound { acc += term(j); j += 1 }
        return acc
    }

    @Test(arguments: [(0, 13), (3, 10), (2, 3), (5, 5)])
    func modelIsTheGroupedSum(k0: Int, k1: Int) {
        let (F, T, K) = (Self.F, Self.T, Self.K)
        let h = Self.values(T * K, seed: 1), w = Self.values(K * F, seed: 2)
        let (active, _) = Self.activity(seed: 3)
        var dense = [Double](repeating: -1, count: T * F), skipping = dense
        dirclust_nmf_model(h, K, k0, k1, w, F, T, nil, &dense)
        dirclust_nmf_model(h, K, k0, k1, w, F, T, active, &skipping)
        for t in 0..<T { for f in 0..<F {
            let expected = Self.grouped(k0..<k1) { k in h[t * K + k] * w[k * F + f] }
            #expect(dense[t * F + f].bitPattern == expected.bitPattern, "t \(t) f \(f)")
            let on = active[(t / 4) * Self.chunks + f / 8] != 0
            #expect(skipping[t * F + f].bitPattern == (on ? expected : -1).bitPattern, "t \(t) f \(f) active \(on)")
        } }
    }

    @Test(arguments: [(0, 13), (4, 13), (9, 12)])
    func basisProductsSkipOnlyZeroTiles(k0: Int, k1: Int) {
        let (F, T, K) = (Self.F, Self.T, Self.K)
        let h = Self.values(T * K, seed: 4)
        let (active, r) = Self.activity(seed: 5)
        let r2 = r.map { $0 * 0.5 + ($0 > 0 ? 0.25 : 0) }  // 0 on the same tiles
        var dense = [Double](repeating: -1, count: (k1 - k0) * F), skipping = dense, second = dense
        dirclust_nmf_basis_products(h, K, k0, k1, r, nil, F, T, nil, &dense, nil)
        dirclust_nmf_basis_products(h, K, k0, k1, r, r2, F, T, active, &skipping, &second)
        for k in k0..<k1 { for f in 0..<F {
            let expected = Self.grouped(0..<T) { t in h[t * K + k] * r[t * F + f] }
            let expected2 = Self.grouped(0..<T) { t in h[t * K + k] * r2[t * F + f] }
            #expect(dense[(k - k0) * F + f].bitPattern == expected.bitPattern, "k \(k) f \(f)")
            #expect(skipping[(k - k0) * F + f].bitPattern == expected.bitPattern, "k \(k) f \(f)")
            #expect(second[(k - k0) * F + f].bitPattern == expected2.bitPattern, "k \(k) f \(f)")
        } }
    }

    @Test(arguments: [(0, 16, true), (8, 16, true), (0, 8, false), (0, 16, false)])
    func frameProductsAreTheGroupedSums(k0: Int, k1: Int, withDenominator: Bool) {
        let F = Self.F, ldw = 16
        let wT = Self.values(F * ldw, seed: 6), p = Self.values(F, seed: 7), q = Self.values(F, seed: 8)
        for n in [0, 1, 6, 13, 22] {
            var random = SeededRandom(seed: UInt64(n))
            let rows = Array((0..<F).filter { _ in random.uniform() < 0.7 }.prefix(n))
            var num = [Double](repeating: -1, count: ldw), den = num
            if withDenominator {
                dirclust_nmf_frame_products(rows, rows.count, p, q, wT, ldw, k0, k1, &num, &den)
            } else {
                dirclust_nmf_frame_products(rows, rows.count, p, nil, wT, ldw, k0, k1, &num, nil)
            }
            for k in 0..<ldw {
                let inside = k0 <= k && k < k1
                let n = Self.grouped(0..<rows.count) { j in p[rows[j]] * wT[rows[j] * ldw + k] }
                let d = Self.grouped(0..<rows.count) { j in q[rows[j]] * wT[rows[j] * ldw + k] }
                #expect(num[k].bitPattern == (inside ? n : -1).bitPattern, "n \(rows.count) k \(k)")
                #expect(den[k].bitPattern == (inside && withDenominator ? d : -1).bitPattern, "n \(rows.count) k \(k)")
            }
        }
    }
}
