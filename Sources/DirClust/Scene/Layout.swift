/// Where the sources of a scene sit, as pan angles φ in degrees (0° left, 45° centre, 90° right).
///
/// "±θ from centre" (the paper's wording) means φ = 45° ∓ θ.
public enum Layout: Sendable, Codable, Hashable {
    /// The paper's layout, for exactly 4 sources: the target and one interferer at the centre (45°), the
    /// other two at 45° − θ and 45° + θ. The target gets 45°; the remaining sources, in index order, get
    /// 45°, 45° − θ, 45° + θ. With the target at index 0 (soprano): alto 45°, tenor 45° − θ, bass 45° + θ.
    case centreTarget(theta: Double)
    /// N ≥ 2 sources spread evenly over [45° − θ, 45° + θ]: slot j at φ_j = 45° − θ + 2θ·j/(N − 1).
    /// The target takes slot ⌊(N − 1)/2⌋ (the slot nearest the centre, left of it for even N: 45° − θ/3
    /// for N = 4); the remaining sources, in index order, take the other slots from left to right.
    /// For N = 4 and target 0: soprano 45° − θ/3, alto 45° − θ, tenor 45° + θ/3, bass 45° + θ.
    case fan(theta: Double)
    /// One angle per source, as given.
    case explicit(anglesDeg: [Double])

    /// Pan angles (degrees) of `sourceCount` sources with the target at `targetIndex`.
    /// - Throws: `DirClustError` when θ is outside [0°, 45°], the source count does not fit the layout,
    ///   the target index is out of range, or an explicit angle is outside [0°, 90°].
    public func anglesDeg(sourceCount: Int, targetIndex: Int) throws -> [Double] {
        guard (0..<sourceCount).contains(targetIndex) else {
            throw DirClustError("layout: target index \(targetIndex) is out of range; expected 0…\(sourceCount - 1) for \(sourceCount) sources.")
        }
        let others = (0..<sourceCount).filter { $0 != targetIndex }
        var angles = [Double](repeating: 45, count: sourceCount)
        switch self {
        case .centreTarget(let theta):
            try Self.check(theta: theta, layout: "centre-target")
            guard sourceCount == 4 else {
                throw DirClustError("layout centre-target needs exactly 4 sources (target, centre interferer, left, right); got \(sourceCount).")
            }
            for (index, angle) in zip(others, [45, 45 - theta, 45 + theta]) { angles[index] = angle }
        case .fan(let theta):
            try Self.check(theta: theta, layout: "fan")
            guard sourceCount >= 2 else {
                throw DirClustError("layout fan needs at least 2 sources; got \(sourceCount).")
            }
            let slots = (0..<sourceCount).map { 45 - theta + 2 * theta * Double($0) / Double(sourceCount - 1) }
            let targetSlot = (sourceCount - 1) / 2
            angles[targetIndex] = slots[targetSlot]
            let otherSlots = slots.indices.filter { $0 != targetSlot }
            for (index, slot) in zip(others, otherSlots) { angles[index] = slots[slot] }
        case .explicit(let given):
            guard given.count == sourceCount else {
                throw DirClustError("layout explicit has \(given.count) angles for \(sourceCount) sources; expected one angle per source.")
            }
            angles = given
        }
        for (index, angle) in angles.enumerated() where !(angle.isFinite && (0...90).contains(angle)) {
            throw DirClustError("layout: source \(index) pan angle \(angle)° is outside [0°, 90°] (0° left, 45° centre, 90° right).")
        }
        return angles
    }

    private static func check(theta: Double, layout: String) throws {
        guard theta.isFinite, (0...45).contains(theta) else {
            throw DirClustError("layout \(layout): θ = \(theta)° is outside [0°, 45°]; sources must stay within 0°…90°.")
        }
    }
}
